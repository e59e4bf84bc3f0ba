from warehouse.cli import main

if __name__ == "__main__":  # not when a worker process of `land` imports the main module
    raise SystemExit(main())

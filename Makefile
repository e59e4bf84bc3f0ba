# The two commands of the README:
#   make run    set up, generate the demo brokerage, land it, build and publish the warehouse, send the
#               day's digests to the outbox, then serve the dashboards on http://127.0.0.1:8088
#   make test   set up (both venvs), lint and run the whole test suite
#   make build-spark   build the warehouse on Apache Spark from the same lake (README "Scale-out on Spark")
# Everything is installed from the project's own files (pyproject.toml + uv.lock) into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
PRESET ?= demo

.PHONY: install run test lint bench docs build-spark clean

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --upgrade >/dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --python $(BIN)/python
	touch $@

include superset/superset.mk

install: $(VENV)/.installed

run: install superset-install
	$(BIN)/python -m warehouse run --preset $(PRESET)
	$(MAKE) superset-start

lint: install
	$(BIN)/ruff check .

test: lint superset-install
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/landing.py

# dbt on Spark (profiles.yml target spark: pyspark local[*], Java 17): the same lake, the marts as Parquet
# under data/warehouse/spark/marts/<mart>/ (the Hive metastore beside them, so the next build is incremental)
build-spark: install
	WAREHOUSE_LAKE="$${WAREHOUSE_LAKE:-$(CURDIR)/data/lake}" \
	WAREHOUSE_SPARK_DIR="$${WAREHOUSE_SPARK_DIR:-$(CURDIR)/data/warehouse/spark}" \
	$(BIN)/dbt build --target spark --profiles-dir . --project-dir .

docs: install
	$(BIN)/dbt docs generate --profiles-dir . --target-path target

clean:
	rm -rf data target logs

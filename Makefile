# The two commands of the README:
#   make run    set up, generate the demo brokerage, land it, build and publish the warehouse, send the
#               day's digests to the outbox, then serve the dashboards on http://127.0.0.1:8088
#   make test   set up (both venvs), lint and run the whole test suite
# Everything is installed from the project's own files (pyproject.toml + uv.lock) into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
PRESET ?= demo

.PHONY: install run test lint bench docs clean

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

docs: install
	$(BIN)/dbt docs generate --profiles-dir . --target-path target

clean:
	rm -rf data target logs

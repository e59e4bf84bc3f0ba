# Superset (BI layer), included by the main Makefile: `include superset/superset.mk`.
# Superset has its own venv (it pins pandas<2.2, numpy<2.3, pyarrow<19, SQLAlchemy<2), installed from
# superset/pyproject.toml + superset/uv.lock with the uv of the main venv.
#   make superset-install   Superset's venv (frozen lock)
#   make superset-start     init + import dashboards-as-code + serve on 127.0.0.1:8088 (demo logins printed)
#   make superset-stop
# Outside the demo set SUPERSET_SECRET_KEY and SUPERSET_ADMIN_PASSWORD; SUPERSET_DEMO=0 to not set WAREHOUSE_DEMO.

SUPERSET_VENV := superset/.venv
SUPERSET_PY := $(SUPERSET_VENV)/bin/python
SUPERSET_DEMO ?= 1

.PHONY: superset-install superset-start superset-stop superset-assets

$(SUPERSET_VENV)/.installed: superset/pyproject.toml superset/uv.lock $(VENV)/.installed
	$(BIN)/uv sync --frozen --project superset --python $(BIN)/python
	touch $@

superset-install: $(SUPERSET_VENV)/.installed

superset-start: superset-install
	$(if $(filter 1,$(SUPERSET_DEMO)),WAREHOUSE_DEMO=1) $(SUPERSET_PY) superset/bi.py start

superset-stop:
	$(if $(filter 1,$(SUPERSET_DEMO)),WAREHOUSE_DEMO=1) $(SUPERSET_PY) superset/bi.py stop

# regenerate superset/assets/*.yaml from superset/assets_spec.py (needs a built serving file)
superset-assets: superset-install
	$(SUPERSET_PY) superset/assets_spec.py --serving data/warehouse/serving.duckdb

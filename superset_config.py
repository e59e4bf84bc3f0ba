"""Apache Superset configuration of the brokerage warehouse (BI layer).

Superset runs in its own venv (`superset/.venv`, from `superset/pyproject.toml` + `superset/uv.lock`)
and reads it through SUPERSET_CONFIG_PATH=<repo>/superset_config.py (the scripts under `superset/` set
it). Everything is driven by environment variables:

| variable | default | meaning |
|---|---|---|
| `SUPERSET_SECRET_KEY` | (required) | signs sessions, encrypts stored passwords; unless `WAREHOUSE_DEMO=1` |
| `WAREHOUSE_DEMO` | unset | `1`: a fixed demo secret key and demo users (never for a real brokerage) |
| `SUPERSET_DATABASE_URI` | `sqlite:///$SUPERSET_HOME/superset.db` | Superset's own metadata database |
| `SUPERSET_HOME` | `$WAREHOUSE_DATA/superset` | metadata, cache, logs, pid file |
| `WAREHOUSE_DATA` / `WAREHOUSE_DIR` | `./data` / `$WAREHOUSE_DATA/warehouse` | where `serving.duckdb` is |
| `SUPERSET_CACHE` | `filesystem` | `filesystem`, `simple` (per process) or `off` (no cache: benchmarks) |
| `SUPERSET_CACHE_TIMEOUT` | `3600` | seconds a chart result is kept (the serving file changes once a day) |
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "superset"))
from serving import ServingConnection, reuse_duckdb_reserved_words  # noqa: E402 (in superset/, on the path)

WAREHOUSE_DATA = Path(os.environ.get("WAREHOUSE_DATA", REPO / "data")).resolve()
WAREHOUSE_DIR = Path(os.environ.get("WAREHOUSE_DIR", WAREHOUSE_DATA / "warehouse")).resolve()
SUPERSET_HOME = Path(os.environ.get("SUPERSET_HOME", WAREHOUSE_DATA / "superset")).resolve()
SERVING_FILE = WAREHOUSE_DIR / "serving.duckdb"
DEMO = os.environ.get("WAREHOUSE_DEMO") == "1"

SUPERSET_HOME.mkdir(parents=True, exist_ok=True)

# ---------------------------------------------------------------------------------------------------
# Secrets and metadata database
# ---------------------------------------------------------------------------------------------------
_DEMO_SECRET_KEY = "brokerage-warehouse-demo-only-not-a-secret"
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEMO:
        raise RuntimeError(
            "SUPERSET_SECRET_KEY is not set: generate one (python -c 'import secrets; "
            "print(secrets.token_urlsafe(42))') and keep it, or set WAREHOUSE_DEMO=1 for the demo only"
        )
    SECRET_KEY = _DEMO_SECRET_KEY
elif (len(SECRET_KEY) < 32 or SECRET_KEY == _DEMO_SECRET_KEY) and not DEMO:
    raise RuntimeError("SUPERSET_SECRET_KEY must be a real random key of at least 32 characters")

SQLALCHEMY_DATABASE_URI = os.environ.get(
    "SUPERSET_DATABASE_URI", f"sqlite:///{SUPERSET_HOME / 'superset.db'}"
)
# uploads into the warehouse are never allowed: it is rebuilt by dbt and served read-only
UPLOAD_FOLDER = str(SUPERSET_HOME / "uploads")
DATA_DIR = str(SUPERSET_HOME)

# ---------------------------------------------------------------------------------------------------
# Language and number formats: Chinese by default, English available; CNY
# ---------------------------------------------------------------------------------------------------
BABEL_DEFAULT_LOCALE = "zh"
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "en": {"flag": "us", "name": "English"},
}
# d3 locale: ¥ as the currency sign (format "$,.2f" shows ¥1,234.50)
D3_FORMAT = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]}
D3_TIME_FORMAT = {
    "dateTime": "%Y-%m-%d %H:%M:%S",
    "date": "%Y-%m-%d",
    "time": "%H:%M:%S",
    "periods": ["上午", "下午"],
    "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    "months": [
        "一月",
        "二月",
        "三月",
        "四月",
        "五月",
        "六月",
        "七月",
        "八月",
        "九月",
        "十月",
        "十一月",
        "十二月",
    ],
    "shortMonths": ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
}
CURRENCIES = ["CNY", "HKD", "USD"]
# 万元 / 亿元: d3 has no 万 / 亿 SI prefix, so the datasets carry metrics already divided by 1e4 / 1e8
# (verbose names "…(万元)", "…(亿元)") and the charts format them with CNY_* below.
CNY_FORMAT = ",.2f"  # 元, two decimals
CNY_WAN_FORMAT = ",.2f"  # 万元
CNY_YI_FORMAT = ",.4f"  # 亿元
PERCENT_FORMAT = ".2%"

# ---------------------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------------------
FEATURE_FLAGS = {
    "DASHBOARD_RBAC": True,  # a dashboard is visible to the roles it lists
    "DRILL_BY": True,
    "DRILL_TO_DETAIL": True,
    # row-level security clauses use {{ current_username() }}: one role per persona, not per person
    "ENABLE_TEMPLATE_PROCESSING": True,
    "DASHBOARD_NATIVE_FILTERS_SET": False,
    "ALERT_REPORTS": False,
    "EMBEDDED_SUPERSET": False,
}

# Every query opens the warehouse anew (Superset's NullPool): one idle connection per process keeps the
# DuckDB instance and its buffer cache alive between queries, reopened when publish swaps the file in
# (superset/serving.py).
ENGINE_CONTEXT_MANAGER = ServingConnection()
# and the DuckDB dialect Superset creates several times per query asks DuckDB for its reserved words
# once per process, not each time (superset/serving.py)
reuse_duckdb_reserved_words()

# SQL Lab: read-only by construction. The warehouse database is registered with allow_dml = false and
# the DuckDB file is opened with access_mode=read_only (see superset/assets/databases/).
SQLLAB_TIMEOUT = 120
SQL_MAX_ROW = 100000
DISPLAY_MAX_ROW = 10000
PREVENT_UNSAFE_DB_CONNECTIONS = True
CSV_EXPORT = {"encoding": "utf-8-sig"}  # Excel opens UTF-8 with BOM without mangling Chinese

# ---------------------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------------------
_CACHE_KIND = os.environ.get("SUPERSET_CACHE", "filesystem")
_CACHE_TIMEOUT = int(os.environ.get("SUPERSET_CACHE_TIMEOUT", "3600"))


def _cache(prefix: str, timeout: int = _CACHE_TIMEOUT, versioned: bool = False) -> dict:
    """A cache; `versioned`: its keys carry the serving file's version, so a publish empties it."""
    kind = {"simple": "SimpleCache", "filesystem": "FileSystemCache"}.get(_CACHE_KIND)
    if _CACHE_KIND == "off":
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    if kind is None:
        raise RuntimeError(f"SUPERSET_CACHE={_CACHE_KIND!r}: expected filesystem, simple or off")
    config = {"CACHE_TYPE": kind, "CACHE_DEFAULT_TIMEOUT": timeout}
    if kind == "SimpleCache":
        config["CACHE_KEY_PREFIX"] = prefix
    else:
        config |= {"CACHE_DIR": str(SUPERSET_HOME / "cache" / prefix), "CACHE_THRESHOLD": 20000}
    if versioned:
        config["CACHE_TYPE"] = "serving.versioned_cache"
        config["CACHE_OPTIONS"] = {"backend": kind, "serving_file": str(SERVING_FILE)}
    return config


CACHE_CONFIG = _cache("metadata")
# chart results: a publish makes the cached ones unreachable (superset/serving.py)
DATA_CACHE_CONFIG = _cache("data", versioned=True)
# filter state and explore form data must work across gunicorn workers even when caching is off
FILTER_STATE_CACHE_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": str(SUPERSET_HOME / "cache" / "filter_state"),
    "CACHE_DEFAULT_TIMEOUT": int(timedelta(days=90).total_seconds()),
    "REFRESH_TIMEOUT_ON_RETRIEVAL": True,
}
EXPLORE_FORM_DATA_CACHE_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": str(SUPERSET_HOME / "cache" / "explore"),
    "CACHE_DEFAULT_TIMEOUT": int(timedelta(days=7).total_seconds()),
    "REFRESH_TIMEOUT_ON_RETRIEVAL": True,
}

# ---------------------------------------------------------------------------------------------------
# Web server: loopback behind a reverse proxy in production; no telemetry
# ---------------------------------------------------------------------------------------------------
TALISMAN_ENABLED = os.environ.get("SUPERSET_TALISMAN", "0") == "1"
ENABLE_PROXY_FIX = True
WTF_CSRF_ENABLED = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("SUPERSET_COOKIE_SECURE", "0") == "1"
RATELIMIT_ENABLED = False
SHOW_STACKTRACE = DEMO
LOG_LEVEL = os.environ.get("SUPERSET_LOG_LEVEL", "WARNING")
APP_NAME = "证券经纪客户分析"
SCARF_ANALYTICS = False

"""Links into the Superset dashboards, with their native filters set (branch, broker, date).

The dashboards and the ids of their native filters are those of the project's Superset assets
(`superset/assets_spec.py`: filter id = "NATIVE_FILTER-" + uuid5(NAMESPACE, "filter:<slug>:<name>")[:12]).
If those assets change their namespace or filter names, change them here too.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, timedelta
from urllib.parse import quote

DEFAULT_SUPERSET_URL = "http://127.0.0.1:8088"
ASSETS_NAMESPACE = uuid.UUID("6f1c9a52-3c2e-4d8e-9b5e-2f7d0c1b7a11")
FILTER_COLUMNS = {"region": "region_name", "branch": "branch_name", "broker": "broker_name"}

DASHBOARDS = {
    "overview": "经营总览",
    "trading": "交易分析",
    "brokers": "经纪人",
    "data-quality": "数据质量",
}


def superset_url() -> str:
    return os.environ.get("SUPERSET_URL", DEFAULT_SUPERSET_URL).rstrip("/")


def filter_id(slug: str, name: str) -> str:
    return "NATIVE_FILTER-" + str(uuid.uuid5(ASSETS_NAMESPACE, f"filter:{slug}:{name}"))[:12]


def _rison(value: object) -> str:
    """Rison, the URL-friendly JSON Superset reads native_filters in."""
    if value is None:
        return "!n"
    if value is True:
        return "!t"
    if value is False:
        return "!f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return "(" + ",".join(f"{_rison_key(k)}:{_rison(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(_rison(v) for v in value) + ")"
    text = str(value).replace("!", "!!").replace("'", "!'")
    return f"'{text}'"


def _rison_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _rison(key)


def dashboard_link(
    slug: str,
    *,
    business_date: date | None = None,
    branch_name: str | None = None,
    broker_name: str | None = None,
    days: int = 1,
) -> str:
    """The dashboard's URL with its native filters pre-set to the branch / broker and date range."""
    filters: dict[str, dict] = {}
    if business_date is not None:
        start = business_date - timedelta(days=days - 1)
        time_range = f"{start.isoformat()} : {(business_date + timedelta(days=1)).isoformat()}"
        fid = filter_id(slug, "date")
        filters[fid] = {
            "id": fid,
            "extraFormData": {"time_range": time_range},
            "filterState": {"value": time_range},
        }
    for name, value in (("branch", branch_name), ("broker", broker_name)):
        if value:
            fid = filter_id(slug, name)
            column = FILTER_COLUMNS[name]
            filters[fid] = {
                "id": fid,
                "extraFormData": {"filters": [{"col": column, "op": "IN", "val": [value]}]},
                "filterState": {"value": [value]},
            }
    url = f"{superset_url()}/superset/dashboard/{slug}/"
    if filters:
        url += "?native_filters=" + quote(_rison(filters), safe="():,!'*-._~")
    return url

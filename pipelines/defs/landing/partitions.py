"""Landing partitions: business date x branch (head office has its own, per date).

Both dimensions are dynamic: the inbox sensor adds a date or branch the first time a package shows it,
so an unseen branch or a backfill of old history needs no code change.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

business_dates = dg.DynamicPartitionsDefinition(name="business_date")
branches = dg.DynamicPartitionsDefinition(name="branch")
branch_days = dg.MultiPartitionsDefinition({"business_date": business_dates, "branch": branches})


def date_key(business_date: date) -> str:
    return business_date.isoformat()


def branch_day_key(business_date: date, branch: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"business_date": date_key(business_date), "branch": branch})


def range_tags(all_keys: list[str], wanted: set[str]) -> dict[str, str]:
    """Tags that make one run materialize every partition spanning `wanted`.

    `all_keys` is the partitions definition's own order (dynamic partitions keep insertion order), so
    the range is taken by position, not by string order. Partitions in between that are already landed
    cost a manifest comparison each (landing them again changes nothing).
    """
    positions = [i for i, key in enumerate(all_keys) if key in wanted]
    return {
        "dagster/asset_partition_range_start": all_keys[positions[0]],
        "dagster/asset_partition_range_end": all_keys[positions[-1]],
    }

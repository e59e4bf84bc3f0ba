"""What the inbox holds that the lake does not: complete packages not landed at their manifest.

A package is pending unless the lake already holds its branch-day with the same manifest digest, or
the same package content was already refused (trying it again would only be refused again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from warehouse.lake.layout import LANDED_PACKAGES, REFUSED_PACKAGES

from .errors import PackageRefused
from .inbox import find_packages
from .manifest import content_digest, read_manifest

_HIVE = {"business_date": pl.Date(), "branch": pl.String()}


@dataclass(frozen=True)
class PendingPackage:
    path: Path
    business_date: date
    branch: str
    manifest_sha256: str  # "" when the manifest itself cannot be read (landing will refuse it)


def landed_records(lake: Path) -> pl.DataFrame:
    """business_date, branch, revision, manifest_sha256 of every landed branch-day."""
    files = sorted((lake / LANDED_PACKAGES).glob("business_date=*/branch=*/*.parquet"))
    if not files:
        return pl.DataFrame(schema={**_HIVE, "revision": pl.Int64(), "manifest_sha256": pl.String()})
    return pl.scan_parquet(files, hive_partitioning=True, hive_schema=_HIVE).select(
        "business_date", "branch", "revision", "manifest_sha256"
    ).collect()


def refused_digests(lake: Path) -> set[str]:
    """Content digests (first 16 hex) of every package refused so far: the refusal files' names."""
    return {p.stem for p in (lake / REFUSED_PACKAGES).glob("business_date=*/branch=*/*.parquet")}


def pending_packages(inbox: Path, lake: Path) -> list[PendingPackage]:
    """Complete packages to land, in landing order (date, head office first, branch)."""
    landed = {(d, b): sha for d, b, _, sha in landed_records(lake).iter_rows()}
    refused = refused_digests(lake)
    pending = []
    for ref in find_packages(inbox):
        if not ref.complete:
            continue
        try:
            digest = read_manifest(ref.path, ref.business_date, ref.branch).digest
        except PackageRefused:
            digest = ""
        if landed.get((ref.business_date, ref.branch)) == digest:
            continue
        if content_digest(ref.path)[:16] in refused:
            continue
        pending.append(PendingPackage(ref.path, ref.business_date, ref.branch, digest))
    return pending

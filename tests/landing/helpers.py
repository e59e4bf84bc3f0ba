"""Helpers for landing tests: land an inbox, edit a package keeping its manifest true, read results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from warehouse.landing import LandingResult, find_packages, land_package

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "contract_example" / "inbox"


def land_all(inbox: Path, lake: Path) -> list[LandingResult]:
    return [land_package(ref.path, lake) for ref in find_packages(inbox) if ref.complete]


def manifest_of(package: Path) -> dict:
    return json.loads((package / "manifest.json").read_text())


def set_manifest(package: Path, **fields: object) -> None:
    doc = manifest_of(package) | fields
    (package / "manifest.json").write_text(json.dumps(doc, indent=1))


def write_file(package: Path, name: str, data: bytes, rows: int | None = None) -> None:
    """Replace a file and make the manifest agree with it (sha256, and rows when given)."""
    (package / name).write_bytes(data)
    doc = manifest_of(package)
    for entry in doc["files"]:
        if entry["name"] == name:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            if rows is not None:
                entry["rows"] = rows
    (package / "manifest.json").write_text(json.dumps(doc, indent=1))


def edit(package: Path, name: str, change: Callable[[str], str]) -> None:
    """Change a file's text (decoded in the package's encoding) and keep the manifest true."""
    encoding = manifest_of(package)["encoding"]
    text = change((package / name).read_bytes().decode(encoding))
    rows = len([line for line in text.splitlines() if line]) - 1
    write_file(package, name, text.encode(encoding), rows)


def events(lake: Path, day: str, branch: str) -> list[tuple]:
    """(file, source_row, rule, column_name, value, severity) of a branch-day's dq events."""
    path = lake / "dq_events" / f"business_date={day}" / f"branch={branch}" / "part-0.parquet"
    if not path.exists():
        return []
    columns = ["file", "source_row", "rule", "column_name", "value", "severity"]
    return [tuple(r) for r in pl.read_parquet(path, columns=columns).iter_rows()]


def table(lake: Path, name: str, day: str, branch: str) -> pl.DataFrame:
    return pl.read_parquet(lake / name / f"business_date={day}" / f"branch={branch}" / "part-0.parquet")


def snapshot(lake: Path) -> dict[str, bytes]:
    return {str(p.relative_to(lake)): p.read_bytes() for p in sorted(lake.rglob("*")) if p.is_file()}

"""Writes packages in the contract layout: CSV files in the branch's encoding, then manifest.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from warehouse.contract.spec import MANIFEST, FileSpec

LINE_END = "\r\n"


def csv_bytes(frame: pl.DataFrame, spec: FileSpec, encoding: str) -> bytes:
    """The file in the column order of its spec (extra columns such as the branch index are dropped)."""
    text = frame.select(spec.column_names).write_csv(line_terminator=LINE_END)
    return text.encode(encoding)


def write_package(
    folder: Path,
    business_date: str,
    branch_code: str,
    encoding: str,
    files: list[tuple[FileSpec, pl.DataFrame]],
) -> int:
    """Write one package; the manifest comes last. Returns the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    written = 0
    for spec, frame in files:
        data = csv_bytes(frame, spec, encoding)
        (folder / spec.name).write_bytes(data)
        written += len(data)
        listed.append({"name": spec.name, "rows": frame.height, "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {
        "business_date": business_date,
        "branch_code": branch_code,
        "revision": 1,
        "encoding": encoding,
        "files": listed,
    }
    data = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
    (folder / MANIFEST).write_bytes(data)
    return written + len(data)

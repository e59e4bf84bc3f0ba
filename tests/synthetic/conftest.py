"""Generates the tiny preset once per session and loads it back from the CSVs, independently of the
generator's own code (only the contract's specs are shared)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from warehouse.contract.spec import ALL_FILES, MANIFEST
from warehouse.synthetic import GenerationReport, generate

SEED = 20240101


@dataclass
class Generated:
    root: Path
    inbox: Path
    report: GenerationReport
    tables: dict[str, pl.DataFrame]  # file name -> all packages' rows (text) + business_date, branch


def read_inbox(inbox: Path) -> dict[str, pl.DataFrame]:
    parts: dict[str, list[pl.DataFrame]] = {f.name: [] for f in ALL_FILES}
    for manifest_path in sorted(inbox.glob(f"*/*/{MANIFEST}")):
        manifest = json.loads(manifest_path.read_text("utf-8"))
        for entry in manifest["files"]:
            text = (manifest_path.parent / entry["name"]).read_bytes().decode(manifest["encoding"])
            frame = pl.read_csv(io.StringIO(text), infer_schema=False)
            parts[entry["name"]].append(
                frame.with_columns(
                    business_date=pl.lit(manifest["business_date"]), branch=pl.lit(manifest["branch_code"])
                )
            )
    return {name: pl.concat(frames, how="diagonal") for name, frames in parts.items() if frames}


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("tiny")
    report = generate("tiny", root / "inbox", root, seed=SEED)
    return Generated(root, root / "inbox", report, read_inbox(root / "inbox"))


def dec(text: str | None) -> Decimal:
    return Decimal(text) if text not in (None, "") else Decimal(0)


def cents(column: str) -> pl.Expr:
    """A 2-decimal money string as integer cents (fails on any other form)."""
    return pl.col(column).str.replace(r"^(-?\d+)\.(\d\d)$", "$1$2").cast(pl.Int64)

"""Package format: layout, manifest, encodings, columns, determinism."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import polars as pl

from warehouse.contract.spec import BRANCH_FILES, HQ, HQ_FILES, MANIFEST, files_for
from warehouse.synthetic import PRESETS, generate

from .conftest import SEED, Generated


def test_report_counts(tiny_run: Generated) -> None:
    r = tiny_run.report
    assert (r.preset, r.days, r.branches) == ("tiny", 10, 2)
    assert r.fills == tiny_run.tables["trades.csv"].height and r.fills > 100
    assert r.orders == tiny_run.tables["orders.csv"].height
    on_disk = sum(p.stat().st_size for p in tiny_run.root.rglob("*") if p.is_file())
    assert r.bytes_written == on_disk
    assert r.fills_per_second > 0


def test_layout_and_manifests(tiny_run: Generated) -> None:
    days = sorted(p.name for p in tiny_run.inbox.iterdir())
    assert len(days) == 10 and all(re.fullmatch(r"\d{8}", d) for d in days)
    for day in days:
        folders = sorted(p.name for p in (tiny_run.inbox / day).iterdir())
        assert folders == sorted(["3101", "1101", HQ])
        for folder in folders:
            package = tiny_run.inbox / day / folder
            manifest = json.loads((package / MANIFEST).read_text("utf-8"))
            assert manifest["business_date"] == day and manifest["branch_code"] == folder
            assert manifest["revision"] == 1
            expected = {f.name for f in files_for(folder)}
            assert {f["name"] for f in manifest["files"]} == expected
            assert {p.name for p in package.iterdir()} == expected | {MANIFEST}
            for entry in manifest["files"]:
                data = (package / entry["name"]).read_bytes()
                assert hashlib.sha256(data).hexdigest() == entry["sha256"]
                lines = data.decode(manifest["encoding"]).splitlines()
                assert len(lines) - 1 == entry["rows"]
            # the manifest is the last file written
            newest = max(p.stat().st_mtime_ns for p in package.iterdir() if p.name != MANIFEST)
            assert (package / MANIFEST).stat().st_mtime_ns >= newest


def test_encodings(tiny_run: Generated) -> None:
    day = sorted(tiny_run.inbox.iterdir())[0]
    seen = {}
    for package in day.iterdir():
        manifest = json.loads((package / MANIFEST).read_text("utf-8"))
        seen[package.name] = manifest["encoding"]
        data = (package / ("clients.csv" if package.name != HQ else "branches.csv")).read_bytes()
        text = data.decode(manifest["encoding"])
        assert re.search(r"[\u4e00-\u9fff]", text)  # Chinese text survives the round trip
        if manifest["encoding"] == "gbk":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise AssertionError("a GBK file decodes as UTF-8")
    assert seen[HQ] == "utf-8" and set(seen.values()) == {"utf-8", "gbk"}


def test_columns_follow_the_spec(tiny_run: Generated) -> None:
    for spec in BRANCH_FILES + HQ_FILES:
        frame = tiny_run.tables[spec.name]
        assert set(spec.column_names) <= set(frame.columns)
        for column in spec.columns:
            values = frame[column.name]
            if not column.nullable:
                assert values.null_count() == 0, (spec.name, column.name)
            present = values.drop_nulls()
            if column.codes:
                assert set(present.unique()) <= set(column.codes), (spec.name, column.name)
            if column.digits:
                assert present.str.contains(rf"^\d{{{column.digits}}}$").all(), (spec.name, column.name)
            if column.kind.value == "date":
                assert present.str.contains(r"^(19|20)\d{6}$").all(), (spec.name, column.name)
            if column.kind.value == "money":
                assert present.str.contains(r"^-?\d+\.\d\d$").all(), (spec.name, column.name)
            if column.kind.value == "price":
                assert present.str.contains(r"^\d+\.\d{2,3}$").all(), (spec.name, column.name)


def _in_session(times: pl.Series) -> bool:
    t = times.cast(pl.Int64)
    ok = ((t >= 93000) & (t <= 113000)) | ((t >= 130000) & (t <= 150000))
    valid = (t % 100 < 60) & (t // 100 % 100 < 60)
    return bool((ok & valid).all()) and bool(times.str.contains(r"^[1-9]\d{4,5}$").all())


def test_times(tiny_run: Generated) -> None:
    assert _in_session(tiny_run.tables["orders.csv"]["order_time"])
    assert _in_session(tiny_run.tables["trades.csv"]["trade_time"])
    flows = tiny_run.tables["cash_flows.csv"]["flow_time"]
    assert flows.str.contains(r"^[1-9]\d{0,5}$").all() and (flows.cast(pl.Int64) < 240000).all()


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_deterministic(tiny_run: Generated, tmp_path: Path) -> None:
    generate(PRESETS["tiny"], tmp_path / "inbox", tmp_path, seed=SEED)
    assert _all_bytes(tmp_path) == _all_bytes(tiny_run.root)


def test_first_days_only(tiny_run: Generated, tmp_path: Path) -> None:
    # `days`: the full run's first packages, byte for byte (a short window of a big preset)
    report = generate("tiny", tmp_path / "inbox", tmp_path, seed=SEED, days=3)
    assert report.days == 3
    first = {"20240311", "20240312", "20240313"}
    assert _all_bytes(tmp_path / "inbox") == {
        name: data for name, data in _all_bytes(tiny_run.inbox).items() if name.split("/")[0] in first
    }


def test_another_seed_differs(tmp_path: Path) -> None:
    generate("tiny", tmp_path / "a" / "inbox", tmp_path / "a", seed=1)
    generate("tiny", tmp_path / "b" / "inbox", tmp_path / "b", seed=2)
    a = (tmp_path / "a" / "inbox" / "20240311" / "HQ" / "quotes.csv").read_bytes()
    b = (tmp_path / "b" / "inbox" / "20240311" / "HQ" / "quotes.csv").read_bytes()
    assert a != b


def test_progress_and_recipients(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    generate("tiny", tmp_path / "inbox", tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 10) for i in range(1, 11)]
    recipients = pl.read_csv(tmp_path / "recipients.csv", infer_schema=False)
    assert recipients.columns == ["broker_id", "broker_name", "branch_code", "role", "email", "active"]
    assert set(recipients["role"]) == {"broker", "team_lead", "branch_head", "executive"}
    assert recipients.filter(pl.col("role") == "executive")["broker_id"].str.starts_with("EXEC").all()
    assert "0" in set(recipients["active"])

"""The command line: help, one-line errors for user mistakes, and the land/status round trip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.cli import main


def _run(*args: str, env_data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], capture_output=True, text=True,
                          env={"WAREHOUSE_DATA": str(env_data), "PATH": "/usr/bin:/bin"})


def test_help_lists_the_commands(tmp_path: Path) -> None:
    out = _run("--help", env_data=tmp_path)
    assert out.returncode == 0
    for command in ("generate", "land", "status", "run"):
        assert command in out.stdout


def test_unknown_preset_is_one_line_without_traceback(tmp_path: Path) -> None:
    out = _run("generate", "--preset", "huge", env_data=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "error: unknown preset 'huge'; choose one of tiny, demo, bench10m, bench100m"
    ]


def test_land_without_inbox_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAREHOUSE_DATA", str(tmp_path))
    assert main(["land"]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--workers", "0"], "", "error: --workers must be at least 1"),
    ([], "two", "error: WAREHOUSE_LAND_WORKERS must be a whole number of at least 1, not 'two'"),
])
def test_land_workers_must_be_a_whole_number(example_inbox: Path, tmp_path: Path, args: list[str], env: str,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    monkeypatch.setenv("WAREHOUSE_DATA", str(tmp_path))
    monkeypatch.setenv("WAREHOUSE_LAND_WORKERS", env)
    assert main(["land", "--inbox", str(example_inbox), *args]) == 2
    assert capsys.readouterr().err.strip() == message
    assert not (tmp_path / "lake").exists()


def test_land_then_status_reports_the_lake(example_inbox: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAREHOUSE_DATA", str(tmp_path))
    assert main(["land", "--inbox", str(example_inbox)]) == 0
    assert "6 landed" in capsys.readouterr().out
    assert main(["land", "--inbox", str(example_inbox)]) == 0
    assert "nothing pending" in capsys.readouterr().out
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "6 packages landed, 2023-10-09 .. 2023-10-10, 2 branches + HQ" in out
    assert "no data-quality events" in out


def test_status_lists_a_refused_package_with_its_reason(example_inbox: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (example_inbox / "20231010" / "3301" / "trades.csv").write_bytes(b"trade_id,order_id\n")  # sha256 breaks
    monkeypatch.setenv("WAREHOUSE_DATA", str(tmp_path))
    assert main(["land", "--inbox", str(example_inbox)]) == 0
    assert "5 landed, 1 refused" in capsys.readouterr().out
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "1 packages refused" in out
    assert "refused 2023-10-10 3301: trades.csv, rule sha256_mismatch: sha256 of trades.csv is" in out

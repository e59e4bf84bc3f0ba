from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .helpers import EXAMPLE


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    target = tmp_path / "inbox"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    return tmp_path / "lake"

"""Shared fixtures: the contract's example package set and a generated `tiny` brokerage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CONTRACT_EXAMPLE_INBOX = FIXTURES / "contract_example" / "inbox"


@pytest.fixture(scope="session")
def tiny_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `tiny` synthetic brokerage, generated once per test session (read-only for tests)."""
    from warehouse.synthetic import generate

    root = tmp_path_factory.mktemp("tiny")
    generate("tiny", root / "inbox", root / "directory")
    return root / "inbox"


@pytest.fixture
def example_inbox(tmp_path: Path) -> Path:
    """A writable copy of the contract's example package set."""
    inbox = tmp_path / "inbox"
    shutil.copytree(CONTRACT_EXAMPLE_INBOX, inbox)
    return inbox

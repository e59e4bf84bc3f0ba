"""What can stop a package from landing: refused for good, or not ready yet (retried later)."""

from __future__ import annotations

from datetime import date


class PackageRefused(Exception):
    """The package breaks the contract as a whole: nothing of it is landed, it stays in the inbox."""

    def __init__(
        self,
        branch: str,
        business_date: date,
        rule: str,
        detail: str,
        file: str | None = None,
        row: int | None = None,
    ) -> None:
        self.branch = branch
        self.business_date = business_date
        self.rule = rule
        self.detail = detail
        self.file = file
        self.row = row
        super().__init__(str(self))

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return (
            f"package {self.branch} {self.business_date.isoformat()} refused: file {self.file or '-'}, "
            f"row {row}, rule {self.rule}: {self.detail}"
        )


class PackageNotReady(Exception):
    """The package cannot be landed yet (head office's package of that date is not landed); retry later."""


class PackageIncomplete(PackageNotReady):
    """The package folder has no manifest.json yet: the producer is still writing it."""


class FileRejected(Exception):
    """One file cannot be read as the contract says; the landing turns it into `PackageRefused`."""

    def __init__(self, rule: str, detail: str, row: int | None = None) -> None:
        self.rule = rule
        self.detail = detail
        self.row = row
        super().__init__(detail)

"""Finding packages in an inbox: <inbox>/<YYYYMMDD>/<branch_code or HQ>/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from warehouse.contract.spec import HQ, MANIFEST

_DATE_DIR = re.compile(r"[0-9]{8}")
_BRANCH_DIR = re.compile(r"[0-9]{4}|" + HQ)


@dataclass(frozen=True)
class PackageRef:
    path: Path
    business_date: date
    branch: str
    complete: bool  # manifest.json exists (producers write it last)


def parse_date_dir(name: str) -> date | None:
    if not _DATE_DIR.fullmatch(name):
        return None
    try:
        return datetime.strptime(name, "%Y%m%d").date()
    except ValueError:
        return None


def package_key(package_dir: Path) -> tuple[date, str]:
    """The business date and branch a package folder stands for, from its path."""
    business_date = parse_date_dir(package_dir.parent.name)
    if business_date is None or not _BRANCH_DIR.fullmatch(package_dir.name):
        raise ValueError(f"{package_dir} is not a package folder <inbox>/<YYYYMMDD>/<branch_code or HQ>")
    return business_date, package_dir.name


def find_packages(inbox: Path) -> list[PackageRef]:
    """Every package folder of the inbox, sorted by date, head office first, then branch code."""
    refs = []
    for date_dir in inbox.iterdir() if inbox.is_dir() else ():
        business_date = parse_date_dir(date_dir.name)
        if business_date is None or not date_dir.is_dir():
            continue
        for package_dir in date_dir.iterdir():
            if package_dir.is_dir() and _BRANCH_DIR.fullmatch(package_dir.name):
                complete = (package_dir / MANIFEST).is_file()
                refs.append(PackageRef(package_dir, business_date, package_dir.name, complete))
    return sorted(refs, key=lambda r: (r.business_date, r.branch != HQ, r.branch))


def package_dir(inbox: Path, business_date: date, branch: str) -> Path:
    """The folder of one package: <inbox>/<YYYYMMDD>/<branch_code or HQ>/."""
    return inbox / f"{business_date:%Y%m%d}" / branch

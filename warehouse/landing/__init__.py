"""The landing layer: branch packages (CSV + manifest.json) -> typed, validated Parquet in the lake.

    find_packages(inbox)            every package folder, date order, head office first
    land_package(package_dir, lake) verify, read, type, check and write one branch-day
    land_packages(packages, lake)   many: head office's first, then the branches side by side
    landed_state(lake)              (business_date, branch) -> landed revision

A package is landed whole or refused whole (recorded in `refused_packages`). Inside a landed package,
rows whose fields cannot be typed go to `<table>_quarantine`; rows that break a rule of the contract
stay in their table with the rule ids in `dq_rules`; every finding is one row of `dq_events`.
"""

from .batch import Attempt, land_packages
from .errors import PackageIncomplete, PackageNotReady, PackageRefused
from .inbox import PackageRef, find_packages
from .land import LandingResult, land_package, landed_state
from .pending import PendingPackage, pending_packages

__all__ = [
    "Attempt",
    "LandingResult",
    "PackageIncomplete",
    "PackageNotReady",
    "PackageRef",
    "PackageRefused",
    "PendingPackage",
    "find_packages",
    "land_package",
    "land_packages",
    "landed_state",
    "pending_packages",
]

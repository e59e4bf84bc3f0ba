"""Head office organisation: branches, the broker tree, and client-broker service relations (服务关系).

Each branch has a head (manager_id empty, level 5), team leads (level 4) and brokers (levels 1..3,
employees E and agents A). Some brokers leave during the period: on their leave date their open
relations end, and each servicing relation moves to another broker of the branch from the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from warehouse.synthetic import reference as ref
from warehouse.synthetic.names import person_names

DEVELOPER, SERVICING = 1, 2
EPOCH = date(1970, 1, 1).toordinal()


def _text_dates(ordinals: np.ndarray) -> pl.Series:
    """Date ordinals as YYYYMMDD text, 0 = empty."""
    days = pl.Series(ordinals.astype(np.int64) - EPOCH)
    return pl.select(
        pl.when(days > -EPOCH).then(days.cast(pl.Date).dt.strftime("%Y%m%d")).otherwise(None)
    ).to_series()


@dataclass
class Relations:
    """Every service relation so far; `end` 0 = open."""

    client: np.ndarray
    broker: np.ndarray
    kind: np.ndarray  # DEVELOPER or SERVICING
    share: np.ndarray  # percent
    start: np.ndarray  # date ordinal
    end: np.ndarray  # date ordinal, 0 = open

    def append(self, other: Relations) -> np.ndarray:
        """Add relations; returns their row numbers."""
        first = self.client.size
        for name in ("client", "broker", "kind", "share", "start", "end"):
            setattr(self, name, np.concatenate([getattr(self, name), getattr(other, name)]))
        return np.arange(first, self.client.size)


class Organisation:
    def __init__(
        self,
        rng: np.random.Generator,
        branches: tuple[ref.BranchRef, ...],
        clients_per_branch: np.ndarray,
        clients_per_broker: int,
        leaver_share: float,
        days: list[date],
    ) -> None:
        self.branches = branches
        self.days = days
        sizes = np.maximum(5, np.rint(clients_per_branch / clients_per_broker).astype(np.int64))
        self.branch = np.repeat(np.arange(len(branches)), sizes)
        n = self.branch.size
        first = np.r_[0, np.cumsum(sizes)[:-1]]
        rank = np.arange(n) - first[self.branch]
        leads = np.maximum(1, sizes // 8)
        self.level = np.where(rank == 0, 5, np.where(rank <= leads[self.branch], 4, rng.integers(1, 4, n)))
        is_lead = (rank >= 1) & (rank <= leads[self.branch])
        lead_pick = first[self.branch] + 1 + (rng.random(n) * leads[self.branch]).astype(np.int64)
        self.manager = np.where(rank == 0, -1, np.where(is_lead, first[self.branch], lead_pick))
        self.kind = np.where((self.level <= 3) & (rng.random(n) < 0.45), "A", "E")
        self.broker_id = np.array(
            [f"K{branches[b].code}{r + 1:03d}" for b, r in zip(self.branch, rank, strict=True)]
        )
        self.name = person_names(rng, rng.random(n) < 0.5)
        start = days[0].toordinal()
        tenure = np.where(self.level >= 4, rng.uniform(5, 18, n), rng.exponential(4, n) + 0.2)
        self.hire = start - (tenure * 365.25).astype(np.int64)
        self.leave_day = np.full(n, -1)
        eligible = np.flatnonzero(self.level <= 3)
        leavers = rng.choice(
            eligible, size=min(eligible.size, int(np.ceil(leaver_share * eligible.size))), replace=False
        )
        if len(days) > 2:
            self.leave_day[leavers] = rng.integers(1, len(days) - 1, leavers.size)
        empty = np.zeros(0, dtype=np.int64)
        self.relations = Relations(empty, empty, empty, empty, empty, empty)

    def active(self, day: int) -> np.ndarray:
        return (self.leave_day < 0) | (self.leave_day > day)

    def _pick(self, rng: np.random.Generator, branch: np.ndarray, day: int, avoid: np.ndarray) -> np.ndarray:
        """A random broker (level ≤ 4, active on `day`) of each given branch, other than `avoid`."""
        pool = np.flatnonzero(self.active(day) & (self.level <= 4) & (self.leave_day != day))
        pool = pool[np.argsort(self.branch[pool], kind="stable")]
        counts = np.bincount(self.branch[pool], minlength=len(self.branches))
        offsets = np.r_[0, np.cumsum(counts)[:-1]]
        k = (rng.random(branch.size) * counts[branch]).astype(np.int64)
        chosen = pool[offsets[branch] + k]
        clash = chosen == avoid
        chosen[clash] = pool[offsets[branch[clash]] + (k[clash] + 1) % counts[branch[clash]]]
        return chosen

    def assign(
        self,
        rng: np.random.Generator,
        clients: np.ndarray,
        branch: np.ndarray,
        open_ord: np.ndarray,
        day: int,
    ) -> np.ndarray:
        """Relations of newly assigned clients: most have one servicing broker, some split 60/40, some none;
        many have a developer. Returns the new relation rows."""
        n = clients.size
        u = rng.random((3, n))
        serviced = u[0] < 0.74
        split = serviced & (u[1] < 0.08)
        first = self._pick(rng, branch, day, np.full(n, -1))
        second = self._pick(rng, branch, day, first)
        developer = np.where(u[2] < 0.7, first, second)
        has_dev = u[2] < 0.62
        parts = [
            (
                clients[serviced],
                first[serviced],
                SERVICING,
                np.where(split[serviced], 60, 100),
                open_ord[serviced],
            ),
            (clients[split], second[split], SERVICING, np.full(split.sum(), 40), open_ord[split]),
            (clients[has_dev], developer[has_dev], DEVELOPER, np.full(has_dev.sum(), 100), open_ord[has_dev]),
        ]
        c, b, k, s, o = (
            np.concatenate(x)
            for x in zip(*[(p[0], p[1], np.full(p[0].size, p[2]), p[3], p[4]) for p in parts], strict=True)
        )
        start = np.maximum(o, self.hire[b] + 1)
        return self.relations.append(Relations(c, b, k, s, start, np.zeros(c.size, dtype=np.int64)))

    def end_for_clients(self, closed: np.ndarray, day: int) -> np.ndarray:
        """End the open relations of clients closed on `day`; returns the changed rows."""
        rows = np.flatnonzero((self.relations.end == 0) & np.isin(self.relations.client, closed))
        self.relations.end[rows] = self.days[day].toordinal()
        return rows

    def brokers_leaving(self, rng: np.random.Generator, day: int) -> np.ndarray:
        """End the relations of brokers leaving on `day` and move their servicing shares to another broker
        of the branch from the next day; returns the changed and new rows."""
        rel = self.relations
        rows = np.flatnonzero((rel.end == 0) & (self.leave_day[rel.broker] == day))
        today = self.days[day].toordinal()
        rel.end[rows] = today
        moving = rows[rel.kind[rows] == SERVICING]
        # a split client's other servicing broker must not be chosen again
        partner = np.flatnonzero((rel.end == 0) & (rel.kind == SERVICING))
        partner = partner[np.argsort(rel.client[partner], kind="stable")]
        at = np.searchsorted(rel.client[partner], rel.client[moving]).clip(0, max(partner.size - 1, 0))
        found = (
            (partner.size > 0) & (rel.client[partner[at]] == rel.client[moving]) if partner.size else at < 0
        )
        other = np.where(found, rel.broker[partner[at]] if partner.size else -1, -1)
        target = self._pick(rng, self.branch[rel.broker[moving]], day, other)
        new = rel.append(
            Relations(
                rel.client[moving],
                target,
                rel.kind[moving],
                rel.share[moving],
                np.full(moving.size, today + 1),
                np.zeros(moving.size, dtype=np.int64),
            )
        )
        return np.concatenate([rows, new])

    def relations_frame(self, rows: np.ndarray, client_ids: pl.Series) -> pl.DataFrame:
        rel = self.relations
        return pl.DataFrame(
            {
                "client_id": client_ids.gather(rel.client[rows]),
                "broker_id": self.broker_id[rel.broker[rows]],
                "relation_type": rel.kind[rows].astype(str),
                "share_pct": rel.share[rows].astype(str),
                "start_date": _text_dates(rel.start[rows]),
                "end_date": _text_dates(rel.end[rows]),
            }
        )

    def branches_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "branch_code": [b.code for b in self.branches],
                "branch_name": [b.name for b in self.branches],
                "region_code": [b.region_code for b in self.branches],
                "region_name": [b.region_name for b in self.branches],
                "city": [b.city for b in self.branches],
                "open_date": [b.open_date for b in self.branches],
            }
        )

    def brokers_frame(self, day: int) -> pl.DataFrame:
        left = (self.leave_day >= 0) & (self.leave_day <= day)
        leave = np.where(left, [self.days[d].toordinal() for d in self.leave_day.clip(0)], 0)
        return pl.DataFrame(
            {
                "broker_id": self.broker_id,
                "broker_name": self.name,
                "branch_code": np.array([b.code for b in self.branches])[self.branch],
                "manager_id": pl.Series(np.where(self.manager < 0, "", self.broker_id[self.manager])).replace(
                    "", None
                ),
                "broker_type": self.kind,
                "level": self.level.astype(str),
                "hire_date": _text_dates(self.hire),
                "leave_date": _text_dates(leave),
            }
        )

    def recipients_frame(self, last_day: int) -> pl.DataFrame:
        """recipients.csv: every broker with a role, plus the executives of head office."""
        has_reports = np.isin(np.arange(self.branch.size), self.manager)
        role = np.where(self.manager < 0, "branch_head", np.where(has_reports, "team_lead", "broker"))
        executives = ["EXEC01", "EXEC02", "EXEC03"]
        ids = np.concatenate([self.broker_id, executives])
        return pl.DataFrame(
            {
                "broker_id": ids,
                "broker_name": np.concatenate([self.name, ["郑国华", "林慧敏", "高志远"]]),
                "branch_code": np.concatenate(
                    [np.array([b.code for b in self.branches])[self.branch], [""] * 3]
                ),
                "role": np.concatenate([role, ["executive"] * 3]),
                "email": [f"{i.lower()}@brokerage.example.com" for i in ids],
                "active": np.concatenate([self.active(last_day + 1).astype(int), [1] * 3]).astype(str),
            }
        )

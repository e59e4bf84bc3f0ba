"""Benchmark: land one big, valid branch-day and time each phase of the landing.

    python benchmarks/landing_package.py [--fills 1500000] [--workdir DIR] [--repeat 1] [--encoding utf-8]

Builds its own inbox with numpy/polars (no synthetic generator): head office's reference data and one
branch (3101) over two trading days. Day 1 holds every client, positions and balances; day 2 holds
`--fills` fills (one per order, half buys, half sells of day-1 holdings), cash flows, the positions and
balances rolled forward exactly, and a few re-sent client records. Every rule of the contract holds
(amounts, fees from each client's commission rate, board lots, price limits around prev_close, T+1,
position and cash roll-forward), so a landing must report no violation and no quarantined row.

Day 1 and both head-office packages are landed first (untimed); then day 2 of the branch is landed
into a fresh copy of that lake `--repeat` times, and a table of phases (wall seconds, user CPU
seconds of the process, all threads) and the rate in fills/s is printed. The package is kept in the
work directory and reused by a later run with the same --fills and --encoding.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from warehouse.contract.rules import (
    MIN_COMMISSION_CENTS,
    TRANSFER_FEE_PPM,
    round_half_away_np,
    stamp_duty_ppm,
)
from warehouse.contract.spec import BRANCH_FILES, HQ_FILES, FileSpec
from warehouse.landing import land

DAY1, DAY2 = date(2024, 3, 4), date(2024, 3, 5)  # a Monday and a Tuesday, both SSE trading days
BRANCH = "3101"
SECURITIES = 4000  # stocks, half SH main board, half SZ main board
RATE_UNITS = np.array([10_000, 15_000, 20_000, 25_000, 30_000], dtype=np.int64)  # 0.0001 .. 0.0003
CITIES = ["上海", "北京", "深圳", "杭州", "南京"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"]


# ---------------------------------------------------------------------------------------- building


def money(cents: pl.Expr) -> pl.Expr:
    """Integer cents as a decimal string with 2 decimals ('-' for negatives)."""
    return decimal(cents, 2)


def decimal(value: pl.Expr, scale: int) -> pl.Expr:
    unit = 10**scale
    magnitude = value.abs()
    return pl.concat_str(
        pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // unit).cast(pl.String),
        pl.lit("."),
        (magnitude % unit).cast(pl.String).str.pad_start(scale, "0"),
    )


def ids(n: int, width: int = 10, start: int = 1) -> pl.Series:
    return pl.int_range(start, start + n, eager=True).cast(pl.String).str.pad_start(width, "0")


def write_package(
    folder: Path, day: date, branch: str, frames: dict[str, pl.DataFrame], encoding: str
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, frame in frames.items():
        text = frame.write_csv()
        data = text.encode("utf-8") if encoding == "utf-8" else text.encode("gbk")
        (folder / name).write_bytes(data)
        files.append({"name": name, "rows": frame.height, "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {"business_date": f"{day:%Y%m%d}", "branch_code": branch, "revision": 1,
                "encoding": encoding, "files": files}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")


def empty(spec: FileSpec) -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c in spec.column_names})


def hq_package(day: date, codes: pl.DataFrame, prev_close: np.ndarray) -> dict[str, pl.DataFrame]:
    n = codes.height
    close = pl.Series(prev_close)
    quotes = codes.with_columns(
        *(decimal(pl.lit(close), 3).alias(c) for c in ("prev_close", "open", "high", "low", "close")),
        pl.lit("1000000").alias("volume"),
        money(pl.lit(close) * 100_000 // 10).alias("amount"),  # 1,000,000 shares at the close
    )
    frames = {
        "branches.csv": pl.DataFrame({"branch_code": [BRANCH], "branch_name": ["上海浦东营业部"],
                                      "region_code": ["31"], "region_name": ["上海分公司"], "city": ["上海"],
                                      "open_date": ["20050104"]}),
        "brokers.csv": pl.DataFrame({"broker_id": ["B0001"], "broker_name": ["王经理"],
                                     "branch_code": [BRANCH], "manager_id": [None], "broker_type": ["E"],
                                     "level": ["3"], "hire_date": ["20100104"], "leave_date": [None]},
                                    schema={c: pl.String for c in HQ_FILES[1].column_names}),
        "client_brokers.csv": empty(HQ_FILES[2]),
        "securities.csv": codes.with_columns(
            (pl.lit("股票") + pl.col("security_code")).alias("security_name"),
            pl.lit("STOCK").alias("security_type"),
            pl.when(pl.col("market") == "SH")
            .then(pl.lit("SH_MAIN"))
            .otherwise(pl.lit("SZ_MAIN"))
            .alias("board"),
            pl.lit("银行").alias("industry"),
            pl.lit("20100104").alias("list_date"),
            pl.lit(None, pl.String).alias("delist_date"),
            pl.lit("1000000000").alias("total_shares"),
            pl.lit("800000000").alias("float_shares"),
        ) if day == DAY1 else empty(HQ_FILES[3]),
        "quotes.csv": quotes,
        "index_quotes.csv": pl.DataFrame({"index_code": ["000300", "000001", "399001", "399006"],
                                          "prev_close": ["3500.000", "3000.000", "9500.000", "1800.000"],
                                          "close": ["3510.000", "3010.000", "9520.000", "1805.000"]}),
    }
    assert n == quotes.height
    return frames


def build(root: Path, fills: int, encoding: str, seed: int = 20240305) -> None:
    """Write the inbox: <root>/inbox/<day>/{HQ,3101}/ for both days."""
    rng = np.random.default_rng(seed)
    inbox = root / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)

    # securities: SH 600000.., SZ 000001..; prev_close (1/1000 yuan, a multiple of the 0.01 tick)
    half = SECURITIES // 2
    codes = pl.DataFrame({
        "market": ["SH"] * half + ["SZ"] * (SECURITIES - half),
        "security_code": [f"{600000 + i:06d}" for i in range(half)]
        + [f"{1 + i:06d}" for i in range(SECURITIES - half)],
    })
    prev_close = rng.integers(200, 10_000, SECURITIES, dtype=np.int64) * 10  # 2.00 .. 100.00 yuan

    # clients: ~15 fills per client per day, ~10.4 positions each
    n_clients = max(1000, fills // 15)
    client_ids = ids(n_clients, start=1_000_000_001)
    rate = RATE_UNITS[rng.integers(0, len(RATE_UNITS), n_clients)]
    names = [SURNAMES[i % 8] + GIVEN[i % 10] + GIVEN[(i // 10) % 10] for i in range(n_clients)]
    clients = pl.DataFrame({
        "client_id": client_ids,
        "client_name": names,
        "client_type": ["0"] * n_clients,
        "id_type": ["0"] * n_clients,
        "id_no": ids(n_clients, width=18, start=310_101_198_001_010_000),
        "mobile": ids(n_clients, width=11, start=13_800_000_000),
        "gender": pl.Series(["M", "F"])[rng.integers(0, 2, n_clients)],
        "birth_date": pl.Series(rng.integers(1950, 2000, n_clients)).cast(pl.String) + "0615",
        "open_date": ["20150601"] * n_clients,
        "close_date": pl.Series([None] * n_clients, dtype=pl.String),
        "status": ["0"] * n_clients,
        "risk_level": pl.Series(["C1", "C2", "C3", "C4", "C5"])[rng.integers(0, 5, n_clients)],
        "city": pl.Series(CITIES)[rng.integers(0, len(CITIES), n_clients)],
        "commission_rate": "0." + pl.Series(rate).cast(pl.String).str.pad_start(8, "0"),
    })

    # day-1 positions: distinct securities per client, qty in board lots (so every sell below is in lots)
    per_client = rng.integers(5, 17, n_clients)
    p_client = np.repeat(np.arange(n_clients), per_client)
    first = np.repeat(np.cumsum(per_client) - per_client, per_client)
    offset = np.repeat(rng.integers(0, SECURITIES, n_clients), per_client)
    p_sec = (offset + (np.arange(len(p_client)) - first) * 7919) % SECURITIES  # 7919 prime: no repeats
    p_qty = rng.integers(1, 50, len(p_client)) * 100
    cash1 = rng.integers(5_000_000, 500_000_000, n_clients)  # cents

    def positions_frame(client: np.ndarray, sec: np.ndarray, qty: np.ndarray) -> pl.DataFrame:
        cost = qty * prev_close[sec] // 10  # cents; the cost basis is not checked
        frame = pl.DataFrame({"__c": client, "__s": sec, "qty": qty, "__cost": cost}).sort("__c", "__s")
        return frame.select(
            pl.col("__c").map_batches(lambda c: client_ids.gather(c)).alias("client_id"),
            pl.col("__s").map_batches(lambda s: codes["market"].gather(s)).alias("market"),
            pl.col("__s").map_batches(lambda s: codes["security_code"].gather(s)).alias("security_code"),
            pl.col("qty").cast(pl.String),
            money(pl.col("__cost")).alias("cost_amount"),
        )

    def balances_frame(cents: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame({"client_id": client_ids, "__cash": cents}).select(
            "client_id", money(pl.col("__cash")).alias("cash_balance")
        )

    branch1 = {
        "clients.csv": clients,
        "orders.csv": empty(BRANCH_FILES[1]),
        "trades.csv": empty(BRANCH_FILES[2]),
        "cash_flows.csv": empty(BRANCH_FILES[3]),
        "custody_transfers.csv": empty(BRANCH_FILES[4]),
        "positions.csv": positions_frame(p_client, p_sec, p_qty),
        "balances.csv": balances_frame(cash1),
    }

    # day-2 fills: sells of distinct day-1 holdings (T+1, at most the holding), buys in lots anywhere
    n_sells = min(fills // 2, len(p_client))
    n_buys = fills - n_sells
    sold = rng.permutation(len(p_client))[:n_sells]
    s_qty = (rng.integers(0, 1 << 30, n_sells) % (p_qty[sold] // 100) + 1) * 100
    b_client = rng.integers(0, n_clients, n_buys)
    b_sec = rng.integers(0, SECURITIES, n_buys)
    b_qty = rng.integers(1, 20, n_buys) * 100
    client = np.concatenate([p_client[sold], b_client])
    sec = np.concatenate([p_sec[sold], b_sec])
    qty = np.concatenate([s_qty, b_qty])
    sell = np.concatenate([np.ones(n_sells, bool), np.zeros(n_buys, bool)])
    order = rng.permutation(fills)  # interleave buys and sells
    client, sec, qty, sell = client[order], sec[order], qty[order], sell[order]

    prev = prev_close[sec]
    reach = np.maximum(prev * 5 // 100 // 10, 1)  # up to 5 % away from prev_close, in 0.01 ticks
    price = prev + (rng.integers(0, 1 << 30, fills) % (2 * reach + 1) - reach) * 10
    price = np.maximum(price, 10)
    amount = round_half_away_np(price * qty, 10)  # cents
    commission = np.maximum(round_half_away_np(amount * rate[client], 10**8), MIN_COMMISSION_CENTS)
    stamp = np.where(sell, round_half_away_np(amount * stamp_duty_ppm(DAY2), 10**6), 0)
    transfer = round_half_away_np(amount * TRANSFER_FEE_PPM, 10**6)
    fees = commission + stamp + transfer
    seconds = rng.integers(0, 4 * 3600, fills)
    at = np.where(seconds < 2 * 3600, 9 * 3600 + 30 * 60 + seconds, 13 * 3600 + seconds - 2 * 3600)
    hhmmss = at // 3600 * 10000 + at // 60 % 60 * 100 + at % 60

    order_ids = ids(fills)
    side = pl.Series(np.where(sell, "S", "B"))
    common = {
        "client_id": client_ids.gather(client),
        "market": codes["market"].gather(sec),
        "security_code": codes["security_code"].gather(sec),
        "side": side,
        "biz_type": pl.repeat("0", fills, eager=True),
    }
    channel = pl.Series(["0", "1", "2", "3", "4"])[rng.integers(0, 5, fills)]
    t = pl.DataFrame({"p": price, "q": qty, "a": amount, "c": commission, "s": stamp, "f": transfer,
                      "h": hhmmss})
    qty_s = t["q"].cast(pl.String)
    orders = pl.DataFrame({
        "order_id": order_ids, **common,
        "order_price": t.select(decimal(pl.col("p"), 3)).to_series(),
        "order_qty": qty_s,
        "order_time": t.select(pl.col("h").cast(pl.String)).to_series(),
        "channel": channel,
        "status": pl.repeat("8", fills, eager=True),
        "filled_qty": qty_s,
        "cancelled_qty": pl.repeat("0", fills, eager=True),
    })
    trades = pl.DataFrame({
        "trade_id": ids(fills, start=500_000_001), "order_id": order_ids, **common,
        **{k: v.to_series() for k, v in zip(
            ("price", "qty", "amount", "commission", "stamp_duty", "transfer_fee", "trade_time"),
            (t.select(decimal(pl.col("p"), 3)), t.select(pl.col("q").cast(pl.String)),
             t.select(money(pl.col("a"))), t.select(money(pl.col("c"))), t.select(money(pl.col("s"))),
             t.select(money(pl.col("f"))), t.select(pl.col("h").cast(pl.String))), strict=True)},
        "channel": channel,
    })

    # cash flows: bank transfers in (+) and out (-)
    n_flows = max(1, fills // 100)
    f_client = rng.integers(0, n_clients, n_flows)
    f_amount = rng.integers(10_000, 10_000_000, n_flows) * np.where(rng.random(n_flows) < 0.5, 1, -1)
    flows = pl.DataFrame({
        "flow_id": ids(n_flows), "client_id": client_ids.gather(f_client),
        "flow_type": np.where(f_amount > 0, "1", "2"),
        "amount": pl.DataFrame({"a": f_amount}).select(money(pl.col("a"))).to_series(),
        "flow_time": pl.repeat("100000", n_flows, eager=True),
    })

    # roll forward: positions (qty > 0 only) and cash
    key = np.concatenate([p_client * SECURITIES + p_sec, client * SECURITIES + sec])
    delta = np.concatenate([p_qty, np.where(sell, -qty, qty)])
    keys, inverse = np.unique(key, return_inverse=True)
    held = np.bincount(inverse, weights=delta).astype(np.int64)  # exact below 2**53
    keys, held = keys[held > 0], held[held > 0]
    cash2 = cash1.copy()
    np.add.at(cash2, client, np.where(sell, amount - fees, -(amount + fees)))
    np.add.at(cash2, f_client, f_amount)

    resent = rng.choice(n_clients, max(1, n_clients // 100), replace=False)
    branch2 = {
        "clients.csv": clients[np.sort(resent)],
        "orders.csv": orders,
        "trades.csv": trades,
        "cash_flows.csv": flows,
        "custody_transfers.csv": empty(BRANCH_FILES[4]),
        "positions.csv": positions_frame(keys // SECURITIES, keys % SECURITIES, held),
        "balances.csv": balances_frame(cash2),
    }

    write_package(inbox / f"{DAY1:%Y%m%d}" / "HQ", DAY1, "HQ", hq_package(DAY1, codes, prev_close), encoding)
    write_package(inbox / f"{DAY1:%Y%m%d}" / BRANCH, DAY1, BRANCH, branch1, encoding)
    write_package(inbox / f"{DAY2:%Y%m%d}" / "HQ", DAY2, "HQ", hq_package(DAY2, codes, prev_close), encoding)
    write_package(inbox / f"{DAY2:%Y%m%d}" / BRANCH, DAY2, BRANCH, branch2, encoding)


# ----------------------------------------------------------------------------------------- timing


class Phases:
    """Wall and user-CPU seconds spent in wrapped functions, by phase (the outermost call counts)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._depth = 0

    def wrap(self, phase: str, fn: Callable[..., object]) -> Callable[..., object]:
        @functools.wraps(fn)
        def timed(*args: object, **kwargs: object) -> object:
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            wall, cpu = time.perf_counter(), user_cpu()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth -= 1
                self.wall[phase] = self.wall.get(phase, 0.0) + time.perf_counter() - wall
                self.cpu[phase] = self.cpu.get(phase, 0.0) + user_cpu() - cpu

        return timed


def user_cpu() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


#: phase -> functions of `warehouse.landing.land` it covers (those that exist are wrapped)
PHASES = {
    "verify (read files, sha256)": ["verified_files"],
    "decode, parse CSV, type (threads)": ["_typed_files"],
    "rules (row, package, roll-forward)": ["_branch_events"],
    "write lake (Parquet)": ["replace_branch_day", "refresh_later"],
}


def timed_landing(package: Path, lake: Path) -> tuple[Phases, float, float, land.LandingResult]:
    phases = Phases()
    originals = {}
    for phase, names in PHASES.items():
        for name in names:
            if hasattr(land, name):
                originals[name] = getattr(land, name)
                setattr(land, name, phases.wrap(phase, originals[name]))
    try:
        wall, cpu = time.perf_counter(), user_cpu()
        result = land.land_package(package, lake)
        wall, cpu = time.perf_counter() - wall, user_cpu() - cpu
    finally:
        for name, fn in originals.items():
            setattr(land, name, fn)
    return phases, wall, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fills", type=int, default=1_500_000)
    parser.add_argument("--encoding", choices=["utf-8", "gbk"], default="utf-8")
    parser.add_argument("--workdir", help="where to keep the package (default: a new temporary folder)")
    parser.add_argument("--repeat", type=int, default=1, help="timed landings of day 2 (best is shown)")
    args = parser.parse_args()

    root = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="landing-package-"))
    root.mkdir(parents=True, exist_ok=True)
    marker = root / "built.json"
    wanted = {"fills": args.fills, "encoding": args.encoding}
    if not marker.is_file() or json.loads(marker.read_text()) != wanted:
        started = time.perf_counter()
        build(root, args.fills, args.encoding)
        marker.write_text(json.dumps(wanted))
        print(f"built the package in {time.perf_counter() - started:.1f} s")
    inbox = root / "inbox"
    csv_bytes = sum(p.stat().st_size for p in (inbox / f"{DAY2:%Y%m%d}" / BRANCH).glob("*.csv"))

    base = root / "lake-base"
    shutil.rmtree(base, ignore_errors=True)
    for day, branch in ((DAY1, "HQ"), (DAY1, BRANCH), (DAY2, "HQ")):
        result = land.land_package(inbox / f"{day:%Y%m%d}" / branch, base)
        assert result.outcome == "landed", result.reason
        assert not result.violations and not result.quarantined, (branch, result.violations)

    runs = []
    for _ in range(args.repeat):
        lake = root / "lake"
        shutil.rmtree(lake, ignore_errors=True)
        shutil.copytree(base, lake)
        phases, wall, cpu, result = timed_landing(inbox / f"{DAY2:%Y%m%d}" / BRANCH, lake)
        assert result.outcome == "landed", result.reason
        runs.append((wall, phases, cpu, result))
    wall, phases, cpu, result = min(runs, key=lambda r: r[0])

    fills = result.rows["trades.csv"]
    print(f"\nday 2 of branch {BRANCH}: {fills:,} fills, {sum(result.rows.values()):,} rows, "
          f"{csv_bytes / 1e6:,.0f} MB CSV ({args.encoding}); violations {result.violations or 'none'}, "
          f"quarantined {result.quarantined}\n")
    print(f"| {'phase':<36} | {'wall s':>7} | {'user CPU s':>10} |")
    print(f"|{'-' * 38}|{'-' * 8}:|{'-' * 11}:|")
    for phase in PHASES:
        if phase in phases.wall:
            print(f"| {phase:<36} | {phases.wall[phase]:7.2f} | {phases.cpu[phase]:10.2f} |")
    other_wall, other_cpu = wall - sum(phases.wall.values()), cpu - sum(phases.cpu.values())
    print(f"| {'other (events, tables, record)':<36} | {other_wall:7.2f} | {other_cpu:10.2f} |")
    print(f"| {'total':<36} | {wall:7.2f} | {cpu:10.2f} |")
    print(f"\nfills/s: {fills / wall:,.0f} (wall), {fills / cpu:,.0f} (per user-CPU second); "
          f"CSV {csv_bytes / 1e6 / wall:,.1f} MB/s")
    if not args.workdir:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()

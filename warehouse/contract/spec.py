"""The branch export contract (营业部日终数据包) as data.

One `FileSpec` per CSV file of a package: its columns, how each is parsed, and which may be empty.
Everything that reads or writes packages (the synthetic generator, landing, tests) uses these specs,
so the contract is stated once in code. The prose version is `docs/contract/branch-export.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

HQ = "HQ"  # the head office's package folder name, in place of a branch code


class Kind(Enum):
    """How a CSV column is parsed and how it is typed in the lake."""

    CODE = "code"  # string kept as written (leading zeros matter)
    TEXT = "text"  # free text
    DATE = "date"  # YYYYMMDD -> DATE
    TIME = "time"  # integer HHMMSS without leading zero -> TIME
    MONEY = "money"  # decimal string, at most 2 decimals -> DECIMAL(18,2)
    PRICE = "price"  # decimal string, at most 3 decimals -> DECIMAL(18,3)
    RATE = "rate"  # decimal string, at most 8 decimals -> DECIMAL(18,8) (commission rate)
    PCT = "pct"  # decimal string, at most 4 decimals, 0..100 -> DECIMAL(9,4) (share_pct)
    QTY = "qty"  # integer number of shares -> BIGINT
    INT = "int"  # small integer (broker level) -> INTEGER


#: scale of each decimal kind: the number of decimals allowed in the CSV and kept in the lake
DECIMAL_SCALE = {Kind.MONEY: 2, Kind.PRICE: 3, Kind.RATE: 8, Kind.PCT: 4}
#: precision of each decimal kind in the lake
DECIMAL_PRECISION = {Kind.MONEY: 18, Kind.PRICE: 18, Kind.RATE: 18, Kind.PCT: 9}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False  # True where the contract allows an empty field
    codes: tuple[str, ...] | None = None  # allowed values of a coded column
    digits: int | None = None  # exact length of an all-digit code (client_id 10, branch_code 4)
    pii: bool = False  # personal data: stays in the landed clients table only


@dataclass(frozen=True)
class FileSpec:
    name: str  # file name in the package, e.g. "trades.csv"
    table: str  # lake table name, e.g. "trades"
    title: str  # Chinese name from the contract
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns unique within one package file

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


MARKETS = ("SH", "SZ", "BJ")
SIDES = ("B", "S")
BIZ_TYPES = ("0", "1")  # 0 normal 普通买卖, 1 IPO subscription / allotment 新股
CHANNELS = ("0", "1", "2", "3", "4")  # counter, phone, internet/PC, mobile, program/API
CHANNEL_NAMES = {"0": "柜台", "1": "电话", "2": "网上", "3": "手机", "4": "程序化"}
ORDER_STATUSES = ("8", "5", "6", "9")  # filled, partly filled then cancelled, cancelled, rejected
FLOW_TYPES = ("1", "2", "3", "4", "5")  # bank in, bank out, dividend, interest, fee
FLOW_TYPE_NAMES = {"1": "银证转入", "2": "银证转出", "3": "红利", "4": "利息归本", "5": "费用扣收"}
CLIENT_STATUSES = ("0", "1", "2", "3")  # normal, frozen, dormant, closed
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
SECURITY_TYPES = ("STOCK", "ETF", "FUND", "BOND")
BOARDS = ("SH_MAIN", "STAR", "SZ_MAIN", "CHINEXT", "BSE")
INDEX_CODES = ("000300", "000001", "399001", "399006")
CSI300 = "000300"


def _c(name: str, kind: Kind = Kind.CODE, **kw: object) -> Column:
    return Column(name, kind, **kw)  # type: ignore[arg-type]


CLIENT_ID = _c("client_id", digits=10)
MARKET = _c("market", codes=MARKETS)
SECURITY_CODE = _c("security_code")

CLIENTS = FileSpec(
    "clients.csv", "clients", "客户资料",
    (
        CLIENT_ID,
        _c("client_name", Kind.TEXT, pii=True),
        _c("client_type", codes=("0", "1")),
        _c("id_type", codes=("0", "1", "2")),
        _c("id_no", pii=True),
        _c("mobile", nullable=True, pii=True),
        _c("gender", nullable=True, codes=("M", "F")),
        _c("birth_date", Kind.DATE, nullable=True),
        _c("open_date", Kind.DATE),
        _c("close_date", Kind.DATE, nullable=True),
        _c("status", codes=CLIENT_STATUSES),
        _c("risk_level", codes=RISK_LEVELS),
        _c("city", Kind.TEXT, nullable=True),
        _c("commission_rate", Kind.RATE),
    ),
    key=("client_id",),
)
ORDERS = FileSpec(
    "orders.csv", "orders", "委托",
    (
        _c("order_id"), CLIENT_ID, MARKET, SECURITY_CODE,
        _c("side", codes=SIDES), _c("biz_type", codes=BIZ_TYPES),
        _c("order_price", Kind.PRICE), _c("order_qty", Kind.QTY), _c("order_time", Kind.TIME),
        _c("channel", codes=CHANNELS), _c("status", codes=ORDER_STATUSES),
        _c("filled_qty", Kind.QTY), _c("cancelled_qty", Kind.QTY),
    ),
    key=("order_id",),
)
TRADES = FileSpec(
    "trades.csv", "trades", "成交",
    (
        _c("trade_id"), _c("order_id"), CLIENT_ID, MARKET, SECURITY_CODE,
        _c("side", codes=SIDES), _c("biz_type", codes=BIZ_TYPES),
        _c("price", Kind.PRICE), _c("qty", Kind.QTY), _c("amount", Kind.MONEY),
        _c("commission", Kind.MONEY), _c("stamp_duty", Kind.MONEY), _c("transfer_fee", Kind.MONEY),
        _c("trade_time", Kind.TIME), _c("channel", codes=CHANNELS),
    ),
    key=("trade_id",),
)
CASH_FLOWS = FileSpec(
    "cash_flows.csv", "cash_flows", "资金流水",
    (
        _c("flow_id"), CLIENT_ID, _c("flow_type", codes=FLOW_TYPES),
        _c("amount", Kind.MONEY), _c("flow_time", Kind.TIME),
    ),
    key=("flow_id",),
)
CUSTODY_TRANSFERS = FileSpec(
    "custody_transfers.csv", "custody_transfers", "转托管",
    (
        _c("transfer_id"), CLIENT_ID, MARKET, SECURITY_CODE,
        _c("direction", codes=("I", "O")), _c("qty", Kind.QTY), _c("cost_amount", Kind.MONEY),
    ),
    key=("transfer_id",),
)
POSITIONS = FileSpec(
    "positions.csv", "positions", "持仓",
    (CLIENT_ID, MARKET, SECURITY_CODE, _c("qty", Kind.QTY), _c("cost_amount", Kind.MONEY)),
    key=("client_id", "market", "security_code"),
)
BALANCES = FileSpec(
    "balances.csv", "balances", "资金余额",
    (CLIENT_ID, _c("cash_balance", Kind.MONEY)),
    key=("client_id",),
)

BRANCHES = FileSpec(
    "branches.csv", "branches", "营业部",
    (
        _c("branch_code", digits=4), _c("branch_name", Kind.TEXT), _c("region_code"),
        _c("region_name", Kind.TEXT), _c("city", Kind.TEXT), _c("open_date", Kind.DATE),
    ),
    key=("branch_code",),
)
BROKERS = FileSpec(
    "brokers.csv", "brokers", "经纪人/客户经理",
    (
        _c("broker_id"), _c("broker_name", Kind.TEXT), _c("branch_code", digits=4),
        _c("manager_id", nullable=True), _c("broker_type", codes=("E", "A")),
        _c("level", Kind.INT, codes=("1", "2", "3", "4", "5")),
        _c("hire_date", Kind.DATE), _c("leave_date", Kind.DATE, nullable=True),
    ),
    key=("broker_id",),
)
CLIENT_BROKERS = FileSpec(
    "client_brokers.csv", "client_brokers", "服务关系",
    (
        CLIENT_ID, _c("broker_id"), _c("relation_type", codes=("1", "2")),
        _c("share_pct", Kind.PCT), _c("start_date", Kind.DATE), _c("end_date", Kind.DATE, nullable=True),
    ),
    key=("client_id", "broker_id", "relation_type", "start_date"),
)
SECURITIES = FileSpec(
    "securities.csv", "securities", "证券代码表",
    (
        MARKET, SECURITY_CODE, _c("security_name", Kind.TEXT),
        _c("security_type", codes=SECURITY_TYPES), _c("board", codes=BOARDS),
        _c("industry", Kind.TEXT, nullable=True), _c("list_date", Kind.DATE),
        _c("delist_date", Kind.DATE, nullable=True),
        _c("total_shares", Kind.QTY), _c("float_shares", Kind.QTY),
    ),
    key=("market", "security_code"),
)
QUOTES = FileSpec(
    "quotes.csv", "quotes", "行情",
    (
        MARKET, SECURITY_CODE, _c("prev_close", Kind.PRICE), _c("open", Kind.PRICE),
        _c("high", Kind.PRICE), _c("low", Kind.PRICE), _c("close", Kind.PRICE),
        _c("volume", Kind.QTY), _c("amount", Kind.MONEY),
    ),
    key=("market", "security_code"),
)
INDEX_QUOTES = FileSpec(
    "index_quotes.csv", "index_quotes", "指数行情",
    (_c("index_code", codes=INDEX_CODES), _c("prev_close", Kind.PRICE), _c("close", Kind.PRICE)),
    key=("index_code",),
)

BRANCH_FILES: tuple[FileSpec, ...] = (
    CLIENTS, ORDERS, TRADES, CASH_FLOWS, CUSTODY_TRANSFERS, POSITIONS, BALANCES,
)
HQ_FILES: tuple[FileSpec, ...] = (BRANCHES, BROKERS, CLIENT_BROKERS, SECURITIES, QUOTES, INDEX_QUOTES)
ALL_FILES: tuple[FileSpec, ...] = BRANCH_FILES + HQ_FILES
MANIFEST = "manifest.json"
ENCODINGS = ("utf-8", "gbk")


def files_for(branch_code: str) -> tuple[FileSpec, ...]:
    """The files a package of this folder must hold: HQ's reference files or a branch's files."""
    return HQ_FILES if branch_code == HQ else BRANCH_FILES


def spec_by_name(file_name: str) -> FileSpec:
    return next(f for f in ALL_FILES if f.name == file_name)

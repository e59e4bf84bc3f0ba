"""A hand-made situation on top of the contract's example (2023-10-09 / 10-10), with the expected
reminders worked out by hand from docs/contract/metrics.md.

    2023-06-01  client 1101000104 (broker K0002) buys 100 600519: its last fill before October
    2023-10-11  new clients 1101000102 (C1, assigned to K0003) and 1101000103 (C4, to K0002, born
                1975-10-13); 102 buys ChiNext 300750 (suitability), 103 transfers in 120,000 (large) and
                buys STAR 688981 at 55; 3301000202 (K0302) is a client since 2020
    2023-10-12  a rough day: 000001 and 688981 close limit-down, 300750 limit-up, 600519 -7.08%;
                1101000101 transfers out 150,000; 1101000104 sells (first fill in 133 days);
                103's 688981 drops to 44 (-20%: trapped degree 0% -> 100%); 3301000201 (no broker)
                transfers out 2,000,000 and its ETF by custody transfer (no churn warning: its TA five
                trading days earlier, 2023-09-27, is not landed, so unknown); 3301000202 closes
                its account; broker K0302 leaves that day (its client goes to the branch head K0301)

K0002 leads a team of one from 2023-10-11 on: K0003 reports to K0002 (and K0002 to the branch head K0001).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from warehouse.contract.spec import HQ, files_for

BRANCHES = [
    {
        "branch_code": "1101",
        "branch_name": "北京金融街营业部",
        "region_code": "R03",
        "region_name": "华北分公司",
        "city": "北京",
        "open_date": "20030101",
    },
    {
        "branch_code": "3301",
        "branch_name": "杭州解放路营业部",
        "region_code": "R01",
        "region_name": "华东分公司",
        "city": "杭州",
        "open_date": "20090301",
    },
]


def _brokers(k0302_leave: str = "") -> list[dict]:
    return [
        {
            "broker_id": "K0001",
            "broker_name": "周杰",
            "branch_code": "1101",
            "manager_id": "",
            "broker_type": "E",
            "level": "5",
            "hire_date": "20080301",
            "leave_date": "",
        },
        {
            "broker_id": "K0002",
            "broker_name": "吴敏",
            "branch_code": "1101",
            "manager_id": "K0001",
            "broker_type": "A",
            "level": "2",
            "hire_date": "20200901",
            "leave_date": "",
        },
        {
            "broker_id": "K0003",
            "broker_name": "陈晨",
            "branch_code": "1101",
            "manager_id": "K0002",
            "broker_type": "E",
            "level": "1",
            "hire_date": "20230901",
            "leave_date": "",
        },
        {
            "broker_id": "K0301",
            "broker_name": "郑洁",
            "branch_code": "3301",
            "manager_id": "",
            "broker_type": "E",
            "level": "4",
            "hire_date": "20110101",
            "leave_date": "",
        },
        {
            "broker_id": "K0302",
            "broker_name": "钱程",
            "branch_code": "3301",
            "manager_id": "K0301",
            "broker_type": "A",
            "level": "1",
            "hire_date": "20190101",
            "leave_date": k0302_leave,
        },
    ]


INDEX = [
    {"index_code": code, "prev_close": "1000.00", "close": "1000.00"}
    for code in ("000300", "000001", "399001", "399006")
]


def _quote(market: str, code: str, prev: str, close: str) -> dict:
    return {
        "market": market,
        "security_code": code,
        "prev_close": prev,
        "open": prev,
        "high": max(prev, close, key=float),
        "low": min(prev, close, key=float),
        "close": close,
        "volume": "1000000",
        "amount": "100000000.00",
    }


def _client(
    cid: str, name: str, risk: str, birth: str, open_date: str, close: str = "", status: str = "0"
) -> dict:
    return {
        "client_id": cid,
        "client_name": name,
        "client_type": "0",
        "id_type": "0",
        "id_no": "11010119800101" + cid[-4:],
        "mobile": "1380000" + cid[-4:],
        "gender": "M",
        "birth_date": birth,
        "open_date": open_date,
        "close_date": close,
        "status": status,
        "risk_level": risk,
        "city": "北京",
        "commission_rate": "0.00025",
    }


def _order(oid: str, cid: str, market: str, code: str, side: str, price: str, qty: int) -> dict:
    return {
        "order_id": oid,
        "client_id": cid,
        "market": market,
        "security_code": code,
        "side": side,
        "biz_type": "0",
        "order_price": price,
        "order_qty": str(qty),
        "order_time": "100000",
        "channel": "3",
        "status": "8",
        "filled_qty": str(qty),
        "cancelled_qty": "0",
    }


def _trade(
    tid: str,
    oid: str,
    cid: str,
    market: str,
    code: str,
    side: str,
    price: str,
    qty: int,
    amount: str,
    commission: str,
    stamp: str,
    transfer: str,
) -> dict:
    return {
        "trade_id": tid,
        "order_id": oid,
        "client_id": cid,
        "market": market,
        "security_code": code,
        "side": side,
        "biz_type": "0",
        "price": price,
        "qty": str(qty),
        "amount": amount,
        "commission": commission,
        "stamp_duty": stamp,
        "transfer_fee": transfer,
        "trade_time": "100005",
        "channel": "3",
    }


def _position(cid: str, market: str, code: str, qty: int, cost: str) -> dict:
    return {"client_id": cid, "market": market, "security_code": code, "qty": str(qty), "cost_amount": cost}


PACKAGES: dict[tuple[str, str], dict[str, list[dict]]] = {
    ("20230601", HQ): {
        "branches.csv": BRANCHES,
        "brokers.csv": _brokers()[:2] + _brokers()[3:4],
        "client_brokers.csv": [
            {
                "client_id": "1101000104",
                "broker_id": "K0002",
                "relation_type": "2",
                "share_pct": "100",
                "start_date": "20230601",
                "end_date": "",
            }
        ],
        "quotes.csv": [_quote("SH", "600519", "1700.00", "1710.00")],
        "index_quotes.csv": INDEX,
    },
    ("20230601", "1101"): {
        "clients.csv": [_client("1101000104", "赵强", "C3", "19700101", "20150101")],
        "balances.csv": [{"client_id": "1101000104", "cash_balance": "328955.54"}],
        "positions.csv": [_position("1101000104", "SH", "600519", 100, "171044.46")],
        "orders.csv": [_order("00000101", "1101000104", "SH", "600519", "B", "1710.00", 100)],
        "trades.csv": [
            _trade(
                "00000102",
                "00000101",
                "1101000104",
                "SH",
                "600519",
                "B",
                "1710.00",
                100,
                "171000.00",
                "42.75",
                "0.00",
                "1.71",
            )
        ],
    },
    ("20231011", HQ): {
        "branches.csv": BRANCHES,
        "brokers.csv": _brokers(),
        "client_brokers.csv": [
            {
                "client_id": "1101000102",
                "broker_id": "K0003",
                "relation_type": "2",
                "share_pct": "100",
                "start_date": "20231011",
                "end_date": "",
            },
            {
                "client_id": "1101000103",
                "broker_id": "K0002",
                "relation_type": "2",
                "share_pct": "100",
                "start_date": "20231011",
                "end_date": "",
            },
            {
                "client_id": "3301000202",
                "broker_id": "K0302",
                "relation_type": "2",
                "share_pct": "100",
                "start_date": "20200101",
                "end_date": "",
            },
        ],
        "quotes.csv": [
            _quote("SH", "600519", "1760.50", "1765.00"),
            _quote("SZ", "300750", "188.00", "190.00"),
            _quote("SH", "688981", "54.00", "55.00"),
            _quote("SH", "510300", "3.695", "3.700"),
            _quote("SZ", "000001", "11.20", "11.25"),
        ],
        "index_quotes.csv": INDEX,
    },
    ("20231011", "1101"): {
        "clients.csv": [
            _client("1101000102", "王小明", "C1", "19900415", "20231011"),
            _client("1101000103", "李雷", "C4", "19751013", "20231011"),
        ],
        "balances.csv": [
            {"client_id": "1101000101", "cash_balance": "303077.94"},
            {"client_id": "1101000102", "cash_balance": "30994.81"},
            {"client_id": "1101000103", "cash_balance": "9971.40"},
            {"client_id": "1101000104", "cash_balance": "328955.54"},
        ],
        "positions.csv": [
            _position("1101000101", "SZ", "000001", 3000, "31200.00"),
            _position("1101000101", "SZ", "300750", 100, "19105.19"),
            _position("1101000102", "SZ", "300750", 100, "19005.19"),
            _position("1101000103", "SH", "688981", 2000, "110028.60"),
            _position("1101000104", "SH", "600519", 100, "171044.46"),
        ],
        "cash_flows.csv": [
            {
                "flow_id": "00000201",
                "client_id": "1101000102",
                "flow_type": "1",
                "amount": "50000.00",
                "flow_time": "093000",
            },
            {
                "flow_id": "00000202",
                "client_id": "1101000103",
                "flow_type": "1",
                "amount": "120000.00",
                "flow_time": "093100",
            },
        ],
        "orders.csv": [
            _order("00000203", "1101000102", "SZ", "300750", "B", "190.00", 100),
            _order("00000205", "1101000103", "SH", "688981", "B", "55.00", 2000),
        ],
        "trades.csv": [
            _trade(
                "00000204",
                "00000203",
                "1101000102",
                "SZ",
                "300750",
                "B",
                "190.00",
                100,
                "19000.00",
                "5.00",
                "0.00",
                "0.19",
            ),
            _trade(
                "00000206",
                "00000205",
                "1101000103",
                "SH",
                "688981",
                "B",
                "55.00",
                2000,
                "110000.00",
                "27.50",
                "0.00",
                "1.10",
            ),
        ],
    },
    ("20231011", "3301"): {
        "clients.csv": [_client("3301000202", "周敏", "C3", "19850620", "20200101")],
        "balances.csv": [
            {"client_id": "3301000201", "cash_balance": "3256925.70"},
            {"client_id": "3301000202", "cash_balance": "20000.00"},
        ],
        "positions.csv": [_position("3301000201", "SH", "510300", 200000, "743074.30")],
    },
    ("20231012", HQ): {
        "branches.csv": BRANCHES,
        "brokers.csv": _brokers(k0302_leave="20231012"),
        "quotes.csv": [
            _quote("SH", "600519", "1765.00", "1640.00"),
            _quote("SZ", "300750", "190.00", "228.00"),
            _quote("SH", "688981", "55.00", "44.00"),
            _quote("SH", "510300", "3.700", "3.700"),
            _quote("SZ", "000001", "11.25", "10.13"),
        ],
        "index_quotes.csv": INDEX,
    },
    ("20231012", "1101"): {
        "balances.csv": [
            {"client_id": "1101000101", "cash_balance": "153077.94"},
            {"client_id": "1101000102", "cash_balance": "30994.81"},
            {"client_id": "1101000103", "cash_balance": "9971.40"},
            {"client_id": "1101000104", "cash_balance": "410893.22"},
        ],
        "positions.csv": [
            _position("1101000101", "SZ", "000001", 3000, "31200.00"),
            _position("1101000101", "SZ", "300750", 100, "19105.19"),
            _position("1101000102", "SZ", "300750", 100, "19005.19"),
            _position("1101000103", "SH", "688981", 2000, "110028.60"),
            _position("1101000104", "SH", "600519", 50, "85522.23"),
        ],
        "cash_flows.csv": [
            {
                "flow_id": "00000301",
                "client_id": "1101000101",
                "flow_type": "2",
                "amount": "-150000.00",
                "flow_time": "100000",
            }
        ],
        "orders.csv": [_order("00000302", "1101000104", "SH", "600519", "S", "1640.00", 50)],
        "trades.csv": [
            _trade(
                "00000303",
                "00000302",
                "1101000104",
                "SH",
                "600519",
                "S",
                "1640.00",
                50,
                "82000.00",
                "20.50",
                "41.00",
                "0.82",
            )
        ],
    },
    ("20231012", "3301"): {
        "clients.csv": [
            _client("3301000202", "周敏", "C3", "19850620", "20200101", close="20231012", status="3")
        ],
        "balances.csv": [
            {"client_id": "3301000201", "cash_balance": "1256925.70"},
            {"client_id": "3301000202", "cash_balance": "0.00"},
        ],
        "cash_flows.csv": [
            {
                "flow_id": "00000401",
                "client_id": "3301000201",
                "flow_type": "2",
                "amount": "-2000000.00",
                "flow_time": "100000",
            },
            {
                "flow_id": "00000402",
                "client_id": "3301000202",
                "flow_type": "2",
                "amount": "-20000.00",
                "flow_time": "100100",
            },
        ],
        "custody_transfers.csv": [
            {
                "transfer_id": "00000403",
                "client_id": "3301000201",
                "market": "SH",
                "security_code": "510300",
                "direction": "O",
                "qty": "200000",
                "cost_amount": "743074.30",
            }
        ],
    },
}

RECIPIENTS = """broker_id,broker_name,branch_code,role,email,active
K0001,周杰,1101,branch_head,k0001@brokerage.example.com,1
K0002,吴敏,1101,team_lead,k0002@brokerage.example.com,1
K0003,陈晨,1101,broker,k0003@brokerage.example.com,1
K0301,郑洁,3301,branch_head,k0301@brokerage.example.com,1
K0302,钱程,3301,broker,k0302@brokerage.example.com,0
EXEC01,郑国华,,executive,exec01@brokerage.example.com,1
"""


def write_packages(inbox: Path) -> None:
    """Write the scenario's packages (UTF-8, manifest last) next to the contract example's."""
    for (day, branch), files in PACKAGES.items():
        folder = inbox / day / branch
        folder.mkdir(parents=True, exist_ok=True)
        listed = []
        for spec in files_for(branch):
            rows = files.get(spec.name, [])
            lines = [",".join(spec.column_names)] + [
                ",".join(row.get(c, "") for c in spec.column_names) for row in rows
            ]
            data = ("\n".join(lines) + "\n").encode("utf-8")
            (folder / spec.name).write_bytes(data)
            listed.append({"name": spec.name, "rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {
            "business_date": day,
            "branch_code": branch,
            "revision": 1,
            "encoding": "utf-8",
            "files": listed,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")

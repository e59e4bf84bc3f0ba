"""Writes the hand-made package set tests/fixtures/warehouse_cases/inbox (contract format).

One branch (2101) and head office over six trading days across a month boundary, 2024-01-29 .. 2024-02-05,
three clients. Every input number below is literal; this module only lays the rows out as CSV files and
writes each package's manifest (rows and sha256). The figures derived from them are worked out by hand in
tests/warehouse/test_warehouse_cases.py. Regenerate with `python -m tests.warehouse.case_writer`.

  2101000001  long-standing client (service and developer: B002): holds 600000 and 000002; sells 2000
              600000 on 01-30, deposits 50,000 and buys 1000 000002 on 02-01.
  2101000002  long-standing, cash only 200,000 (B001); withdraws 190,000 on 02-02 and 0.01 on 02-05.
  2101000003  opens on 01-29 (developer B001; servicing B001 60% / B002 40%), deposits 50,000, buys 1000
              000002; a second order is cancelled.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

BRANCH = "2101"
DAYS = ["20240129", "20240130", "20240131", "20240201", "20240202", "20240205"]
INBOX = Path(__file__).resolve().parents[1] / "fixtures" / "warehouse_cases" / "inbox"

HEADERS = {
    "clients.csv": "client_id,client_name,client_type,id_type,id_no,mobile,gender,birth_date,open_date,"
    "close_date,status,risk_level,city,commission_rate",
    "orders.csv": "order_id,client_id,market,security_code,side,biz_type,order_price,order_qty,order_time,"
    "channel,status,filled_qty,cancelled_qty",
    "trades.csv": "trade_id,order_id,client_id,market,security_code,side,biz_type,price,qty,amount,"
    "commission,stamp_duty,transfer_fee,trade_time,channel",
    "cash_flows.csv": "flow_id,client_id,flow_type,amount,flow_time",
    "custody_transfers.csv": "transfer_id,client_id,market,security_code,direction,qty,cost_amount",
    "positions.csv": "client_id,market,security_code,qty,cost_amount",
    "balances.csv": "client_id,cash_balance",
    "branches.csv": "branch_code,branch_name,region_code,region_name,city,open_date",
    "brokers.csv": "broker_id,broker_name,branch_code,manager_id,broker_type,level,hire_date,leave_date",
    "client_brokers.csv": "client_id,broker_id,relation_type,share_pct,start_date,end_date",
    "securities.csv": "market,security_code,security_name,security_type,board,industry,list_date,delist_date,"
    "total_shares,float_shares",
    "quotes.csv": "market,security_code,prev_close,open,high,low,close,volume,amount",
    "index_quotes.csv": "index_code,prev_close,close",
}
BRANCH_FILES = [
    "clients.csv",
    "orders.csv",
    "trades.csv",
    "cash_flows.csv",
    "custody_transfers.csv",
    "positions.csv",
    "balances.csv",
]
HQ_FILES = [
    "branches.csv",
    "brokers.csv",
    "client_brokers.csv",
    "securities.csv",
    "quotes.csv",
    "index_quotes.csv",
]

CLIENTS = [
    (
        "2101000001",
        "赵一",
        "0",
        "0",
        "110101198001010011",
        "13900000001",
        "M",
        "19800101",
        "20200101",
        "",
        "0",
        "C3",
        "上海",
        "0.0003",
    ),
    (
        "2101000002",
        "钱二",
        "0",
        "0",
        "110101198502020022",
        "13900000002",
        "F",
        "19850202",
        "20210301",
        "",
        "0",
        "C4",
        "上海",
        "0.0003",
    ),
    (
        "2101000003",
        "孙三",
        "0",
        "0",
        "110101199003030033",
        "13900000003",
        "M",
        "19900303",
        "20240129",
        "",
        "0",
        "C3",
        "上海",
        "0.0003",
    ),
]

# branch 2101, per day and file (no row = header only)
BRANCH_ROWS: dict[str, dict[str, list[tuple[str, ...]]]] = {
    "20240129": {
        "clients.csv": CLIENTS,
        "orders.csv": [
            ("O1", "2101000003", "SZ", "000002", "B", "0", "8.00", "1000", "93500", "3", "8", "1000", "0"),
            ("O2", "2101000003", "SH", "600000", "B", "0", "9.90", "500", "94000", "3", "6", "0", "500"),
        ],
        "trades.csv": [
            (
                "T1",
                "O1",
                "2101000003",
                "SZ",
                "000002",
                "B",
                "0",
                "8.00",
                "1000",
                "8000.00",
                "5.00",
                "0.00",
                "0.08",
                "93501",
                "3",
            ),
        ],
        "cash_flows.csv": [("F1", "2101000003", "1", "50000.00", "91000")],
        "positions.csv": [
            ("2101000001", "SH", "600000", "5000", "45000.00"),
            ("2101000001", "SZ", "000002", "2000", "20000.00"),
            ("2101000003", "SZ", "000002", "1000", "8005.08"),
        ],
        "balances.csv": [
            ("2101000001", "100000.00"),
            ("2101000002", "200000.00"),
            ("2101000003", "41994.92"),
        ],
    },
    "20240130": {
        "orders.csv": [
            ("O1", "2101000001", "SH", "600000", "S", "0", "10.50", "2000", "93000", "2", "8", "2000", "0")
        ],
        "trades.csv": [
            (
                "T1",
                "O1",
                "2101000001",
                "SH",
                "600000",
                "S",
                "0",
                "10.50",
                "2000",
                "21000.00",
                "6.30",
                "10.50",
                "0.21",
                "93015",
                "2",
            ),
        ],
        "positions.csv": [
            ("2101000001", "SH", "600000", "3000", "27000.00"),
            ("2101000001", "SZ", "000002", "2000", "20000.00"),
            ("2101000003", "SZ", "000002", "1000", "8005.08"),
        ],
        "balances.csv": [
            ("2101000001", "120982.99"),
            ("2101000002", "200000.00"),
            ("2101000003", "41994.92"),
        ],
    },
    "20240131": {
        "positions.csv": [
            ("2101000001", "SH", "600000", "3000", "27000.00"),
            ("2101000001", "SZ", "000002", "2000", "20000.00"),
            ("2101000003", "SZ", "000002", "1000", "8005.08"),
        ],
        "balances.csv": [
            ("2101000001", "120982.99"),
            ("2101000002", "200000.00"),
            ("2101000003", "41994.92"),
        ],
    },
    "20240201": {
        "orders.csv": [
            ("O1", "2101000001", "SZ", "000002", "B", "0", "7.20", "1000", "100000", "3", "8", "1000", "0")
        ],
        "trades.csv": [
            (
                "T1",
                "O1",
                "2101000001",
                "SZ",
                "000002",
                "B",
                "0",
                "7.20",
                "1000",
                "7200.00",
                "5.00",
                "0.00",
                "0.07",
                "100001",
                "3",
            ),
        ],
        "cash_flows.csv": [("F1", "2101000001", "1", "50000.00", "91500")],
        "positions.csv": [
            ("2101000001", "SH", "600000", "3000", "27000.00"),
            ("2101000001", "SZ", "000002", "3000", "27205.07"),
            ("2101000003", "SZ", "000002", "1000", "8005.08"),
        ],
        "balances.csv": [
            ("2101000001", "163777.92"),
            ("2101000002", "200000.00"),
            ("2101000003", "41994.92"),
        ],
    },
    "20240202": {
        "cash_flows.csv": [("F1", "2101000002", "2", "-190000.00", "140000")],
        "positions.csv": [
            ("2101000001", "SH", "600000", "3000", "27000.00"),
            ("2101000001", "SZ", "000002", "3000", "27205.07"),
            ("2101000003", "SZ", "000002", "1000", "8005.08"),
        ],
        "balances.csv": [("2101000001", "163777.92"), ("2101000002", "10000.00"), ("2101000003", "41994.92")],
    },
    "20240205": {
        "cash_flows.csv": [("F1", "2101000002", "2", "-0.01", "140000")],
        "positions.csv": [
            ("2101000001", "SH", "600000", "3000", "27000.00"),
            ("2101000001", "SZ", "000002", "3000", "27205.07"),
            ("2101000003", "SZ", "000002", "1000", "8005.08"),
        ],
        "balances.csv": [("2101000001", "163777.92"), ("2101000002", "9999.99"), ("2101000003", "41994.92")],
    },
}

QUOTES = {
    "20240129": [
        ("SH", "600000", "10.00", "10.00", "10.00", "10.00", "10.00", "1000000", "10000000.00"),
        ("SZ", "000002", "8.00", "8.00", "8.00", "8.00", "8.00", "1000000", "8000000.00"),
    ],
    "20240130": [
        ("SH", "600000", "10.00", "10.00", "10.50", "10.00", "10.50", "1000000", "10250000.00"),
        ("SZ", "000002", "8.00", "8.00", "8.00", "7.80", "7.80", "1000000", "7900000.00"),
    ],
    "20240131": [
        ("SH", "600000", "10.50", "10.50", "10.50", "10.40", "10.40", "1000000", "10450000.00"),
        ("SZ", "000002", "7.80", "7.80", "7.80", "7.50", "7.50", "1000000", "7650000.00"),
    ],
    "20240201": [
        ("SH", "600000", "10.40", "10.40", "10.80", "10.40", "10.80", "1000000", "10600000.00"),
        ("SZ", "000002", "7.50", "7.50", "7.50", "7.20", "7.20", "1000000", "7350000.00"),
    ],
    "20240202": [
        ("SH", "600000", "10.80", "10.80", "10.80", "10.80", "10.80", "1000000", "10800000.00"),
        ("SZ", "000002", "7.20", "7.20", "7.20", "7.20", "7.20", "1000000", "7200000.00"),
    ],
    "20240205": [
        ("SH", "600000", "10.80", "10.80", "11.00", "10.80", "11.00", "1000000", "10900000.00"),
        ("SZ", "000002", "7.20", "7.20", "7.20", "7.00", "7.00", "1000000", "7100000.00"),
    ],
}
INDEX_QUOTES = {
    "20240129": [("000300", "3280.00", "3300.00")],
    "20240130": [("000300", "3300.00", "3333.00")],
    "20240131": [("000300", "3333.00", "3366.33")],
    "20240201": [("000300", "3366.33", "3333.00")],
    "20240202": [("000300", "3333.00", "3300.00")],
    "20240205": [("000300", "3300.00", "3267.00")],
}
HQ_FIRST_DAY = {
    "client_brokers.csv": [
        ("2101000001", "B002", "1", "100", "20200101", ""),
        ("2101000001", "B002", "2", "100", "20200101", ""),
        ("2101000002", "B001", "2", "100", "20210301", ""),
        ("2101000003", "B001", "1", "100", "20240129", ""),
        ("2101000003", "B001", "2", "60", "20240129", ""),
        ("2101000003", "B002", "2", "40", "20240129", ""),
    ],
    "securities.csv": [
        (
            "SH",
            "600000",
            "浦发银行",
            "STOCK",
            "SH_MAIN",
            "银行",
            "19991110",
            "",
            "29352000000",
            "29352000000",
        ),
        ("SZ", "000002", "万科A", "STOCK", "SZ_MAIN", "房地产", "19910129", "", "11930000000", "9717000000"),
    ],
}
HQ_EVERY_DAY = {
    "branches.csv": [(BRANCH, "上海测试营业部", "R01", "华东分公司", "上海", "20100101")],
    "brokers.csv": [
        ("B001", "周一", BRANCH, "", "E", "5", "20100101", ""),
        ("B002", "吴二", BRANCH, "B001", "A", "2", "20150101", ""),
    ],
}


def csv_bytes(name: str, rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[name].split(","))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_package(folder: Path, day: str, branch: str, files: dict[str, list[tuple[str, ...]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for name, rows in files.items():
        data = csv_bytes(name, rows)
        (folder / name).write_bytes(data)
        listed.append({"name": name, "rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {
        "business_date": day,
        "branch_code": branch,
        "revision": 1,
        "encoding": "utf-8",
        "files": listed,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def write_inbox(inbox: Path = INBOX) -> Path:
    for i, day in enumerate(DAYS):
        hq = {name: HQ_EVERY_DAY.get(name, HQ_FIRST_DAY.get(name, []) if i == 0 else []) for name in HQ_FILES}
        hq["quotes.csv"], hq["index_quotes.csv"] = QUOTES[day], INDEX_QUOTES[day]
        write_package(inbox / day / "HQ", day, "HQ", hq)
        branch = {name: BRANCH_ROWS[day].get(name, []) for name in BRANCH_FILES}
        write_package(inbox / day / BRANCH, day, BRANCH, branch)
    return inbox


if __name__ == "__main__":
    print(write_inbox())

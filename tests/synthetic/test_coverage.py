"""The tiny preset exercises each rule and event, so downstream tests have something to see."""

from __future__ import annotations

import polars as pl

from .conftest import Generated, cents


def test_events_present(tiny_run: Generated) -> None:
    t = tiny_run.tables
    flows = t["cash_flows.csv"].with_columns(c=cents("amount"))
    assert set(flows["flow_type"]) == {"1", "2", "3", "4", "5"}
    assert (flows.filter(pl.col("flow_type").is_in(["1", "2"]))["c"].abs() >= 10_000_000).any()
    assert (flows.filter(pl.col("flow_type") == "5")["c"] < 0).all()
    assert set(t["custody_transfers.csv"]["direction"]) == {"I", "O"}
    assert (t["orders.csv"]["biz_type"] == "1").any() and (t["trades.csv"]["biz_type"] == "1").any()
    assert set(t["orders.csv"]["status"]) == {"8", "5", "6", "9"}
    days = sorted(t["clients.csv"]["business_date"].unique())
    later = t["clients.csv"].filter(pl.col("business_date") > days[0])
    assert (later["open_date"] == later["business_date"]).any()  # new accounts
    assert (later["status"] == "3").any()  # closed accounts


def test_people_and_relations(tiny_run: Generated) -> None:
    t = tiny_run.tables
    first_day = t["clients.csv"]["business_date"].min()
    clients = t["clients.csv"].filter(pl.col("business_date") == first_day)
    relations = t["client_brokers.csv"]
    serviced = relations.filter(pl.col("relation_type") == "2")["client_id"].unique()
    assert clients.filter(~pl.col("client_id").is_in(serviced.to_list())).height > 0  # clients with no broker
    assert (relations["share_pct"] == "60").any() and (relations["share_pct"] == "40").any()
    assert (relations["relation_type"] == "1").any()
    brokers = t["brokers.csv"]
    left = brokers.filter(pl.col("leave_date").is_not_null()).select("broker_id", "leave_date").unique()
    assert left.height > 0
    ended = relations.join(left, left_on=["broker_id", "end_date"], right_on=["broker_id", "leave_date"])
    assert ended.height > 0
    moved_to = relations.filter(
        pl.col("client_id").is_in(ended["client_id"].to_list())
        & (pl.col("start_date") > pl.col("business_date"))
    )
    assert moved_to.height > 0  # reassigned from the next day
    assert set(brokers["broker_type"]) == {"E", "A"}


def test_market_shape(tiny_run: Generated) -> None:
    t = tiny_run.tables
    securities = t["securities.csv"]
    assert set(securities["board"]) == {"SH_MAIN", "STAR", "SZ_MAIN", "CHINEXT", "BSE"}
    assert set(securities["security_type"]) == {"STOCK", "ETF"}
    etfs = securities.filter(pl.col("security_type") == "ETF")
    assert etfs["industry"].null_count() == etfs.height and set(etfs["board"]) <= {"SH_MAIN", "SZ_MAIN"}
    stocks = securities.filter(pl.col("security_type") == "STOCK")
    assert stocks["industry"].null_count() == 0 and stocks["industry"].n_unique() > 10
    codes = stocks.select(pl.col("board"), p=pl.col("security_code").str.slice(0, 3))
    expected = {
        "SH_MAIN": {"600", "601", "603", "605"},
        "STAR": {"688"},
        "SZ_MAIN": {"000", "001", "002", "003"},
        "CHINEXT": {"300", "301"},
        "BSE": {
            "830",
            "831",
            "832",
            "833",
            "834",
            "835",
            "836",
            "837",
            "838",
            "839",
            "870",
            "871",
            "872",
            "873",
            "920",
        },
    }
    for board, prefix in codes.iter_rows():
        assert prefix in expected[board], (board, prefix)
    # some C1/C2 client bought on a risky board (for the suitability reminder)
    clients = t["clients.csv"].select("client_id", "risk_level").unique("client_id")
    risky = (
        t["trades.csv"]
        .filter(pl.col("side") == "B")
        .join(securities.select("market", "security_code", "board").unique(), on=["market", "security_code"])
        .join(clients, on="client_id")
        .filter(pl.col("board").is_in(["STAR", "CHINEXT", "BSE"]))
    )
    assert risky.height > 0

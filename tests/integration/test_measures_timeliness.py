"""The timeliness medians of the Volume page, read from mart_timeliness_days (counts per whole working day)
instead of one row per referral: checked against medians worked out by hand on a few referrals with odd and
even counts and ties, and against DuckDB's median() over the same referrals."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from dashboard.queries import all_queries
from warehouse.measures import view_files

QUERIES = all_queries()
# Every contract, no filter; as the national commissioner.
EVERY = {"region": None, "pcc": None, "lot": None, "provider": None, "allowed": None}
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)

# (contract, month, working days to arranged, working days to attended); None: not yet.
REFERRALS = [
    # X in January: arranged 3, 1, 1 (odd, a tie); attended 2, 12, 5, 9 (even); one not yet either.
    ("PRJ_000X", JAN, 3, 2),
    ("PRJ_000X", JAN, 1, 12),
    ("PRJ_000X", JAN, 1, 5),
    ("PRJ_000X", JAN, None, 9),
    ("PRJ_000X", JAN, None, None),
    # X in February: arranged 4 and 4 (even, a tie); none attended yet.
    ("PRJ_000X", FEB, 4, None),
    ("PRJ_000X", FEB, 4, None),
    # Y in January: arranged 0, attended 10 (within 10 working days: 10 counts).
    ("PRJ_000Y", JAN, 0, 10),
]


@pytest.fixture(scope="module")
def con():
    """The measure file over a hand-made mart_referral_timeliness, with just enough of mart_contract and
    mart_data_as_of for the page's scope (data up to 10 February 2026: February is provisional)."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE mart_referral_timeliness (contract_ref VARCHAR, month DATE, referral_id VARCHAR, "
        "received_on DATE, working_days_to_arranged INTEGER, working_days_to_attended INTEGER, "
        "within_10_working_days BOOLEAN)"
    )
    for n, (contract, month, arranged, attended) in enumerate(REFERRALS):
        con.execute(
            "INSERT INTO mart_referral_timeliness VALUES (?, ?, ?, ?, ?, ?, ? <= 10)",
            [contract, month, f"r{n}", month, arranged, attended, attended],
        )
    con.execute(
        "CREATE TABLE mart_contract AS SELECT * FROM (VALUES "
        "('PRJ_000X', 'B', ['B1'], 'Accommodation', 'P1', DATE '2025-01-01', NULL::DATE), "
        "('PRJ_000Y', 'D', ['D1'], 'Accommodation', 'P2', DATE '2025-01-01', NULL::DATE)) "
        "t(contract_ref, region_code, pcc_area_codes, lot, lead_provider_code, start_date, end_date)"
    )
    con.execute(
        "CREATE TABLE mart_data_as_of AS SELECT DATE '2026-02-10' AS as_of_date, DATE '2026-02-01' AS provisional_month"
    )
    con.execute(dict(view_files())["093_timeliness_days.sql"])
    yield con
    con.close()


def run(con, name: str, **params):
    sql = QUERIES[name]
    given = EVERY | {"since": "2026-01-01", "contract": None} | params
    return con.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql}).df()


def test_counts_per_working_day(con):
    """Each referral once per step: X's January arranged 1 (twice), 3 and not yet (twice)."""
    rows = con.execute(
        "SELECT working_days, referrals FROM mart_timeliness_days "
        "WHERE contract_ref = 'PRJ_000X' AND month = DATE '2026-01-01' AND step = 'arranged'"
    ).fetchall()
    assert rows == [(1, 2), (3, 1), (None, 2)]
    assert con.execute(
        "SELECT step, sum(referrals) FROM mart_timeliness_days GROUP BY step ORDER BY step"
    ).fetchall() == [("arranged", 8), ("attended", 8)]


def test_monthly_medians_odd_even_and_ties(con):
    """January (X and Y): arranged 0, 1, 1, 3: median (1 + 1) / 2 = 1; attended 2, 5, 9, 10, 12: median 9,
    4 of 5 within 10 (80%). February (X): arranged 4, 4: median 4; none attended: no median, no share."""
    months = run(con, "volume_timeliness")
    jan, feb = months.to_dict("records")
    assert (jan["month"], jan["referrals"], jan["arranged"], jan["median_days_to_arranged"]) == (
        pd.Timestamp(JAN),
        6,
        4,
        1.0,
    )
    assert (jan["attended"], jan["median_days_to_attended"], jan["attended_within_10"]) == (
        5,
        9.0,
        4,
    )
    assert (jan["pct_within_10"], jan["is_provisional"]) == (80.0, False)
    assert (feb["referrals"], feb["arranged"], feb["median_days_to_arranged"], feb["attended"]) == (
        2,
        2,
        4.0,
        0,
    )
    assert (
        feb["median_days_to_attended"] != feb["median_days_to_attended"]
    )  # NULL: NaN in the frame
    assert feb["pct_within_10"] != feb["pct_within_10"]
    assert feb["is_provisional"]


def test_period_medians_are_of_referrals_not_of_months(con):
    """Since January, both contracts: arranged 0, 1, 1, 3, 4, 4: median (1 + 3) / 2 = 2 (the months' medians, 1
    and 4, would give 2.5); attended 2, 5, 9, 10, 12: median 9. X alone: arranged 1, 1, 3, 4, 4: median 3;
    attended 2, 5, 9, 12: median (5 + 9) / 2 = 7, 3 of 4 within 10."""
    total = run(con, "volume_timeliness_total").iloc[0]
    assert (total.referrals, total.median_days_to_arranged, total.median_days_to_attended) == (
        8,
        2.0,
        9.0,
    )
    assert (total.attended, total.attended_within_10, total.pct_within_10) == (5, 4, 80.0)
    x = run(con, "volume_timeliness_total", contract="PRJ_000X").iloc[0]
    assert (x.median_days_to_arranged, x.median_days_to_attended) == (3.0, 7.0)
    assert (x.attended, x.attended_within_10, x.pct_within_10) == (4, 3, 75.0)


def test_nothing_in_the_period(con):
    """After the last referral: one row of zero referrals and no medians (the page's headline reads row 0)."""
    total = run(con, "volume_timeliness_total", since="2026-03-01")
    assert len(total) == 1
    assert (total.referrals[0], total.attended[0]) == (0, 0)
    assert total.median_days_to_arranged.isna().all()
    assert run(con, "volume_timeliness", since="2026-03-01").empty


@pytest.mark.parametrize("contract", [None, "PRJ_000X", "PRJ_000Y"])
@pytest.mark.parametrize("since", ["2026-01-01", "2026-02-01"])
def test_same_medians_as_duckdb_median_of_every_referral(con, contract, since):
    """The medians from counts equal DuckDB's median() over one row per referral (the page's former query)."""
    expected = con.execute(
        "SELECT median(working_days_to_arranged), median(working_days_to_attended) "
        "FROM mart_referral_timeliness WHERE month >= CAST(? AS DATE) AND (? IS NULL OR contract_ref = ?)",
        [since, contract, contract],
    ).fetchone()
    total = run(con, "volume_timeliness_total", contract=contract, since=since).iloc[0]
    got = tuple(
        None if v != v else v
        for v in (total.median_days_to_arranged, total.median_days_to_attended)
    )
    assert got == expected

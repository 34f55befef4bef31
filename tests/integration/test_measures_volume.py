"""The Overview and Volume measures, checked against values worked out by hand from a tiny warehouse
built through the real ingest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from dashboard.queries import all_queries
from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings
from warehouse.connection import Warehouse

# As the national commissioner: every contract ($allowed) and region ($regions); access is tested
# in test_access_queries.py.
UNRESTRICTED = {"allowed": None, "regions": None}

QUERIES = all_queries()
ALL = {"region": None, "pcc": None, "lot": None, "provider": None}


def _month(n: int, month: int, count: int, contract: str, first_day: int = 1) -> list[dict]:
    return [
        b.open_referral(n + i, f"2026-{month:02d}-{first_day + i:02d}T10:00:00", contract)
        for i in range(count)
    ]


def _assessed(n: int, received: str, arranged: str, attended: str = "") -> dict:
    return b.open_referral(
        n,
        received,
        "PRJ_000A",
        date_saa_first_arranged=arranged,
        date_saa_first_scheduled_for=attended or arranged,
        date_saa_first_attended=attended,
        saa_attended_on_time="true" if attended else "",
    )


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """
    A (PRJ_000A, North West): from 2026-01-01, 120 a year (10 a month), bands up to 100 and 130.
      Received: Jan 10, Feb 10, Mar 4, Apr 6, May 6, Jun 6, Jul 1 (15 July: the as-of day, July provisional).
      Three June referrals are timed: Fri 5 Jun -> arranged Mon 8 Jun, attended Fri 19 Jun;
      Wed 10 Jun -> arranged the same day, attended Thu 25 Jun; Sat 13 Jun -> arranged Mon 15 Jun, not yet attended.
      Q2 finance: income £300,000, cost £290,000, no other money.
    B (PRJ_000B, North West): from 2026-01-01, 120 a year, capped at 12 a year, value £120,000.
      Received: 2 a month January to July (14). Q2 finance: income £30,000, cost £36,000, other £6,000.
    C (PRJ_000C, Wales): from 2026-04-01, 12 a year (1 a month), value £12,000.
      Received: 2 a month April to June. Q2 finance: income £3,000, cost £3,000, other money £600.
    """
    root = tmp_path_factory.mktemp("measures_volume")
    folder = root / "in"
    b.write_csv(
        folder / "c.csv",
        "contracts",
        [
            b.contract(
                contract_ref="PRJ_000A",
                start_date="2026-01-01",
                indicative_annual_volume="120",
                band_1_upto="100",
                band_2_upto="130",
            ),
            b.contract(
                contract_ref="PRJ_000B",
                start_date="2026-01-01",
                annual_value_gbp="120000",
                indicative_annual_volume="120",
                annual_volume_cap="12",
                **b.NO_BANDS,
            ),
            b.contract(
                contract_ref="PRJ_000C",
                region_code="D",
                intervention_title="Accommodation Wales",
                start_date="2026-04-01",
                annual_value_gbp="12000",
                indicative_annual_volume="12",
                **b.NO_BANDS,
            ),
        ],
    )
    refs = (
        _month(100, 1, 10, "PRJ_000A")
        + _month(200, 2, 10, "PRJ_000A")
        + _month(300, 3, 4, "PRJ_000A")
    )
    refs += (
        _month(400, 4, 6, "PRJ_000A")
        + _month(500, 5, 6, "PRJ_000A")
        + _month(600, 6, 3, "PRJ_000A")
    )
    refs += [
        _assessed(610, "2026-06-05T10:00:00", "2026-06-08T09:00:00", "2026-06-19T11:00:00"),
        _assessed(611, "2026-06-10T10:00:00", "2026-06-10T15:00:00", "2026-06-25T11:00:00"),
        _assessed(612, "2026-06-13T10:00:00", "2026-06-15T09:00:00"),
    ]
    refs += [b.open_referral(700, "2026-07-15T10:00:00", "PRJ_000A")]
    for month in range(1, 8):
        refs += _month(1000 + 10 * month, month, 2, "PRJ_000B")
    for month in range(4, 7):
        refs += _month(2000 + 10 * month, month, 2, "PRJ_000C")
    b.write_csv(folder / "r.csv", "referrals_performance_report", refs)
    b.write_csv(
        folder / "f.csv",
        "financial_returns",
        [
            b.finance(
                contract_ref="PRJ_000A",
                contract_income_gbp="300000",
                full_delivery_cost_gbp="290000",
                other_funding_gbp="0",
                other_funding_source="",
            ),
            b.finance(
                contract_ref="PRJ_000B",
                contract_income_gbp="30000",
                full_delivery_cost_gbp="36000",
                other_funding_gbp="6000",
            ),
            b.finance(
                contract_ref="PRJ_000C",
                contract_income_gbp="3000",
                full_delivery_cost_gbp="3000",
                other_funding_gbp="600",
            ),
        ],
    )
    settings = make_settings(root / "data")
    report = refresh(settings, [folder])
    assert all(f.outcome == "loaded" for f in report.files), [f.message for f in report.files]
    connection = Warehouse.from_settings(settings).connect()
    yield connection
    connection.close()


def run(con, name: str, **params):
    sql = QUERIES[name]
    return con.execute(
        sql, {k: v for k, v in (UNRESTRICTED | params).items() if f"${k}" in sql}
    ).df()


def test_reporting_periods_follow_the_as_of_day(con):
    """Data to 15 July 2026: July is provisional, April to June are the last 3 complete months, 2026-Q2 the quarter."""
    assert con.execute(
        "SELECT as_of_date, last_complete_month, last3_start, quarter_start, quarter FROM mart_reporting_periods"
    ).fetchone() == (
        dt.date(2026, 7, 15),
        dt.date(2026, 6, 1),
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 1),
        "2026-Q2",
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-06-05", "2026-06-08", 1),  # Friday to Monday
        ("2026-06-10", "2026-06-10", 0),  # same day
        ("2026-06-13", "2026-06-15", 0),  # Saturday to Monday
        ("2026-06-05", "2026-06-19", 10),  # two weeks
        ("2026-06-10", "2026-06-25", 11),  # Wednesday to the Thursday two weeks on
        ("2026-12-24", "2027-01-04", 7),  # bank holidays are not taken out
    ],
)
def test_working_days_count_weekdays_like_numpy(con, start, end, expected):
    """working_days counts Monday-to-Friday days from one day up to (not including) another, as numpy does."""
    got = con.execute(
        "SELECT working_days(CAST(? AS DATE), CAST(? AS DATE))", [start, end]
    ).fetchone()[0]
    assert got == expected == np.busday_count(start, end)


def test_timeliness_per_referral_in_working_days(con):
    """A's three timed June referrals took 1, 0 and 0 working days to arrange; 10 and 11 to attend (one within 10)."""
    rows = con.execute(
        "SELECT received_on, working_days_to_arranged, working_days_to_attended, within_10_working_days "
        "FROM mart_referral_timeliness WHERE working_days_to_arranged IS NOT NULL ORDER BY received_on"
    ).fetchall()
    assert rows == [
        (dt.date(2026, 6, 5), 1, 10, True),
        (dt.date(2026, 6, 10), 0, 11, False),
        (dt.date(2026, 6, 13), 0, None, None),
    ]


def test_timeliness_counts_per_working_day_stored_at_publish(con):
    """mart_timeliness_days, stored as a table: A's six June referrals, arranged after 0 (twice) and 1 working
    days and 3 not yet; attended after 10 and 11, 4 not yet."""
    assert con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'mart_timeliness_days'"
    ).fetchall() == [("BASE TABLE",)]
    rows = con.execute(
        "SELECT step, working_days, referrals FROM mart_timeliness_days "
        "WHERE contract_ref = 'PRJ_000A' AND month = DATE '2026-06-01'"
    ).fetchall()
    assert rows == [
        ("arranged", 0, 2),
        ("arranged", 1, 1),
        ("arranged", None, 3),
        ("attended", 10, 1),
        ("attended", 11, 1),
        ("attended", None, 4),
    ]


def test_timeliness_query_medians_and_share_within_10(con):
    """For A since January: median 0 working days to arrange, 10.5 to attend, 50% of attended within 10."""
    total = run(
        con, "volume_timeliness_total", **ALL, since="2026-01-01", contract="PRJ_000A"
    ).iloc[0]
    assert (total.referrals, total.median_days_to_arranged, total.median_days_to_attended) == (
        43,
        0,
        10.5,
    )
    assert (total.attended, total.attended_within_10, total.pct_within_10) == (2, 1, 50.0)
    june = run(con, "volume_timeliness", **ALL, since="2026-06-01", contract="PRJ_000A").iloc[0]
    assert (june.referrals, june.arranged, june.attended, june.is_provisional) == (6, 3, 2, False)


def test_attention_reasons_and_scores(con):
    """Each contract's reasons in words, and score = |3-month gap %| + subsidy % of a quarter's value + % above cap."""
    got = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT contract_ref, round(gap_pct_3m, 2), months_below, score, reasons FROM mart_contract_attention"
        ).fetchall()
    }
    # A: Apr-Jun 18 of 30 (-40%); March to June each more than 20% below: 22 of 40 = -45% over 4 months.
    assert got["PRJ_000A"] == (-40.0, 4, 40.0, "referrals 45% below forecast for the last 4 months")
    # B: 6 of 30 (-80%) and every month since January; £6,000 short = 20% of £30,000; 14 received, cap 12.
    assert got["PRJ_000B"] == (
        -80.0,
        6,
        round(80 + 20 + 100 * 2 / 12, 1),
        "referrals 80% below forecast for the last 6 months; provider reports a £6k shortfall in 2026-Q2; "
        "2 referrals above the volume cap this contract year",
    )
    # C: 6 of 3 (+100%); £600 of other money = 20% of £3,000.
    assert got["PRJ_000C"] == (
        100.0,
        0,
        120.0,
        "referrals 100% above forecast for the last 3 months; provider used £600 of other money to run "
        "the service in 2026-Q2",
    )


def test_overview_headline_and_regions(con):
    """Headline: 3 contracts, 63 received against 123 + 21 x 15/31 forecast; A and B over 20% below; B and C
    subsidised in 2026-Q2 (the latest complete quarter: all three returned); £6,000 shortfall. The region rows
    add up to the headline."""
    head = run(con, "overview_headline", **ALL, since="2026-01-01").iloc[0]
    forecast = 123 + 21 * 15 / 31
    assert (head.contracts, head.received) == (3, 63)
    assert head.forecast == pytest.approx(forecast)
    assert head.gap_pct == pytest.approx(100 * (63 - forecast) / forecast)
    assert (head.contracts_below, head.contracts_subsidised, head.shortfall_gbp) == (2, 2, 6000)
    assert head.subsidy_quarter == "2026-Q2"
    regions = run(con, "overview_regions", **ALL, since="2026-01-01").set_index("region_code")
    assert len(regions) == 12
    assert (regions.loc["B", "contracts"], regions.loc["B", "received"]) == (2, 57)
    assert (regions.loc["D", "contracts"], regions.loc["D", "received"]) == (1, 6)
    assert regions.received.sum() == head.received
    assert regions.loc["A", "contracts"] == 0
    wales = run(con, "overview_headline", **(ALL | {"region": "D"}), since="2026-01-01").iloc[0]
    assert (wales.contracts, wales.received, wales.contracts_below, wales.contracts_subsidised) == (
        1,
        6,
        0,
        1,
    )


def test_overview_attention_ranks_by_score(con):
    """The attention list puts C (120) before B (116.7) before A (40)."""
    got = run(con, "overview_attention", **ALL, since="2026-01-01")
    assert list(got.contract_ref) == ["PRJ_000C", "PRJ_000B", "PRJ_000A"]


def test_volume_monthly_cumulative_and_recent(con):
    """A month by month from April: 6, 6, 6 and a provisional 1 against 10, 10, 10 and 10 x 15/31; cumulative
    since January reaches 43 received; the last six complete months run January to June."""
    months = run(con, "volume_monthly", **ALL, since="2026-04-01", contract="PRJ_000A")
    assert list(months.received) == [6, 6, 6, 1]
    assert list(months.forecast.round(4)) == [10, 10, 10, round(150 / 31, 4)]
    assert list(months.is_provisional) == [False, False, False, True]
    cumulative = run(con, "volume_cumulative", **ALL, since="2026-01-01", contract="PRJ_000A")
    assert list(cumulative.cumulative_received) == [10, 20, 24, 30, 36, 42, 43]
    recent = run(con, "volume_recent", **ALL, since="2026-01-01", contract=None)
    assert [m.month for m in recent.month] == [1, 2, 3, 4, 5, 6]
    assert list(recent.received) == [12, 12, 6, 10, 10, 10]


def test_volume_gap_by_group_and_bands(con):
    """Grouped by region: North West 57 received, Wales 6 (+100% against 3 + 15/31); A's bands are 100 and 130."""
    by_region = run(con, "volume_gap_by", **ALL, since="2026-01-01", group="region").set_index(
        "group_key"
    )
    assert by_region.loc["B", ["contracts", "received"]].tolist() == [2, 57]
    assert by_region.loc["D", "gap"] == pytest.approx(6 - (3 + 15 / 31))
    by_contract = run(con, "volume_gap_by", **ALL, since="2026-01-01", group="contract")
    assert by_contract.received.sum() == 63
    bands = run(con, "volume_bands", contract="PRJ_000A").iloc[0]
    assert (bands.band_1_upto, bands.band_2_upto, bands.referrals_received, bands.band) == (
        100,
        130,
        43,
        1,
    )

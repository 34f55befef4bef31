"""Every measure, checked against values worked out by hand from a small warehouse built through the real ingest."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings
from warehouse.connection import Warehouse


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """
    Contract A (PRJ_000A): from 2026-01-01, 1,200 a year (100 a month), bands up to 1,000 and 1,300.
    Contract B (PRJ_000B): from 2026-02-15, 365 a year, capped at 10 a year.
    Referrals: A 62 in January, none in February, 5 in March (the last on 15 March: the data's as-of day);
               B 12 from 16 February.
    Finance, 2026-Q1: A income 250,000, cost 280,000, other funding 20,000; B income 30,000, cost 25,000.
    Organisations: O1 small women's (B); O2 large, in a supply chain (B); O3 small Welsh (D); O4 small Welsh (B and D).
    Forums: B on 2026-02-10 attended by O2 and O4; D on 2025-01-10 attended by O3 (over 12 months before 2026-03-31).
    """
    root = tmp_path_factory.mktemp("measures")
    folder = root / "in"
    b.write_csv(
        folder / "c.csv",
        "contracts",
        [
            b.contract(
                contract_ref="PRJ_000A", start_date="2026-01-01", annual_value_gbp="1200000"
            ),
            b.contract(
                contract_ref="PRJ_000B",
                start_date="2026-02-15",
                annual_value_gbp="120000",
                indicative_annual_volume="365",
                annual_volume_cap="10",
                band_1_upto="",
                band_1_payment_gbp="",
                band_2_upto="",
                band_2_payment_gbp="",
            ),
        ],
    )
    refs = [
        b.open_referral(n, f"2026-01-{1 + n % 28:02d}T10:00:00", "PRJ_000A") for n in range(1, 63)
    ]
    refs += [
        b.open_referral(100 + n, f"2026-03-{10 + n:02d}T10:00:00", "PRJ_000A") for n in range(1, 6)
    ]
    refs += [
        b.open_referral(200 + n, f"2026-02-{15 + n:02d}T10:00:00", "PRJ_000B") for n in range(1, 13)
    ]
    b.write_csv(folder / "r.csv", "referrals_performance_report", refs)
    b.write_csv(
        folder / "f.csv",
        "financial_returns",
        [
            b.finance(
                contract_ref="PRJ_000A",
                quarter="2026-Q1",
                contract_income_gbp="250000",
                full_delivery_cost_gbp="280000",
                other_funding_gbp="20000",
            ),
            b.finance(
                contract_ref="PRJ_000B",
                quarter="2026-Q1",
                contract_income_gbp="30000",
                full_delivery_cost_gbp="25000",
                other_funding_gbp="0",
                other_funding_source="",
            ),
        ],
    )
    b.write_csv(
        folder / "o.csv",
        "organisations",
        [
            b.organisation(
                org_id="CH0000001", income_band="10k_100k", specialisms="women", regions_served="B"
            ),
            b.organisation(
                org_id="CH0000002",
                income_band="over_10m",
                specialisms="",
                regions_served="B",
                in_supply_chain="yes",
                on_dynamic_framework="yes",
            ),
            b.organisation(
                org_id="CH0000003", income_band="under_10k", specialisms="welsh", regions_served="D"
            ),
            b.organisation(
                org_id="CH0000004",
                income_band="under_10k",
                specialisms="welsh",
                regions_served="B;D",
            ),
        ],
    )
    b.write_csv(
        folder / "m.csv",
        "forum_meetings",
        [
            b.meeting(meeting_id="B-2026-02", region_code="B", meeting_date="2026-02-10"),
            b.meeting(meeting_id="D-2025-01", region_code="D", meeting_date="2025-01-10"),
        ],
    )
    b.write_csv(
        folder / "a.csv",
        "forum_attendance",
        [
            b.attendance(meeting_id="B-2026-02", org_id="CH0000002"),
            b.attendance(meeting_id="B-2026-02", org_id="CH0000004"),
            b.attendance(meeting_id="D-2025-01", org_id="CH0000003"),
        ],
    )
    report = refresh(make_settings(root / "data"), [folder])
    assert all(f.outcome == "loaded" for f in report.files), [f.message for f in report.files]
    return Warehouse.from_settings(make_settings(root / "data")).connect()


def test_data_as_of_is_the_latest_referral(con):
    """The data runs up to the last referral received, 15 March 2026; March is the provisional month."""
    assert con.execute("SELECT as_of_date, provisional_month FROM mart_data_as_of").fetchone() == (
        dt.date(2026, 3, 15),
        dt.date(2026, 3, 1),
    )


def test_gap_is_share_of_forecast_missed(con):
    """A forecast 100 a month that received 62 in January shows a gap of -38 (-38%); none in February is -100%."""
    rows = con.execute(
        "SELECT month, received, round(forecast, 4), round(gap, 4), round(gap_pct, 4), is_provisional "
        "FROM mart_volume_gap WHERE contract_ref = 'PRJ_000A' ORDER BY month"
    ).fetchall()
    assert rows[0] == (dt.date(2026, 1, 1), 62, 100.0, -38.0, -38.0, False)
    assert rows[1] == (dt.date(2026, 2, 1), 0, 100.0, -100.0, -100.0, False)
    # March counts only the 15 days up to the as-of day: 100 x 15/31 = 48.3871, and is provisional.
    assert rows[2] == (
        dt.date(2026, 3, 1),
        5,
        48.3871,
        round(5 - 48.3871, 4),
        round(100 * (5 - 1500 / 31) / (1500 / 31), 4),
        True,
    )


def test_forecast_prorated_for_a_contract_starting_mid_month(con):
    """B starts on 15 February: 365/12 x 14/28 = 15.2083 forecast that month, against 12 received."""
    row = con.execute(
        "SELECT received, round(forecast, 4) FROM mart_volume_gap "
        "WHERE contract_ref = 'PRJ_000B' AND month = DATE '2026-02-01'"
    ).fetchone()
    assert row == (12, round(365 / 12 * 14 / 28, 4))


def test_band_position_and_referrals_above_cap(con):
    """A's 67 referrals sit in band 1 (up to 1,000); B's 12 are 2 above its cap of 10, delivered for no extra money."""
    rows = dict(
        (r[0], r[1:])
        for r in con.execute(
            "SELECT contract_ref, contract_year, referrals_received, band, volume_cap, referrals_above_cap, is_provisional "
            "FROM mart_band_position"
        ).fetchall()
    )
    assert rows["PRJ_000A"] == (1, 67, 1, 1300, 0, True)
    assert rows["PRJ_000B"] == (1, 12, None, 10, 2, True)


def test_shortfall_in_pounds_and_share_of_contract_value(con):
    """A's cost exceeds income by £30,000: 10% of a quarter of its £1.2m annual value; £20,000 of other funding
    leaves £10,000 not covered, so A is under-funded, subsidised and has a gap not covered. B is in no state."""
    rows = dict(
        (r[0], r[1:])
        for r in con.execute(
            "SELECT contract_ref, shortfall_gbp, round(shortfall_pct_of_value, 4), is_under_funded, is_subsidised, "
            "is_gap_not_covered, uncovered_gbp FROM mart_subsidy_quarterly"
        ).fetchall()
    )
    assert rows["PRJ_000A"] == (30000, 10.0, True, True, True, 10000)
    assert rows["PRJ_000B"] == (0, 0.0, False, False, False, 0)


def test_engagement_coverage_by_segment(con):
    """Coverage counts organisations serving the region that attended its forums in the 12 months to 31 March 2026."""
    got = {
        (r[0], r[1]): r[2:]
        for r in con.execute(
            "SELECT region_code, segment, organisations, engaged, round(coverage_pct, 2) "
            "FROM engagement_coverage(DATE '2026-03-31')"
        ).fetchall()
    }
    assert got[("B", "all")] == (3, 2, 66.67)
    assert got[("B", "small")] == (2, 1, 50.0)
    assert got[("B", "women")] == (1, 0, 0.0)
    assert got[("B", "in_supply_chain")] == (1, 1, 100.0)
    assert got[("B", "not_on_framework")] == (2, 1, 50.0)
    assert got[("D", "all")] == (
        2,
        0,
        0.0,
    )  # O4 attended B's forum, not D's; O3's D forum is too old
    assert got[("D", "welsh")] == (2, 0, 0.0)
    assert ("B", "welsh") not in got  # the Welsh segment is counted in Wales only

"""The Subsidy and Engagement measures and page queries, checked against values worked out by hand from a
small warehouse built through the real ingest."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.queries import all_queries
from tests import builders as b
from tests.conftest import loaded_warehouse

# As the national commissioner: every contract ($allowed) and region ($regions); access is tested
# in test_access_queries.py.
UNRESTRICTED = {"allowed": None, "regions": None}

AS_OF = dt.date(2026, 11, 10)
EVERYWHERE = {"region": None, "pcc": None, "lot": None, "provider": None}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """
    The data runs up to 10 November 2026 (the last referral), so 2026-Q3 is the last quarter that has ended.
    W (PRJ_000W): Women's Services, voluntary, North West, from 2025-10-01, £400,000 a year (£100,000 a
      quarter), capped at 10 referrals a year; 14 referrals from 1 October 2026 (its second contract year).
      Returns: 2025-Q4 income 100k cost 110k, other 10k (reserves); 2026-Q1 100k/100k; 2026-Q2 100k/105k,
      other 5k (fundraising); 2026-Q3 100k/117k.
    A (PRJ_000A): Accommodation, private, North West, from 2025-07-01, £1.2m a year, bands to 1,000 and 1,300;
      2 referrals. Returns: 2025-Q3 300k/400k; 2025-Q4 300k/312k; 2026-Q1 300k/290k; 2026-Q2 300k/300k;
      none yet for 2026-Q3.
    E (PRJ_000E): ETE, public, Wales, from 2026-01-01, £400,000 a year. Returns 2026-Q1 to Q3, each
      100k income against 90k, 95k and 100k cost.
    Organisations: O1 small women's (North West), came to B's forum of 10 June 2025 only; O2 large, in a
      supply chain (North West), came on 15 September 2026; O3 small Welsh (Wales), never came; O4 small,
      Welsh and led by and for racially minoritised people (North West and Wales), came to B's forum on
      15 September 2026 only.
    Forums: B 2025-06-10, B 2026-09-15, B 2026-11-05 (nobody came), D 2026-02-03 (nobody came).
    """
    root = tmp_path_factory.mktemp("subsidy_engagement")
    folder = root / "in"
    b.write_csv(
        folder / "c.csv",
        "contracts",
        [
            b.contract(
                contract_ref="PRJ_000W",
                contract_type_code="WOS",
                service_categories="Accommodation;Emotional Wellbeing",
                pcc_area_codes="cheshire",
                intervention_title="Women's Services in Cheshire",
                lead_provider_code="WOMEN",
                lead_provider_name="Women Org",
                start_date="2025-10-01",
                annual_value_gbp="£400,000",
                indicative_annual_volume="10",
                annual_volume_cap="10",
                **b.NO_BANDS,
            ),
            b.contract(
                contract_ref="PRJ_000A",
                lead_provider_sector="private",
                start_date="2025-07-01",
                annual_value_gbp="£1,200,000",
            ),
            b.contract(
                contract_ref="PRJ_000E",
                contract_type_code="ETE",
                service_categories="Education, Training and Employment (ETE)",
                region_code="D",
                intervention_title="ETE Wales",
                lead_provider_code="COUNCIL",
                lead_provider_name="A Council",
                lead_provider_sector="public",
                start_date="2026-01-01",
                annual_value_gbp="£400,000",
                indicative_annual_volume="100",
                annual_volume_cap="",
            ),
        ],
    )
    women = {"organisation_id": "WOMEN", "date_intervention_to_be_completed_by": "2027-06-01"}
    refs = [
        b.open_referral(n, f"2026-10-{n:02d}T10:00:00", "PRJ_000W", **women) for n in range(1, 14)
    ] + [
        b.open_referral(14, "2026-11-10T10:00:00", "PRJ_000W", **women),
        b.open_referral(21, "2026-03-02T10:00:00", "PRJ_000A"),
        b.open_referral(22, "2026-04-02T10:00:00", "PRJ_000A"),
    ]
    b.write_csv(folder / "r.csv", "referrals_performance_report", refs)

    def money(ref, quarter, income, cost, other=0, source=""):
        return b.finance(
            contract_ref=ref,
            quarter=quarter,
            contract_income_gbp=str(income),
            full_delivery_cost_gbp=str(cost),
            other_funding_gbp=str(other),
            other_funding_source=source,
        )

    b.write_csv(
        folder / "f.csv",
        "financial_returns",
        [
            money("PRJ_000W", "2025-Q4", 100_000, 110_000, 10_000, "Reserves"),
            money("PRJ_000W", "2026-Q1", 100_000, 100_000),
            money("PRJ_000W", "2026-Q2", 100_000, 105_000, 5_000, "Fundraising"),
            money("PRJ_000W", "2026-Q3", 100_000, 117_000),
            money("PRJ_000A", "2025-Q3", 300_000, 400_000),
            money("PRJ_000A", "2025-Q4", 300_000, 312_000),
            money("PRJ_000A", "2026-Q1", 300_000, 290_000),
            money("PRJ_000A", "2026-Q2", 300_000, 300_000),
            money("PRJ_000E", "2026-Q1", 100_000, 90_000),
            money("PRJ_000E", "2026-Q2", 100_000, 95_000),
            money("PRJ_000E", "2026-Q3", 100_000, 100_000),
        ],
    )
    b.write_csv(
        folder / "o.csv",
        "organisations",
        [
            b.organisation(org_id="CH0000001", org_name="Mersey Women", income_band="10k_100k"),
            b.organisation(
                org_id="CH0000002",
                org_name="Big Housing",
                income_band="over_10m",
                specialisms="housing",
                in_supply_chain="yes",
                on_dynamic_framework="yes",
            ),
            b.organisation(
                org_id="CH0000003",
                org_name="Cymru Cares",
                income_band="under_10k",
                specialisms="welsh",
                regions_served="D",
            ),
            b.organisation(
                org_id="CH0000004",
                org_name="Borderlands Trust",
                income_band="under_10k",
                specialisms="welsh;racially_minoritised_led",
                regions_served="B;D",
            ),
        ],
    )
    b.write_csv(
        folder / "m.csv",
        "forum_meetings",
        [
            b.meeting(meeting_id="B-2025-06", meeting_date="2025-06-10"),
            b.meeting(meeting_id="B-2026-09", meeting_date="2026-09-15"),
            b.meeting(meeting_id="B-2026-11", meeting_date="2026-11-05"),
            b.meeting(meeting_id="D-2026-02", region_code="D", meeting_date="2026-02-03"),
        ],
    )
    b.write_csv(
        folder / "a.csv",
        "forum_attendance",
        [
            b.attendance(meeting_id="B-2025-06", org_id="CH0000001"),
            b.attendance(meeting_id="B-2026-09", org_id="CH0000002"),
            b.attendance(meeting_id="B-2026-09", org_id="CH0000004"),
        ],
    )
    yield from loaded_warehouse(root / "data", folder)


def page_query(con, name: str, **params) -> list[tuple]:
    """Run one of the pages' named queries as the app does, binding only the parameters it uses."""
    sql = all_queries()[name]
    return con.execute(
        sql, {k: v for k, v in (UNRESTRICTED | params).items() if f"${k}" in sql}
    ).fetchall()


def test_data_runs_to_the_last_referral(con):
    """The fixture's as-of day is 10 November 2026, so 2026-Q3 is the last quarter that has ended."""
    assert con.execute("SELECT as_of_date FROM mart_data_as_of").fetchone() == (AS_OF,)


def test_returns_due_per_quarter_and_the_latest_marked(con):
    """A return is due for each quarter a contract ran up to 2026-Q3; A has not sent 2026-Q3's."""
    rows = con.execute(
        "SELECT quarter, count(*), count(*) FILTER (WHERE has_return), bool_and(is_latest_quarter) "
        "FROM mart_financial_return_status GROUP BY quarter ORDER BY quarter"
    ).fetchall()
    assert rows == [
        ("2025-Q3", 1, 1, False),
        ("2025-Q4", 2, 2, False),
        ("2026-Q1", 3, 3, False),
        ("2026-Q2", 3, 3, False),
        ("2026-Q3", 3, 2, True),
    ]


def test_risk_score_and_reasons(con):
    """W scores 3 quarters under-funded + 2 (17% short) + 2 (subsidised) + 2 (above cap) = 9; A scores 1.
    W's 2026-Q3 (£17k short, no other funding) is its one gap not covered; A's 2025-Q4 (£12k short) is A's."""
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT contract_ref, risk_score, reasons FROM mart_subsidy_risk"
        ).fetchall()
    }
    assert rows["PRJ_000W"] == (
        9,
        "under-funded in 3 of the last 4 quarters returned; £17k short in 2026-Q3 (17% of its quarterly value); "
        "subsidised with £15k of other funding (fundraising, reserves) in the last four quarters; "
        "gap not covered in 1 of them (£17k absorbed by the providers); "
        "4 referrals above its cap this contract year",
    )
    # A's £100k shortfall in 2025-Q3 is before the last four quarters; its latest return (2026-Q2) is not short.
    assert rows["PRJ_000A"] == (
        1,
        "under-funded in 1 of the last 3 quarters returned; gap not covered in 1 of them (£12k absorbed by "
        "the providers); no financial return yet for 2026-Q3",
    )
    assert rows["PRJ_000E"] == (0, "")


def test_quarter_totals_with_the_latest_provisional(con):
    """Totals per quarter over every contract; 2026-Q3 is provisional with 2 of 3 returns in.
    (quarter, due, in, under-funded, subsidised, gap not covered, shortfall, other funding, uncovered, provisional):
    2025-Q3 A 100k short, nothing covered; 2025-Q4 W 10k short all covered, A 12k short nothing covered;
    2026-Q2 W 5k short covered by 5k; 2026-Q3 W 17k short, nothing covered."""
    rows = page_query(con, "subsidy_quarters", **EVERYWHERE, since=dt.date(2025, 8, 1))
    got = [(r[0], r[2], r[3], r[8], r[4], r[9], r[5], r[6], r[7], r[10]) for r in rows]
    assert got == [
        ("2025-Q3", 1, 1, 1, 0, 1, 100_000, 0, 100_000, False),
        ("2025-Q4", 2, 2, 2, 1, 1, 22_000, 10_000, 12_000, False),
        ("2026-Q1", 3, 3, 0, 0, 0, 0, 0, 0, False),
        ("2026-Q2", 3, 3, 1, 1, 0, 5_000, 5_000, 0, False),
        ("2026-Q3", 3, 2, 1, 0, 1, 17_000, 0, 17_000, True),
    ]


def test_latest_complete_quarter_depends_on_scope(con):
    """Everywhere, 2026-Q3 waits for A's return so 2026-Q2 is complete; Wales alone has 2026-Q3 complete."""
    assert page_query(con, "subsidy_latest_complete_quarter", **EVERYWHERE)[0][0] == "2026-Q2"
    wales = EVERYWHERE | {"region": "D"}
    assert page_query(con, "subsidy_latest_complete_quarter", **wales)[0][0] == "2026-Q3"


def test_split_by_lot_and_sector(con):
    """In 2026-Q2 only W (Women's Services, voluntary) is under-funded and subsidised (£5k short, all covered)."""
    rows = page_query(con, "subsidy_split", **EVERYWHERE, quarter="2026-Q2")
    assert [r[:9] for r in rows] == [
        ("Lot", "Accommodation", 1, 0, 0, 0, 0, 0, 0),
        ("Lot", "Education, Training and Employment", 1, 0, 0, 0, 0, 0, 0),
        ("Lot", "Women's Services", 1, 1, 1, 0, 5_000, 5_000, 0),
        ("Provider sector", "private", 1, 0, 0, 0, 0, 0, 0),
        ("Provider sector", "public", 1, 0, 0, 0, 0, 0, 0),
        ("Provider sector", "voluntary", 1, 1, 1, 0, 5_000, 5_000, 0),
    ]


def test_unfunded_demand_and_risk_list_follow_the_scope(con):
    """W's 14 referrals this contract year are 4 above its cap of 10; the risk list in Wales is empty."""
    demand = page_query(con, "subsidy_unfunded_demand", **EVERYWHERE, since=dt.date(2025, 12, 1))
    # columns: contract_ref, contract_label, provider, lot, contract_year, start, end, received, cap, above, provisional
    assert [(r[0], r[4], r[7], r[8], r[9], r[10]) for r in demand] == [
        ("PRJ_000W", 2, 14, 10, 4, True)
    ]
    risk = page_query(con, "subsidy_risk", **EVERYWHERE)
    # columns: contract_ref, contract_label, provider, lot, sector, risk_score, ...
    assert [(r[0], r[5]) for r in risk] == [("PRJ_000W", 9), ("PRJ_000A", 1)]
    assert page_query(con, "subsidy_risk", **EVERYWHERE | {"region": "D"}) == []


def test_outreach_rows_per_region_not_reached(con):
    """O1 last came 10 June 2025 (over 12 months before); O3 never came; O4 came in B but never to D's forums."""
    rows = con.execute(
        "SELECT org_id, region_code, last_attended FROM engagement_outreach(DATE '2026-11-10') "
        "ORDER BY org_id, region_code"
    ).fetchall()
    assert rows == [
        ("CH0000001", "B", dt.date(2025, 6, 10)),
        ("CH0000003", "D", None),
        ("CH0000004", "D", None),
    ]


def test_outreach_list_as_the_page_shows_it(con):
    """One row per organisation and region not reached (5 known - 2 reached = 3 rows here), plain income band,
    region names, and 'never' when it never came."""
    rows = page_query(con, "engagement_outreach", region=None, as_of=AS_OF)
    assert rows == [
        ("Borderlands Trust", "CH0000004", "Under £10k", "welsh, racially minoritised led",
         "North West, Wales", "Wales", "never"),
        ("Cymru Cares", "CH0000003", "Under £10k", "welsh", "Wales", "Wales", "never"),
        ("Mersey Women", "CH0000001", "£10k to £100k", "women", "North West", "North West", "10 Jun 2025"),
    ]  # fmt: skip
    north_west = page_query(con, "engagement_outreach", region="B", as_of=AS_OF)
    assert [r[1] for r in north_west] == ["CH0000001"]


def test_coverage_by_region_and_segment(con):
    """North West: 2 of 3 reached; Wales: 0 of 2. Summed: 2 of 5; Welsh organisations in Wales 0 of 2."""
    regions = page_query(con, "engagement_by_region", region=None, as_of=AS_OF)
    assert [(r[0], r[2], r[3]) for r in regions] == [("B", 3, 2), ("D", 2, 0)]
    segments = {
        r[0]: r[1:3] for r in page_query(con, "engagement_by_segment", region=None, as_of=AS_OF)
    }
    assert segments["All known organisations"] == (5, 2)
    assert segments["Small (income under £100k)"] == (4, 1)
    assert segments["Welsh organisations (Wales only)"] == (2, 0)
    assert segments["Led by and for racially minoritised people"] == (2, 1)
    assert segments["In a supply chain"] == (1, 1)


def test_coverage_trend_at_each_quarter_end(con):
    """North West reached: 1 while O1's June 2025 visit is within 12 months, 0 at June 2026, then 2."""
    rows = con.execute(
        "SELECT as_of_date, is_data_as_of, engaged FROM mart_engagement_trend "
        "WHERE region_code = 'B' AND segment = 'all' ORDER BY as_of_date"
    ).fetchall()
    assert rows == [
        (dt.date(2025, 6, 30), False, 1),
        (dt.date(2025, 9, 30), False, 1),
        (dt.date(2025, 12, 31), False, 1),
        (dt.date(2026, 3, 31), False, 1),
        (dt.date(2026, 6, 30), False, 0),
        (dt.date(2026, 9, 30), False, 2),
        (AS_OF, True, 2),
    ]
    page = page_query(con, "engagement_trend", region=None, since=dt.date(2026, 6, 1))
    assert [(r[0], r[2], r[3]) for r in page] == [
        (dt.date(2026, 6, 30), 5, 0),
        (dt.date(2026, 9, 30), 5, 2),
        (AS_OF, 5, 2),
    ]


def test_forums_per_quarter_with_the_current_one_provisional(con):
    """Forums per quarter across both regions, zero quarters included; 2026-Q4 is not finished. Beside each,
    those in the 12 months to the as-of day (from 11 November 2025): all three since then; B's June 2025 forum
    is not, and its quarter (before the period) is not listed."""
    rows = page_query(con, "engagement_forums", region=None, since=dt.date(2025, 12, 1))
    assert rows == [
        ("2025-Q4", dt.date(2025, 10, 1), 0, 0, False),
        ("2026-Q1", dt.date(2026, 1, 1), 1, 1, False),
        ("2026-Q2", dt.date(2026, 4, 1), 0, 0, False),
        ("2026-Q3", dt.date(2026, 7, 1), 1, 1, False),
        ("2026-Q4", dt.date(2026, 10, 1), 1, 1, True),
    ]


def test_forums_in_the_window_listed_even_before_the_period(con):
    """A period shorter than the coverage window still lists every quarter holding the window's forums, so
    they add up to the headline: since September 2026, D's forum of 3 February 2026 (2026-Q1) is listed."""
    rows = page_query(con, "engagement_forums", region=None, since=dt.date(2026, 9, 1))
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("2026-Q1", 1, 1),
        ("2026-Q3", 1, 1),
        ("2026-Q4", 1, 1),
    ]

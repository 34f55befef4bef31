"""Supply chains from the contract register and the re-commissioning horizon, checked against values worked
out by hand from a small warehouse built through the real ingest."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.charts.supply_chain import diversity_table, headlines
from dashboard.queries import all_queries
from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import loaded_warehouse, make_settings, snapshot
from warehouse.connection import Warehouse

UNRESTRICTED = {"allowed": None, "regions": None}  # access is tested in test_access_queries.py


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """
    The data runs up to 10 November 2026 (the one referral), so the 18-month horizon ends 10 May 2028.
    Contracts in Wales (D): PRJ_00D1 (Accommodation) led by BIGLEAD with subcontractors CYMRU and RML, ends
      25 June 2027; PRJ_00D2 (ETE) led by BIGLEAD2 with subcontractor SMALLW, ends 10 May 2028 (the last day
      of the horizon); PRJ_00D3 (Accommodation) led by PRIVCO, ends 11 May 2028 (one day after). PRJ_0001
      (North West) has no end date.
    Organisations (all serve Wales; O7 North West too):
      O1 Big Lead Wales, over £10m, provider_codes BIGLEAD, says yes: a lead.
      O2 Second Lead, £1m-£10m, the old provider_code column BIGLEAD2, says no: a lead (contradiction).
      O3 Cymru Small, £10k-£100k, Welsh, CYMRU, no answer: a subcontractor; works in Accommodation.
      O4 Minority Led, £100k-£500k, led by and for racially minoritised people, RML, says yes: subcontractor.
      O5 Never Came Housing, under £10k, Welsh, Accommodation, never came to a forum.
      O6 Came Once Jobs, under £10k, ETE, came to Wales' forum of 3 March 2026.
      O7 Never Came Jobs, £10k-£100k, ETE, came only to the North West's forum of 4 April 2026.
    SMALLW and PRIVCO are carried by no organisation.
    """
    root = tmp_path_factory.mktemp("supply_chain")
    folder = root / "in"
    wales = {"region_code": "D", "intervention_title": "Wales service", **b.NO_BANDS}
    ete = {
        "contract_type_code": "ETE",
        "service_categories": "Education, Training and Employment (ETE)",
    }
    b.write_csv(
        folder / "c.csv",
        "contracts",
        [
            b.contract(),
            b.contract(
                contract_ref="PRJ_00D1",
                lead_provider_code="BIGLEAD",
                subcontractor_codes="CYMRU;RML",
                end_date="2027-06-25",
                **wales,
            ),
            b.contract(
                contract_ref="PRJ_00D2",
                lead_provider_code="BIGLEAD2",
                subcontractor_codes="SMALLW",
                end_date="2028-05-10",
                **wales,
                **ete,
            ),
            b.contract(
                contract_ref="PRJ_00D3",
                lead_provider_code="PRIVCO",
                lead_provider_sector="private",
                end_date="2028-05-11",
                **wales,
            ),
        ],
    )
    b.write_csv(
        folder / "r.csv",
        "referrals_performance_report",
        [
            b.open_referral(
                1, "2026-11-10T10:00:00", date_intervention_to_be_completed_by="2027-03-01"
            )
        ],
    )
    d = {"regions_served": "D", "specialisms": ""}
    b.write_csv(
        folder / "o.csv",
        "organisations",
        [
            b.organisation(
                org_id="CH0000011",
                org_name="Big Lead Wales",
                income_band="over_10m",
                provider_codes="BIGLEAD",
                in_supply_chain="yes",
                **d,
            ),
            b.organisation(
                org_id="CH0000012",
                org_name="Second Lead",
                income_band="1m_10m",
                provider_code="BIGLEAD2",
                in_supply_chain="no",
                **d,
            ),
            b.organisation(
                org_id="CH0000013",
                org_name="Cymru Small",
                income_band="10k_100k",
                specialisms="welsh",
                regions_served="D",
                provider_codes="CYMRU",
                in_supply_chain="",
                service_categories="Accommodation",
            ),
            b.organisation(
                org_id="CH0000014",
                org_name="Minority Led",
                income_band="100k_500k",
                specialisms="racially_minoritised_led",
                regions_served="D",
                provider_codes="RML",
                in_supply_chain="yes",
            ),
            b.organisation(
                org_id="CH0000015",
                org_name="Never Came Housing",
                income_band="under_10k",
                specialisms="welsh",
                regions_served="D",
                service_categories="Accommodation",
            ),
            b.organisation(
                org_id="CH0000016",
                org_name="Came Once Jobs",
                income_band="under_10k",
                service_categories="Education, Training and Employment (ETE)",
                **d,
            ),
            b.organisation(
                org_id="CH0000017",
                org_name="Never Came Jobs",
                income_band="10k_100k",
                specialisms="",
                regions_served="B;D",
                service_categories="Education, Training and Employment (ETE)",
            ),
        ],
    )
    b.write_csv(
        folder / "m.csv",
        "forum_meetings",
        [
            b.meeting(meeting_id="D-2026-03", region_code="D", meeting_date="2026-03-03"),
            b.meeting(meeting_id="B-2026-04", meeting_date="2026-04-04"),
        ],
    )
    b.write_csv(
        folder / "a.csv",
        "forum_attendance",
        [
            b.attendance(meeting_id="D-2026-03", org_id="CH0000016"),
            b.attendance(meeting_id="B-2026-04", org_id="CH0000017"),
        ],
    )
    yield from loaded_warehouse(root / "data", folder)


def run(con, name: str, **params) -> pd.DataFrame:
    sql = all_queries()[name]
    given = {"region": None, "as_of": dt.date(2026, 11, 10)} | UNRESTRICTED | params
    return con.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql}).df()


def test_each_organisation_and_contract_role_comes_from_the_register(con):
    members = con.execute(
        "SELECT org_id, provider_code, contract_ref, role FROM mart_supply_chain_member ORDER BY ALL"
    ).fetchall()
    assert members == [
        ("CH0000011", "BIGLEAD", "PRJ_00D1", "lead"),
        ("CH0000012", "BIGLEAD2", "PRJ_00D2", "lead"),
        ("CH0000013", "CYMRU", "PRJ_00D1", "subcontractor"),
        ("CH0000014", "RML", "PRJ_00D1", "subcontractor"),
    ]


def test_the_derived_role_beats_the_old_column_and_the_disagreement_is_reported(con):
    roles = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT org_id, derived_role, stated_in_supply_chain, in_supply_chain, contradicts "
            "FROM mart_organisation_role"
        ).fetchall()
    }
    assert roles["CH0000011"] == ("lead", True, True, False)
    assert roles["CH0000012"] == (
        "lead",
        False,
        True,
        True,
    )  # says no, leads PRJ_00D2: register wins
    assert roles["CH0000013"] == ("subcontractor", None, True, False)  # no answer given
    assert roles["CH0000015"] == (None, False, False, False)  # no provider code: its own answer
    # Engagement coverage counts the register's answer: O1 to O4 are in a supply chain in Wales.
    coverage = {
        r[0]: r[1]
        for r in con.execute(
            "SELECT segment, organisations FROM engagement_coverage(DATE '2026-11-10') WHERE region_code = 'D'"
        ).fetchall()
    }
    assert (coverage["in_supply_chain"], coverage["not_in_supply_chain"]) == (4, 3)
    found = run(con, "supply_chain_contradictions")
    assert found.to_dict("records") == [
        {
            "org_name": "Second Lead",
            "org_id": "CH0000012",
            "stated": "no",
            "derived_role": "lead",
            "contracts_led": 1,
            "contracts_subcontracted": 0,
        }
    ]
    (count,) = run(con, "supply_chain_disagreements").organisations
    assert count == 1


# Wales by hand: known O1-O7 (7); leads O1, O2 (both over £1m); subcontractors O3 (£10k-£100k, Welsh),
# O4 (£100k-£1m, led by and for). Small: O3, O5, O6, O7. Welsh: O3, O5. SMALLW and PRIVCO unmatched.
WALES = {
    # segment: (known, leads, subcontractors, supply_chain, known %, supply chain %, lead %)
    "all": (7, 2, 2, 4, 100.0, 100.0, 100.0),
    "under_10k": (2, 0, 0, 0, 100 * 2 / 7, 0.0, 0.0),
    "10k_100k": (2, 0, 1, 1, 100 * 2 / 7, 25.0, 0.0),
    "100k_1m": (1, 0, 1, 1, 100 / 7, 25.0, 0.0),
    "over_1m": (2, 2, 0, 2, 100 * 2 / 7, 50.0, 100.0),
    "small": (4, 0, 1, 1, 100 * 4 / 7, 25.0, 0.0),
    "women": (0, 0, 0, 0, 0.0, 0.0, 0.0),
    "racially_minoritised_led": (1, 0, 1, 1, 100 / 7, 25.0, 0.0),
    "welsh": (2, 0, 1, 1, 100 * 2 / 7, 25.0, 0.0),
}


def test_diversity_in_wales_where_every_lead_is_large(con):
    rows = run(con, "supply_chain_diversity", region="D")
    got = {
        r.segment: (
            r.known,
            r.leads,
            r.subcontractors,
            r.supply_chain,
            r.known_pct,
            r.supply_chain_pct,
            r.lead_pct,
        )
        for r in rows.itertuples()
    }
    assert got.keys() == WALES.keys()
    for segment, expected in WALES.items():
        assert got[segment] == pytest.approx(expected), segment
    assert set(rows.providers_not_in_register) == {2}
    # Welsh organisations are counted in Wales only; O7 is known in the North West too.
    north_west = run(con, "supply_chain_diversity", region="B")
    assert "welsh" not in set(north_west.segment)
    assert north_west.set_index("segment").loc["all", ["known", "supply_chain"]].tolist() == [1, 0]


def test_headline_sentences_read_the_rows_of_the_table_beside_them(con):
    rows = run(con, "supply_chain_diversity", region="D")
    assert headlines(rows) == [
        "No Welsh organisation leads a contract in Wales; 1 Welsh organisation is a subcontractor.",
        "1 organisation led by and for racially minoritised people is a subcontractor; none leads a contract.",
        "No women's specialist organisation is a subcontractor; none leads a contract.",
        "57% of the 7 known organisations are small (income under £100k); 25% of the supply chain is.",
        "100% of the organisations leading contracts have income over £1m (2 of 2).",
        "2 providers in the region's supply chains are not in the organisations register (private or public "
        "bodies, or organisations not yet registered), so not counted above.",
    ]
    table = diversity_table(rows).set_index("Kind of organisation")
    small = table.loc["Small (income under £100k)"]
    assert (round(small["Share of known (%)"]), round(small["Share of the supply chain (%)"])) == (
        57,
        25,
    )
    assert table.loc["Welsh organisations (Wales only)", "Leads"] == 0


def test_sentences_for_a_region_with_no_organisation_in_its_supply_chain(con):
    """The North West: O7 (£10k-£100k) is known there; its one contract is led by ACME, carried by nobody."""
    assert headlines(run(con, "supply_chain_diversity", region="B")) == [
        "No organisation led by and for racially minoritised people is a subcontractor; none leads a contract.",
        "No women's specialist organisation is a subcontractor; none leads a contract.",
        "100% of the 1 known organisations are small (income under £100k); no organisation of the register "
        "is in the region's supply chain.",
        "No organisation of the register leads a contract in North West.",
        "1 provider in the region's supply chains is not in the organisations register (private or public "
        "bodies, or organisations not yet registered), so not counted above.",
    ]


def test_contracts_ending_within_18_months_and_not_just_after(con):
    ending = run(con, "recommissioning_contracts")
    cols = ["contract_ref", "contract_label", "months_left", "organisations_to_reach"]
    assert ending[cols].to_dict("list") == {
        "contract_ref": ["PRJ_00D1", "PRJ_00D2"],  # PRJ_00D3 ends one day after the horizon
        "contract_label": ["Wales service (PRJ_00D1)", "Wales service (PRJ_00D2)"],
        "months_left": [7, 18],
        "organisations_to_reach": [1, 1],
    }


def test_the_outreach_list_is_never_engaged_organisations_in_the_contracts_categories(con):
    outreach = run(con, "recommissioning_outreach")
    # PRJ_00D1: O3 works in Accommodation but subcontracts on it; O5 never came. PRJ_00D2: O6 came to
    # Wales' forum; O7 came only to the North West's, so Wales has never engaged it.
    cols = ["contract_ref", "contract_label", "org_name", "works_in"]
    assert outreach[cols].to_dict("records") == [
        {
            "contract_ref": "PRJ_00D1",
            "contract_label": "Wales service (PRJ_00D1)",
            "org_name": "Never Came Housing",
            "works_in": "Accommodation",
        },
        {
            "contract_ref": "PRJ_00D2",
            "contract_label": "Wales service (PRJ_00D2)",
            "org_name": "Never Came Jobs",
            "works_in": "Education, Training and Employment (ETE)",
        },
    ]
    assert run(con, "recommissioning_outreach", region="B").empty


def test_a_provider_code_not_in_the_register_is_refused_plainly(tmp_path):
    settings = make_settings(tmp_path / "data")
    b.write_csv(tmp_path / "in" / "c.csv", "contracts", [b.contract()])
    refresh(settings, [tmp_path / "in"])
    before = snapshot(settings)
    path = b.write_csv(
        tmp_path / "o.csv",
        "organisations",
        [b.organisation(provider_codes="ACME;NOPE"), b.organisation(org_id="CH1000002")],
    )
    (outcome,) = refresh(settings, [path]).files
    assert outcome.outcome == "rejected"
    assert snapshot(settings) == before
    assert (
        "Every code in 'provider_code' and 'provider_codes' must be the lead or a subcontractor of a "
        "contract in the contract register (load the register first, or correct the code). This is not "
        "so in 1 row: row 2 (found 'NOPE')."
    ) in outcome.message


def test_an_organisations_file_without_the_new_columns_still_loads(tmp_path):
    """Files made before provider_codes, service_categories existed (and in_supply_chain became optional)."""
    path = tmp_path / "in" / "o.csv"
    path.parent.mkdir()
    path.write_text(
        "org_id,org_name,income_band,specialisms,regions_served,on_dynamic_framework,in_supply_chain,"
        "provider_code\nCH1000001,Old Style,10k_100k,,B,no,yes,\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data")
    (outcome,) = refresh(settings, [path.parent]).files
    assert outcome.outcome == "loaded", outcome.message
    con = Warehouse.from_settings(settings).connect()
    try:
        assert con.execute(
            "SELECT provider_codes, service_categories, in_supply_chain FROM core_organisation"
        ).fetchall() == [(None, None, True)]
    finally:
        con.close()

"""The Supply chains page, run by Streamlit's AppTest on the demo warehouse (as of 20 November 2026)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts.supply_chain import diversity_table, headlines
from warehouse.connection import Warehouse


@pytest.fixture(scope="module")
def warehouse_sql(demo_warehouse):
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    yield lambda sql, *p: con.execute(sql, list(p)).df()
    con.close()


def test_wales_says_in_words_who_leads_and_shows_the_table_it_reads(
    demo_warehouse, page, warehouse_sql
):
    at = page("supply_chains", demo_warehouse.data_dir)
    at.sidebar.selectbox(key="f_region").set_value("D").run()
    assert not at.exception
    assert at.title[0].value == "Supply chains"
    text = " ".join(m.value for m in at.markdown)
    # The demo register has no Welsh lead in Wales (CAIS, Restorative Wales, Adferiad subcontract).
    assert "No Welsh organisation leads a contract in Wales" in text
    rows = warehouse_sql(
        "SELECT d.*, r.region_name, d.segment AS segment_name FROM mart_supply_chain_diversity d "
        "JOIN ref_region r USING (region_code) WHERE region_code = 'D'"
    )
    for sentence in headlines(rows):
        assert sentence in text
    table = at.dataframe[0].value.set_index("Kind of organisation")
    welsh = table.loc["Welsh organisations (Wales only)"]
    expected = rows.set_index("segment").loc["welsh"]
    assert (welsh["Leads"], welsh["Subcontractors"]) == (0, expected.subcontractors)
    assert list(diversity_table(rows).columns) == list(at.dataframe[0].value.columns)


def test_contracts_ending_soon_each_with_their_outreach_list(demo_warehouse, page, warehouse_sql):
    """Wales's contracts ending soon are listed by name and reference, soonest first; the picker offers
    them by the same label and keeps the reference in the URL; the outreach list of the one chosen
    names it the same way."""
    at = page("supply_chains", demo_warehouse.data_dir)
    at.sidebar.selectbox(key="f_region").set_value("D").run()
    # The label worked out from the register (title, then reference), not read from mart_contract.
    ending = warehouse_sql(
        "SELECT r.contract_ref, c.intervention_title || ' (' || r.contract_ref || ')' AS label "
        "FROM mart_recommissioning r JOIN core_contract c USING (contract_ref) "
        "WHERE r.region_code = 'D' ORDER BY r.end_date, r.contract_ref"
    )
    contracts = at.dataframe[1].value
    assert list(contracts["Contract"]) == list(ending.label)
    assert "Service" not in contracts.columns
    assert (pd.to_datetime(contracts["Ends"], format="%d %b %Y") > pd.Timestamp("2026-11-20")).all()
    picker = at.selectbox(key="recommissioning_contract")
    assert picker.options == ["All contracts ending soon", *ending.label]
    first, label = ending.contract_ref.iloc[0], ending.label.iloc[0]
    picker.set_value(first).run()
    assert at.query_params["contract"] == first
    listed = at.dataframe[2].value
    assert set(listed["Contract"]) == {label}
    assert len(listed) == contracts["Organisations to reach"].iloc[0]


def test_national_view_asks_which_region_to_describe(demo_warehouse, page):
    at = page("supply_chains", demo_warehouse.data_dir)
    assert not at.exception
    assert at.selectbox(key="supply_chain_region").options  # every region in scope


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory):
    """One contract led by ACME; Acme Housing carries ACME but says it is in no supply chain."""
    from ingest.pipeline import refresh
    from tests import builders as b
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("disagreeing")
    b.write_csv(root / "in" / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        root / "in" / "o.csv",
        "organisations",
        [b.organisation(org_name="Acme Housing", provider_codes="ACME", in_supply_chain="no")],
    )
    b.write_csv(root / "in" / "r.csv", "referrals_performance_report", [b.referral(1)])
    report = refresh(make_settings(root / "data"), [root / "in"])
    assert all(f.outcome == "loaded" for f in report.files), [f.message for f in report.files]
    return root / "data"


def test_a_disagreement_with_the_register_is_a_warning_on_data_status(disagreeing, page):
    at = page("status", disagreeing)
    assert not at.exception
    assert [w.value for w in at.warning if "Demo mode" not in w.value] == [
        "1 organisation in the organisations file says in_supply_chain is yes or no, but the contract "
        "register says otherwise for the provider codes given. The register's answer is used. The Supply "
        "chains page lists them; correct the organisations file or the register."
    ]


def test_the_supply_chains_page_lists_the_disagreement(disagreeing, page):
    at = page("supply_chains", disagreeing)
    assert not at.exception
    listed = at.dataframe[1].value
    assert listed.to_dict("records") == [
        {
            "Organisation": "Acme Housing",
            "Id": "CH1000001",
            "Says it is in a supply chain": "no",
            "Register says": "a lead",
            "Contracts it leads": 1,
            "Contracts it subcontracts on": 0,
        }
    ]
    text = " ".join(m.value for m in at.markdown)
    assert "100% of the organisations leading contracts have income over £1m" not in text
    assert "0% of the organisations leading contracts have income over £1m (0 of 1)." in text

"""Supply chains: who leads and who subcontracts in a region, against the organisations known there, and the
contracts ending soon with the organisations to reach before they are let again.
Queries in dashboard/queries/supply_chain.py; measures in warehouse/sql/065, 105 and 106."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, scope, urlstate
from dashboard.charts.supply_chain import (
    contradictions_table,
    diversity_table,
    ending_table,
    headlines,
    outreach_table,
    share_bars,
)
from dashboard.glossary import term
from dashboard.layout import begin, chart_with_table, csv_download, figure, note
from warehouse.settings import Settings

HORIZON_MONTHS = 18  # as in warehouse/sql/106_recommissioning.sql
ALL_CONTRACTS = "All contracts ending soon"
# The page's own choices in the URL (beyond the filters): the region shown, the contract ending soon.
URL_PARAMS = ("shown", "contract")


def render(settings: Settings) -> None:
    page = begin("Supply chains", settings)
    if page is None:
        return
    version, chosen, as_of = page.version, page.scope, page.as_of
    params = {"region": chosen.region}
    where = scope.describe(scope.Scope(region=chosen.region), version)
    note(
        f"{where}. Roles come from the contract register: an organisation is a lead or a subcontractor when "
        "a provider code it carries is one on a contract of the region. Only the region filter applies here."
    )
    diversity = data.query(version, "supply_chain_diversity", **params)
    st.header("Who leads and who subcontracts", help=term("Supply-chain diversity").help())
    if diversity.empty:
        st.info(
            f"No organisation or contract is registered in {where} yet. Load the contract register and the "
            "organisations file (docs/data-contracts.md)."
        )
    else:
        names = list(dict.fromkeys(diversity.region_name))
        if len(names) == 1:
            region = names[0]
        else:
            urlstate.from_url("shown", "supply_chain_region", names, "a region")
            urlstate.show_notices()
            region = st.selectbox("Region shown", names, key="supply_chain_region")
            urlstate.to_url("shown", None if region == names[0] else region)
        rows = diversity[diversity.region_name == region]
        st.markdown("\n".join(f"- {s}" for s in headlines(rows)))
        table = diversity_table(rows)
        chart_with_table(
            share_bars(table),
            table,
            "supply-chain-diversity.csv",
            caption=f"Share of known organisations and of the supply chain, by kind, in {region}",
        )
        note(
            "Kinds overlap: 'Small' is the first two income bands together, and an organisation can be small "
            "and women's specialist. Welsh organisations are counted in Wales only. An organisation that "
            "leads any of the region's contracts counts as a lead there, even if it also subcontracts."
        )
    contradictions(version, params)
    horizon(version, params, as_of, where)


def contradictions(version, params: dict) -> None:
    found = data.query(version, "supply_chain_contradictions", **params)
    if found.empty:
        return
    st.header("Answers that disagree with the contract register")
    note(
        "These organisations' own in_supply_chain answer differs from what the contract register says for "
        "their provider codes. The register's answer is used everywhere in this service."
    )
    shown = contradictions_table(found)
    st.dataframe(shown, hide_index=True, width="stretch")
    csv_download(shown, "supply-chain-disagreements.csv")


def horizon(version, params: dict, as_of, where: str) -> None:
    st.header(
        "Contracts ending in the next 18 months", help=term("Re-commissioning horizon").help()
    )
    contracts = data.query(version, "recommissioning_contracts", **params)
    if contracts.empty:
        st.info(
            f"No contract in {where} ends in the {HORIZON_MONTHS} months after {as_of:%d %B %Y}, the day the "
            "data runs up to (contracts with no end date in the register are not counted)."
        )
        return
    outreach = data.query(version, "recommissioning_outreach", **params)
    one, two, three = st.columns(3)
    with one:
        figure("Contracts ending soon", f"{len(contracts):,}", "Re-commissioning horizon")
    with two:
        figure(
            "Organisations to reach first",
            f"{outreach.org_id.nunique():,}",
            "Organisations to reach before re-commissioning",
        )
    with three:
        first = contracts.iloc[0]
        figure(
            "Next to end", f"{pd.Timestamp(first.end_date):%d %b %Y}", "Re-commissioning horizon"
        )
    note(
        f"Contracts whose end date in the register falls after {as_of:%d %B %Y} and no more than "
        f"{HORIZON_MONTHS} months later. Beside each, the organisations known in its region that have never "
        "come to one of the region's forums, work in one of its service categories and are not already in "
        "its supply chain: the outreach list before the next competition."
    )
    table = ending_table(contracts)
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "contracts-ending-soon.csv")

    st.subheader("Outreach list before re-commissioning")
    labels = dict(zip(contracts.contract_ref, contracts.contract_label, strict=True))
    urlstate.from_url("contract", "recommissioning_contract", labels, "a contract")
    urlstate.show_notices()
    pick = st.selectbox(
        "Contract",
        [ALL_CONTRACTS, *labels],
        key="recommissioning_contract",
        format_func=lambda c: labels.get(c, c),
    )
    urlstate.to_url("contract", None if pick == ALL_CONTRACTS else pick)
    shown = outreach if pick == ALL_CONTRACTS else outreach[outreach.contract_ref == pick]
    if shown.empty:
        st.success(
            "Every organisation known in the region that works in these service categories has come to a "
            "forum or is already in the supply chain."
        )
        return
    listed = outreach_table(shown)
    st.dataframe(listed, hide_index=True, width="stretch")
    csv_download(listed, "recommissioning-outreach.csv")

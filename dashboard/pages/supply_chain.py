"""Supply chains: who leads and who subcontracts in a region, against the organisations known there, and the
contracts ending soon with the organisations to reach before they are let again.
Queries in dashboard/queries/supply_chain.py; measures in warehouse/sql/065, 105 and 106."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, scope, urlstate
from dashboard.charts import OKABE_ITO, bar_axis, bar_height, fit_width, wrap_label
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
    shown = pd.DataFrame(
        {
            "Organisation": found.org_name,
            "Id": found.org_id,
            "Says it is in a supply chain": found.stated,
            "Register says": found.derived_role.map(ROLE_WORDS),
            "Contracts it leads": found.contracts_led,
            "Contracts it subcontracts on": found.contracts_subcontracted,
        }
    )
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
    table = pd.DataFrame(
        {
            "Contract": contracts.contract_ref,
            "Service": contracts.intervention_title,
            "Lot": contracts.lot,
            "Lead provider": contracts.lead_provider_name,
            "Ends": pd.to_datetime(contracts.end_date).dt.strftime("%d %b %Y"),
            "Months left": contracts.months_left,
            "Service categories": contracts.service_categories,
            "Organisations to reach": contracts.organisations_to_reach,
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "contracts-ending-soon.csv")

    st.subheader("Outreach list before re-commissioning")
    urlstate.from_url(
        "contract", "recommissioning_contract", list(contracts.contract_ref), "a contract"
    )
    urlstate.show_notices()
    pick = st.selectbox(
        "Contract", [ALL_CONTRACTS, *contracts.contract_ref], key="recommissioning_contract"
    )
    urlstate.to_url("contract", None if pick == ALL_CONTRACTS else pick)
    shown = outreach if pick == ALL_CONTRACTS else outreach[outreach.contract_ref == pick]
    if shown.empty:
        st.success(
            "Every organisation known in the region that works in these service categories has come to a "
            "forum or is already in the supply chain."
        )
        return
    listed = pd.DataFrame(
        {
            "Contract": shown.contract_ref,
            "Organisation": shown.org_name,
            "Id": shown.org_id,
            "Income": shown.income_band,
            "Specialisms": shown.specialisms,
            "On the Dynamic Framework": shown.on_dynamic_framework,
            "Works in": shown.works_in,
        }
    )
    st.dataframe(listed, hide_index=True, width="stretch")
    csv_download(listed, "recommissioning-outreach.csv")


ROLE_WORDS = {"lead": "a lead", "subcontractor": "a subcontractor", "none": "in no supply chain"}


# ---- DataFrame -> text and chart (no Streamlit below) -----------------------------------------------


def _n(count: int, one: str, many: str) -> str:
    """'1 organisation is', '3 organisations are', 'No organisation is'."""
    count = int(count)
    return f"{'No' if count == 0 else count} {one if count <= 1 else many}"


def _pct(value) -> str:
    return "–" if pd.isna(value) else f"{value:.0f}%"


def headlines(rows: pd.DataFrame) -> list[str]:
    """Plain sentences for one region, each read from that region's rows of mart_supply_chain_diversity
    (the rows the table beside them shows): no figure is worked out twice."""
    by = rows.set_index("segment")
    region = rows.region_name.iloc[0]
    out = []
    if "welsh" in by.index:
        w = by.loc["welsh"]
        lead = (
            f"No Welsh organisation leads a contract in {region}"
            if w.leads == 0
            else f"{_n(w.leads, 'Welsh organisation leads', 'Welsh organisations lead')} a contract in {region}"
        )
        out.append(
            f"{lead}; {_n(w.subcontractors, 'Welsh organisation is a subcontractor', 'Welsh organisations are subcontractors')}."
        )
    for segment, one, many in (
        (
            "racially_minoritised_led",
            "organisation led by and for racially minoritised people",
            "organisations led by and for racially minoritised people",
        ),
        ("women", "women's specialist organisation", "women's specialist organisations"),
    ):
        s = by.loc[segment]
        leads = int(s.leads)
        out.append(
            f"{_n(s.subcontractors, one + ' is a subcontractor', many + ' are subcontractors')}; "
            + (
                "none leads a contract."
                if leads == 0
                else f"{leads} lead{'s' if leads == 1 else ''} a contract."
            )
        )
    small, all_, big = by.loc["small"], by.loc["all"], by.loc["over_1m"]
    if all_.known == 0:
        out.append(f"No organisation in the organisations register works in {region}.")
    else:
        out.append(
            f"{_pct(small.known_pct)} of the {int(all_.known):,} known organisations are small (income "
            "under £100k); "
            + (
                f"{_pct(small.supply_chain_pct)} of the supply chain is."
                if all_.supply_chain
                else "no organisation of the register is in the region's supply chain."
            )
        )
    if all_.leads:
        out.append(
            f"{_pct(big.lead_pct)} of the organisations leading contracts have income over £1m "
            f"({int(big.leads)} of {int(all_.leads)})."
        )
    else:
        out.append(f"No organisation of the register leads a contract in {region}.")
    missing = int(all_.providers_not_in_register)
    if missing:
        out.append(
            f"{_n(missing, 'provider', 'providers')} in the region's supply chains "
            f"{'is' if missing == 1 else 'are'} not in the organisations register (private or public bodies, "
            "or organisations not yet registered), so not counted above."
        )
    return out


def diversity_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Kind of organisation": rows.segment_name,
            "Known in the region": rows.known,
            "Leads": rows.leads,
            "Subcontractors": rows.subcontractors,
            "In the supply chain": rows.supply_chain,
            "Share of known (%)": rows.known_pct.round(1),
            "Share of the supply chain (%)": rows.supply_chain_pct.round(1),
            "Share of leads (%)": rows.lead_pct.round(1),
        }
    )


SERIES = ["Share of known (%)", "Share of the supply chain (%)"]
SERIES_WORDS = {SERIES[0]: "known", SERIES[1]: "supply chain"}


def share_bars(table: pd.DataFrame) -> alt.Chart:
    """Per kind of organisation, two bars: its share of known organisations and of the supply chain. Each
    bar is labelled with its series and value, so the two are told apart without colour."""
    kinds = [k for k in table["Kind of organisation"] if k != "All organisations"]
    long = table[table["Kind of organisation"] != "All organisations"].melt(
        id_vars=["Kind of organisation"], value_vars=SERIES, var_name="Measure", value_name="Share"
    )
    long["Label"] = (
        long["Measure"].map(SERIES_WORDS)
        + " "
        + long["Share"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}%")
    )
    long["_label"] = long["Kind of organisation"].map(wrap_label)
    base = alt.Chart(long).encode(
        y=bar_axis("_label", [wrap_label(k) for k in kinds]),
        yOffset=alt.YOffset("Measure:N", sort=SERIES),
        # room past 100 for the value labels, but no tick past 100: a share never exceeds it
        x=alt.X(
            "Share:Q",
            title="Share (%)",
            scale=alt.Scale(domain=[0, 115]),
            axis=alt.Axis(values=list(range(0, 101, 10))),
        ),
        tooltip=[
            alt.Tooltip("Kind of organisation:N"),
            alt.Tooltip("Measure:N"),
            alt.Tooltip("Share:Q", format=".0f"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "Measure:N",
            scale=alt.Scale(domain=SERIES, range=OKABE_ITO[:2]),
            title=None,
            legend=alt.Legend(orient="bottom", labelLimit=300),
        )
    )
    text = base.mark_text(align="left", dx=3).encode(text="Label:N")
    return fit_width(bars + text).properties(height=max(160, 40 * len(kinds), bar_height(kinds)))

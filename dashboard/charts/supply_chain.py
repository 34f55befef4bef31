"""Supply chains, the pure half: query rows -> the sentences, tables and the shares chart the page shows.
No Streamlit here (dashboard/pages/supply_chain.py draws them); tests/unit/test_charts_supply_chain.py
checks each on three rows."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import (
    OKABE_ITO,
    ORDER,
    Drawing,
    bar_axis,
    bar_height,
    fit_width,
    in_order,
    in_position,
    named,
    shown_as,
    wrap_label,
)


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
    shares = ("known_pct", "supply_chain_pct", "lead_pct")
    return shown_as(
        rows.assign(**{share: rows[share].round(1) for share in shares}),
        {
            "segment_name": "Kind of organisation",
            "known": "Known in the region",
            "leads": "Leads",
            "subcontractors": "Subcontractors",
            "supply_chain": "In the supply chain",
            "known_pct": "Share of known (%)",
            "supply_chain_pct": "Share of the supply chain (%)",
            "lead_pct": "Share of leads (%)",
        },
    )


SERIES = ["Share of known (%)", "Share of the supply chain (%)"]
SERIES_WORDS = {SERIES[0]: "known", SERIES[1]: "supply chain"}


def share_bars(table: pd.DataFrame) -> Drawing:
    """Per kind of organisation, two bars: its share of known organisations and of the supply chain. Each
    bar is labelled with its series and value, so the two are told apart without colour."""
    kinds = in_position(table[table["Kind of organisation"] != "All organisations"])
    long = kinds.melt(
        id_vars=["Kind of organisation", ORDER],
        value_vars=SERIES,
        var_name="Measure",
        value_name="Share",
    )
    long["Label"] = long["Measure"].map(SERIES_WORDS) + " " + long["Share"].map(_pct)
    long["_label"] = long["Kind of organisation"].map(wrap_label)
    names = kinds["Kind of organisation"]
    return Drawing(_share_bars, {"shares": long}, (max(160, 40 * len(names), bar_height(names)),))


def _share_bars(height: int) -> alt.LayerChart:
    base = alt.Chart(named("shares")).encode(
        y=bar_axis("_label", in_order()),
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
    return fit_width(bars + text).properties(height=height)


ROLE_WORDS = {"lead": "a lead", "subcontractor": "a subcontractor", "none": "in no supply chain"}


def contradictions_table(found: pd.DataFrame) -> pd.DataFrame:
    """The organisations whose own in_supply_chain answer differs from the contract register's."""
    return shown_as(
        found.assign(derived_role=found.derived_role.map(ROLE_WORDS)),
        {
            "org_name": "Organisation",
            "org_id": "Id",
            "stated": "Says it is in a supply chain",
            "derived_role": "Register says",
            "contracts_led": "Contracts it leads",
            "contracts_subcontracted": "Contracts it subcontracts on",
        },
    )


def ending_table(contracts: pd.DataFrame) -> pd.DataFrame:
    """The contracts ending within the horizon (by name and reference, mart_contract.contract_label), each
    with how many organisations to reach first."""
    return shown_as(
        contracts.assign(end_date=pd.to_datetime(contracts.end_date).dt.strftime("%d %b %Y")),
        {
            "contract_label": "Contract",
            "lot": "Lot",
            "lead_provider_name": "Lead provider",
            "end_date": "Ends",
            "months_left": "Months left",
            "service_categories": "Service categories",
            "organisations_to_reach": "Organisations to reach",
        },
    )


def outreach_table(outreach: pd.DataFrame) -> pd.DataFrame:
    """The organisations to reach before each contract (by its label) is let again: one row per contract and
    organisation."""
    return shown_as(
        outreach,
        {
            "contract_label": "Contract",
            "org_name": "Organisation",
            "org_id": "Id",
            "income_band": "Income",
            "specialisms": "Specialisms",
            "on_dynamic_framework": "On the Dynamic Framework",
            "works_in": "Works in",
        },
    )

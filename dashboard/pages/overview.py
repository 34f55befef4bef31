"""Overview: headline figures for the chosen scope, a tile map of the 12 regions, and the contracts
that most need attention, with plain reasons."""

from __future__ import annotations

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from dashboard import data, scope
from dashboard.charts import fit_width
from dashboard.layout import begin, chart_with_table, csv_download, figure, note, percent, pounds
from dashboard.text import md
from warehouse.connection import Version
from warehouse.settings import Settings

# Tile positions (column, row) of the 12 probation regions, laid out roughly as on a map.
TILES = {
    "B": (0, 0, "North West"),
    "L": (1, 0, "Greater\nManchester"),
    "C": (2, 0, "Yorkshire and\nthe Humber"),
    "A": (3, 0, "North East"),
    "D": (0, 1, "Wales"),
    "E": (1, 1, "West\nMidlands"),
    "F": (2, 1, "East\nMidlands"),
    "I": (3, 1, "East of\nEngland"),
    "G": (0, 2, "South West"),
    "H": (1, 2, "South\nCentral"),
    "J": (2, 2, "London"),
    "K": (3, 2, "Kent, Surrey\nand Sussex"),
}
ATTENTION_ROWS = 15


def render(settings: Settings) -> None:
    page = begin("Overview", settings)
    if page is None:
        return
    version, chosen, since, params = page.version, page.scope, page.since, page.params
    head = data.query(version, "overview_headline", **params).iloc[0]
    where = md(scope.describe(chosen, version))  # shown in Markdown
    if head.contracts == 0:
        st.info(
            f"No contracts match these filters ({where}) in the period shown. Choose another region, "
            "PCC area, lot or lead provider in the sidebar, or a longer period."
        )
        return
    provisional = pd.Timestamp(head.provisional_month)
    note(
        f"{where}, {since:%b %Y} to {provisional:%b %Y}. {provisional:%b %Y} is provisional: its data runs "
        f"to {page.as_of:%d %b %Y} and its forecast counts only the days up to then."
    )
    _headline(head, _previous_headline(version, params))
    st.header("Volume against forecast by region")
    regions = data.query(version, "overview_regions", **params)
    mine = scope.visible_regions(version)
    table = region_table(regions if mine is None else regions[regions.region_code.isin(mine)])
    chart_with_table(
        region_tiles(table),
        table,
        "regions-volume-gap.csv",
        caption=f"Volume gap by region, {since:%b %Y} to {provisional:%b %Y}",
    )
    note(
        "Blue: fewer referrals than forecast; orange: more. Each tile also shows its gap in figures."
    )
    st.header("Contracts needing attention")
    attention = data.query(version, "overview_attention", **params)
    if attention.empty:
        st.success("No contract in scope has a reason for attention at the moment.")
        return
    note(
        f"{len(attention)} contracts in scope have at least one reason; the {min(ATTENTION_ROWS, len(attention))} "
        "with the highest attention score are listed. The score adds the volume gap % (when beyond 20% "
        "either way over the last 3 complete months), the quarter's shortfall as a % of a quarter's contract "
        "value, and referrals above the cap as a % of the cap. See the Glossary: Attention score."
    )
    shown = attention_table(attention.head(ATTENTION_ROWS))
    st.dataframe(shown, hide_index=True, width="stretch")
    csv_download(shown, "contracts-needing-attention.csv")


def _headline(head: pd.Series, before: pd.Series | None) -> None:
    def delta(field: str, fmt) -> str | None:
        if before is None or pd.isna(before[field]) or pd.isna(head[field]):
            return None
        change = head[field] - before[field]
        return None if change == 0 else fmt(change)

    def count(change) -> str:
        return f"{change:+,.0f} since the last version"

    def pct_points(change) -> str:
        return f"{change:+.0f} points since the last version"

    def money(change) -> str:
        return f"{'+' if change > 0 else '−'}{pounds(abs(change))} since the last version"

    last3 = f"{pd.Timestamp(head.last3_start):%b}–{pd.Timestamp(head.last_complete_month):%b %Y}"
    cols = list(st.columns(3))
    with cols[0]:
        figure(
            "Referrals received",
            f"{head.received:,.0f}",
            "Referrals received",
            delta(
                "received",
                count,
            ),
            "off",
        )
    with cols[1]:
        figure("Forecast", f"{head.forecast:,.0f}", "Forecast", delta("forecast", count), "off")
    with cols[2]:
        figure(
            "Volume gap",
            percent(head.gap_pct, signed=True),
            "Volume gap",
            delta("gap_pct", pct_points),
            "normal",
        )
    cols = list(st.columns(4))
    with cols[0]:
        figure(
            "Contracts in scope",
            f"{head.contracts:,}",
            "Contracts in scope",
            delta("contracts", count),
            "off",
        )
    with cols[1]:
        figure(
            f"Over {-head.well_below_pct:.0f}% below ({last3})",
            f"{head.contracts_below:,}",
            "Contracts well below forecast",
            delta("contracts_below", count),
            "inverse",
        )
    # The Subsidy page's own headline: its latest complete quarter, the same count ("being subsidised").
    subsidy_quarter = head.subsidy_quarter if pd.notna(head.subsidy_quarter) else None
    within = f" ({subsidy_quarter})" if subsidy_quarter else ""
    with cols[2]:
        figure(
            f"Contracts being subsidised{within}",
            f"{head.contracts_subsidised:,}" if subsidy_quarter else "–",
            "Subsidised",
            delta("contracts_subsidised", count),
            "inverse",
        )
    with cols[3]:
        figure(
            f"Shortfall{within}",
            pounds(float(head.shortfall_gbp)) if subsidy_quarter else "–",
            "Shortfall",
            delta("shortfall_gbp", money),
            "inverse",
        )


def _previous_headline(version: Version, params: dict) -> pd.Series | None:
    """The same headline over the previous version's rows, stored in this version at publish, or None (the
    first version; one built from a version without these measures, whose stored rows are empty; or one
    published before they were stored, or whose previous measures had other columns)."""
    try:
        frame = data.query(version, "overview_previous_headline", **params)
    except duckdb.Error:
        return None
    return None if frame.empty or frame.iloc[0].contracts == 0 else frame.iloc[0]


# -- DataFrame -> table or chart (no Streamlit below) ------------------------------------------------


def region_table(regions: pd.DataFrame) -> pd.DataFrame:
    """The tile grid's text equivalent: one row per region, in map order (north-west to south-east)."""
    has_contracts = regions.contracts > 0
    frame = pd.DataFrame(
        {
            "Region code": regions.region_code,
            "Region": regions.region_name,
            "Contracts": regions.contracts.astype(int),
            "Received": regions.received.round(0).astype(int),
            "Forecast": regions.forecast.round(0).astype("Int64"),
            "Gap %": regions.gap_pct.round(0).astype("Int64"),
            "Provisional": (regions.has_provisional & has_contracts).map(
                {True: "yes", False: "no"}
            ),
        }
    )
    order = frame["Region code"].map(lambda c: (TILES[c][1], TILES[c][0]))
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def region_tiles(table: pd.DataFrame) -> alt.Chart:
    """A 4 × 3 grid of regions, each coloured by its gap % on a colour-blind-safe diverging scale (blue
    below forecast, orange above) and labelled with its name and gap in figures: colour is never needed."""
    code = table["Region code"]
    gap = table["Gap %"].astype("float")
    frame = table.assign(
        col=code.map(lambda c: TILES[c][0]),
        row=code.map(lambda c: TILES[c][1]),
        label=code.map(lambda c: TILES[c][2]),
        gap_text=[
            "no contracts" if n == 0 else ("no forecast" if pd.isna(g) else f"{g:+.0f}%")
            for n, g in zip(table.Contracts, gap, strict=True)
        ],
        gap=gap,
        dark=gap.abs() > 35,
    )
    base = alt.Chart(frame).encode(x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None))
    tooltip = [
        alt.Tooltip("Region:N"),
        alt.Tooltip("Contracts:Q"),
        alt.Tooltip("Received:Q", format=",.0f"),
        alt.Tooltip("Forecast:Q", format=",.0f"),
        alt.Tooltip("gap_text:N", title="Gap"),
        alt.Tooltip("Provisional:N"),
    ]
    tiles = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=alt.condition(
            "isValid(datum.gap)",
            alt.Color(
                "gap:Q",
                title="Gap %",
                scale=alt.Scale(scheme="blueorange", domain=[-60, 60], domainMid=0, clamp=True),
            ),
            alt.value("#e0e0e0"),
        ),
        tooltip=tooltip,
    )
    text_colour = alt.condition("datum.dark", alt.value("white"), alt.value("black"))
    name = base.mark_text(baseline="top", dy=-28, fontSize=12, lineBreak="\n").encode(
        text="label:N", color=text_colour, tooltip=tooltip
    )
    figure_text = base.mark_text(baseline="top", dy=6, fontSize=16, fontWeight="bold").encode(
        text="gap_text:N", color=text_colour, tooltip=tooltip
    )
    # Each row of tiles 110 px high (at least 160 px, to hold the legend): a user's one region is one tile.
    return fit_width(tiles + name + figure_text).properties(
        height=max(160, 110 * frame.row.nunique())
    )


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Contract": attention.contract_label,
            "Region": attention.region_name,
            "Lot": attention.lot,
            "Lead provider": attention.lead_provider_name,
            "Score": attention.score,
            "Why": attention.reasons.str.capitalize(),
        }
    )

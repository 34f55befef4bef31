"""Overview: headline figures for the chosen scope, a tile map of the 12 regions, and the contracts
that most need attention, with plain reasons."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, scope
from dashboard.charts.overview import attention_table, region_table, region_tiles
from dashboard.layout import begin, chart_with_table, csv_download, figure, note, percent, pounds
from dashboard.text import md
from warehouse.connection import Version
from warehouse.settings import Settings

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
    first version; one built from a version without these measures, or with other columns, whose
    stored rows are empty; or one published by older code, before they were stored)."""
    frame = data.query_unless_older(version, "overview_previous_headline", **params)
    if frame is None or frame.empty or frame.iloc[0].contracts == 0:
        return None
    return frame.iloc[0]

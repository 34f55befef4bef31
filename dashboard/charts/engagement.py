"""Engagement coverage, the pure half: query rows -> the page's tables and Altair charts. No Streamlit
here (dashboard/pages/engagement.py draws them); tests/unit/test_charts_engagement.py checks each on
three rows."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from dashboard.charts import (
    OKABE_ITO,
    Drawing,
    bar_axis,
    bar_height,
    fit_width,
    in_order,
    named,
    ranked_bars,
    wrap_label,
)


def region_table(regions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Region": regions.region_name,
            "Known organisations": regions.organisations,
            "Reached": regions.engaged,
            "Coverage (%)": regions.coverage_pct.round(1),
        }
    )


def segment_table(rows: pd.DataFrame) -> pd.DataFrame:
    segments = pd.DataFrame(
        rows.rename(
            columns={
                "segment_name": "Kind of organisation",
                "organisations": "Known organisations",
                "engaged": "Reached",
                "coverage_pct": "Coverage (%)",
            }
        )
    )
    segments["Coverage (%)"] = segments["Coverage (%)"].round(1)
    return segments


def forum_table(forums: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Quarter": forums.quarter,
            "Forums held": forums.forums,
            f"Of which in the 12 months to {as_of:%d %b %Y}": forums.forums_in_window,
            "Provisional": forums.is_provisional.map(
                {True: "yes (quarter not finished)", False: "no"}
            ),
        }
    )


def outreach_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Organisation": frame.org_name,
            "Id": frame.org_id,
            "Income": frame.income_band,
            "Specialisms": frame.specialisms,
            "Regions it works in": frame.regions_served,
            "Not reached in": frame.not_reached_in,
            "Last came to a forum": frame.last_attended,
        }
    )


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "12 months to": trend.as_of_date.dt.strftime("%d %b %Y"),
            "Date": trend.as_of_date.dt.strftime("%Y-%m-%d"),
            "Known organisations": trend.organisations,
            "Reached": trend.engaged,
            "Coverage (%)": trend.coverage_pct.round(1),
        }
    )


def coverage_bars(by_region: pd.DataFrame) -> Drawing:
    """Coverage per region, largest first."""
    return ranked_bars(by_region, label="Region", value="Coverage (%)", value_title="Coverage (%)")


# A chart of bars is at least this tall (px), so that a single bar does not squash its axis and legend.
MIN_BARS_HEIGHT = 120


def segment_bars(frame: pd.DataFrame) -> Drawing:
    """Coverage per kind of organisation, in a fixed order, each bar labelled 'n of m'."""
    shown = frame.assign(
        Label=frame["Reached"].astype(str) + " of " + frame["Known organisations"].astype(str),
        _label=frame["Kind of organisation"].map(wrap_label),
    )
    height = max(MIN_BARS_HEIGHT, bar_height(frame["Kind of organisation"]))
    return Drawing(_segment_bars, {"segments": shown}, (height,))


def _segment_bars(height: int) -> alt.LayerChart:
    base = alt.Chart(named("segments")).encode(
        y=bar_axis("_label", in_order()),
        x=alt.X("Coverage (%):Q", scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            alt.Tooltip("Kind of organisation:N"),
            alt.Tooltip("Label:N", title="Reached"),
            alt.Tooltip("Coverage (%):Q", format=".0f"),
        ],
    )
    bars = base.mark_bar(color=OKABE_ITO[2])
    text = base.mark_text(align="left", dx=3).encode(text="Label:N")
    return fit_width(bars + text).properties(height=height)


def trend_line(frame: pd.DataFrame) -> Drawing:
    """Coverage at each quarter end, one line with labelled points."""
    return Drawing(_trend_line, {"trend": frame})


def _trend_line() -> alt.LayerChart:
    base = alt.Chart(named("trend")).encode(
        x=alt.X("Date:T", title="12 months to", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("Coverage (%):Q", scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            alt.Tooltip("12 months to:N"),
            alt.Tooltip("Reached:Q"),
            alt.Tooltip("Known organisations:Q"),
            alt.Tooltip("Coverage (%):Q", format=".0f"),
        ],
    )
    line = base.mark_line(color=OKABE_ITO[0])
    points = base.mark_point(filled=True, size=60, color=OKABE_ITO[0])
    return fit_width(line + points).properties(height=280)


def forum_bars(frame: pd.DataFrame) -> Drawing:
    """Forums per quarter; the unfinished quarter is a hollow bar labelled 'so far'."""
    shown = frame.assign(
        Label=frame["Forums held"].astype(str)
        + frame["Provisional"].map(lambda p: " so far" if p.startswith("yes") else "")
    )
    return Drawing(_forum_bars, {"forums": shown})


def _forum_bars() -> alt.LayerChart:
    base = alt.Chart(named("forums")).encode(
        x=alt.X("Quarter:O", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Forums held:Q", axis=alt.Axis(tickMinStep=1)),
        tooltip=[
            alt.Tooltip("Quarter:O"),
            alt.Tooltip("Forums held:Q"),
            alt.Tooltip("Provisional:N"),
        ],
    )
    bars = base.mark_bar(stroke=OKABE_ITO[0], strokeWidth=2).encode(
        fill=alt.condition(
            "indexof(datum.Provisional, 'yes') == 0", alt.value("white"), alt.value(OKABE_ITO[0])
        )
    )
    text = base.mark_text(dy=-6).encode(text="Label:N")
    return fit_width(bars + text).properties(height=260)

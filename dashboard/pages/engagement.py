"""Engagement coverage: which voluntary organisations the RPD's forums reach, and who to reach next.
Queries in dashboard/queries/engagement.py."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, scope
from dashboard.charts import OKABE_ITO, bar_axis, bar_height, fit_width, ranked_bars, wrap_label
from dashboard.layout import begin, chart_with_table, csv_download, figure, note, percent
from dashboard.text import md
from warehouse.settings import Settings


def render(settings: Settings) -> None:
    page = begin("Engagement coverage", settings)
    if page is None:
        return
    version, chosen, as_of = page.version, page.scope, page.as_of
    params = {"region": chosen.region, "as_of": as_of, "since": page.since}
    where = md(scope.describe(scope.Scope(region=chosen.region), version))  # in Markdown
    note(
        f"{where}. Organisations belong to regions, not contracts: the region filter applies here, "
        "the PCC area, lot and lead provider filters do not."
    )
    regions = data.query(version, "engagement_by_region", **params)
    if regions.empty:
        st.info(
            f"No voluntary organisations are registered as working in {where} yet, so coverage cannot be "
            "worked out. Load the RPD team's register of organisations (the organisations file in "
            "docs/data-contracts.md), with its forum meetings and attendance."
        )
        return
    forums = data.query(version, "engagement_forums", **params)
    outreach = _outreach_table(data.query(version, "engagement_outreach", **params))
    # Every figure below counts an organisation once in each region it works in (the unit of the coverage
    # measure), over the 12 months to the as-of day: reached + to reach = known, row for row.
    known, reached = int(regions.organisations.sum()), int(regions.engaged.sum())
    held = int(forums.forums_in_window.sum())
    note(
        f"Coverage, organisations reached and to reach, and forums held all look back over the 12 months to "
        f"{as_of:%d %B %Y}, the day the data runs up to. Organisations are counted once in each region they "
        "work in: one working in two regions counts twice, and can be listed twice for outreach."
    )
    one, two, three, four = st.columns(4)
    with one:
        figure("Coverage", percent(100 * reached / known), "Engagement coverage")
    with two:
        figure("Organisations reached", f"{reached:,} of {known:,}", "Organisations reached")
    with three:
        figure("Organisations to reach", f"{len(outreach):,}", "Organisations to reach")
    with four:
        figure(f"Forums held, 12 months to {as_of:%d %b %Y}", f"{held:,}", "Forums held")
    if not held:
        st.warning(
            f"No RPD forum in {where} has been recorded in the 12 months to {as_of:%d %B %Y}. Load the "
            "forum_meetings and forum_attendance files (docs/data-contracts.md) to show who came."
        )

    if chosen.region is None:
        st.header("Coverage by region")
        by_region = pd.DataFrame(
            {
                "Region": regions.region_name,
                "Known organisations": regions.organisations,
                "Reached": regions.engaged,
                "Coverage (%)": regions.coverage_pct.round(1),
            }
        )
        chart_with_table(
            fit_width(
                ranked_bars(
                    by_region, label="Region", value="Coverage (%)", value_title="Coverage (%)"
                )
            ),
            by_region,
            "coverage-by-region.csv",
            caption="Share of known voluntary organisations that came to a forum in the last 12 months",
        )

    st.header("Coverage by kind of organisation")
    note(
        "Kinds overlap: an organisation can be small and women's specialist. One working in two regions "
        "counts in each."
    )
    segments = pd.DataFrame(
        data.query(version, "engagement_by_segment", **params).rename(
            columns={
                "segment_name": "Kind of organisation",
                "organisations": "Known organisations",
                "engaged": "Reached",
                "coverage_pct": "Coverage (%)",
            }
        )
    )
    segments["Coverage (%)"] = segments["Coverage (%)"].round(1)
    chart_with_table(
        segment_bars(segments),
        segments,
        "coverage-by-kind.csv",
        caption="Share of each kind of organisation reached by a forum in the last 12 months",
    )

    st.header("Coverage over time")
    trend = _trend_table(data.query(version, "engagement_trend", **params))
    if trend.empty:
        st.info("No forum has been recorded yet, so there is no coverage to follow over time.")
    else:
        chart_with_table(
            trend_line(trend),
            trend,
            "coverage-over-time.csv",
            caption="Coverage at the end of each quarter, each looking back 12 months",
        )
        note(
            "Every point uses today's register of organisations: the register keeps no history of when "
            "an organisation became known."
        )

    st.header("Forums held per quarter")
    per_quarter = pd.DataFrame(
        {
            "Quarter": forums.quarter,
            "Forums held": forums.forums,
            f"Of which in the 12 months to {as_of:%d %b %Y}": forums.forums_in_window,
            "Provisional": forums.is_provisional.map(
                {True: "yes (quarter not finished)", False: "no"}
            ),
        }
    )
    if per_quarter.empty:
        st.info("No RPD forum has been recorded yet: load the forum_meetings file.")
    else:
        chart_with_table(
            forum_bars(per_quarter),
            per_quarter,
            "forums-per-quarter.csv",
            caption="RPD forums held per quarter; a hollow bar is a quarter not yet finished",
        )

    st.header("Outreach list")
    if outreach.empty:
        st.success(f"Every known organisation in {where} came to a forum in the last 12 months.")
    else:
        note(
            f"{len(outreach):,} rows, one for each organisation and region it works in whose forums it has not "
            "come to in the 12 months to the data's as-of day: an organisation missing two regions' forums has "
            "two rows. 'Last came to a forum' is the last of that region's forums it came to."
        )
        st.dataframe(outreach, hide_index=True, width="stretch")
        csv_download(outreach, "outreach-list.csv")


def _outreach_table(frame: pd.DataFrame) -> pd.DataFrame:
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


def _trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "12 months to": trend.as_of_date.dt.strftime("%d %b %Y"),
            "Date": trend.as_of_date.dt.strftime("%Y-%m-%d"),
            "Known organisations": trend.organisations,
            "Reached": trend.engaged,
            "Coverage (%)": trend.coverage_pct.round(1),
        }
    )


# ---- DataFrame -> chart (no Streamlit below) --------------------------------------------------------


def segment_bars(frame: pd.DataFrame) -> alt.Chart:
    """Coverage per kind of organisation, in a fixed order, each bar labelled 'n of m'."""
    shown = frame.assign(
        Label=frame["Reached"].astype(str) + " of " + frame["Known organisations"].astype(str),
        _label=frame["Kind of organisation"].map(wrap_label),
    )
    base = alt.Chart(shown).encode(
        y=bar_axis("_label", list(shown["_label"])),
        x=alt.X("Coverage (%):Q", scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            alt.Tooltip("Kind of organisation:N"),
            alt.Tooltip("Label:N", title="Reached"),
            alt.Tooltip("Coverage (%):Q", format=".0f"),
        ],
    )
    bars = base.mark_bar(color=OKABE_ITO[2])
    text = base.mark_text(align="left", dx=3).encode(text="Label:N")
    return fit_width(bars + text).properties(
        height=max(120, bar_height(frame["Kind of organisation"]))
    )


def trend_line(frame: pd.DataFrame) -> alt.Chart:
    """Coverage at each quarter end, one line with labelled points."""
    base = alt.Chart(frame).encode(
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


def forum_bars(frame: pd.DataFrame) -> alt.Chart:
    """Forums per quarter; the unfinished quarter is a hollow bar labelled 'so far'."""
    shown = frame.assign(
        Label=frame["Forums held"].astype(str)
        + frame["Provisional"].map(lambda p: " so far" if p.startswith("yes") else "")
    )
    base = alt.Chart(shown).encode(
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

"""Engagement coverage: which voluntary organisations the RPD's forums reach, and who to reach next.
Queries in dashboard/queries/engagement.py."""

from __future__ import annotations

import streamlit as st

from dashboard import data, scope
from dashboard.charts.engagement import (
    coverage_bars,
    forum_bars,
    forum_table,
    outreach_table,
    region_table,
    segment_bars,
    segment_table,
    trend_line,
    trend_table,
)
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
    outreach = outreach_table(data.query(version, "engagement_outreach", **params))
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
        by_region = region_table(regions)
        chart_with_table(
            coverage_bars(by_region),
            by_region,
            "coverage-by-region.csv",
            caption="Share of known voluntary organisations that came to a forum in the last 12 months",
        )

    st.header("Coverage by kind of organisation")
    note(
        "Kinds overlap: an organisation can be small and women's specialist. One working in two regions "
        "counts in each."
    )
    segments = segment_table(data.query(version, "engagement_by_segment", **params))
    chart_with_table(
        segment_bars(segments),
        segments,
        "coverage-by-kind.csv",
        caption="Share of each kind of organisation reached by a forum in the last 12 months",
    )

    st.header("Coverage over time")
    trend = trend_table(data.query(version, "engagement_trend", **params))
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
    per_quarter = forum_table(forums, as_of)
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

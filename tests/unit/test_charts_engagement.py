"""The Engagement page's pure half (dashboard/charts/engagement.py) on three-row frames: each table's
columns and rounding, and what each chart draws (each spec validated against Vega-Lite by to_dict()).
Values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.charts import engagement as charts


def test_region_table_and_its_bars_largest_first():
    table = charts.region_table(
        pd.DataFrame(
            {
                "region_name": ["Wales", "London", "North West"],
                "organisations": [40, 120, 80],
                "engaged": [10, 90, 20],
                "coverage_pct": [25.0, 75.0, 20.04],
            }
        )
    )
    assert list(table.columns) == ["Region", "Known organisations", "Reached", "Coverage (%)"]
    assert list(table["Coverage (%)"]) == [25.0, 75.0, 20.0]
    spec = charts.coverage_bars(table).to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    (data,) = spec["datasets"].values()
    assert [row["Region"] for row in data] == ["London", "Wales", "North West"]


def test_segment_table_names_its_columns_and_labels_each_bar():
    table = charts.segment_table(
        pd.DataFrame(
            {
                "segment_name": ["Small", "Women's specialist", "Welsh"],
                "organisations": [50, 8, 3],
                "engaged": [20, 2, 0],
                "coverage_pct": [40.0, 25.0, 0.0],
            }
        )
    )
    assert list(table.columns) == [
        "Kind of organisation",
        "Known organisations",
        "Reached",
        "Coverage (%)",
    ]
    spec = charts.segment_bars(table).to_dict()
    (data,) = spec["datasets"].values()
    assert [row["Label"] for row in data] == ["20 of 50", "2 of 8", "0 of 3"]
    assert spec["height"] == 120  # three one-line bars are shorter than the least height


def test_trend_table_gives_the_day_in_words_and_for_the_axis():
    trend = charts.trend_table(
        pd.DataFrame(
            {
                "as_of_date": pd.to_datetime(["2026-03-31", "2026-06-30", "2026-09-30"]),
                "organisations": [100, 100, 102],
                "engaged": [30, 35, 51],
                "coverage_pct": [30.0, 35.0, 50.0],
            }
        )
    )
    assert list(trend["12 months to"]) == ["31 Mar 2026", "30 Jun 2026", "30 Sep 2026"]
    assert list(trend.Date) == ["2026-03-31", "2026-06-30", "2026-09-30"]
    assert charts.trend_line(trend).to_dict()["height"] == 280


def test_forum_table_names_the_window_and_marks_the_unfinished_quarter():
    table = charts.forum_table(
        pd.DataFrame(
            {
                "quarter": ["2026-Q2", "2026-Q3", "2026-Q4"],
                "forums": [4, 5, 1],
                "forums_in_window": [4, 5, 1],
                "is_provisional": [False, False, True],
            }
        ),
        dt.date(2026, 11, 19),
    )
    assert list(table.columns) == [
        "Quarter",
        "Forums held",
        "Of which in the 12 months to 19 Nov 2026",
        "Provisional",
    ]
    spec = charts.forum_bars(table).to_dict()
    (data,) = spec["datasets"].values()
    assert [row["Label"] for row in data] == ["4", "5", "1 so far"]


def test_outreach_table_keeps_one_row_per_organisation_and_region():
    table = charts.outreach_table(
        pd.DataFrame(
            {
                "org_name": ["A", "A", "B"],
                "org_id": ["O1", "O1", "O2"],
                "income_band": ["under £100k"] * 3,
                "specialisms": ["", "", "women"],
                "regions_served": ["Wales; London", "Wales; London", "Wales"],
                "not_reached_in": ["Wales", "London", "Wales"],
                "last_attended": [None, "12 Mar 2025", None],
            }
        )
    )
    assert list(table["Not reached in"]) == ["Wales", "London", "Wales"]
    assert list(table.columns)[:2] == ["Organisation", "Id"]

"""The Volume page's pure half (dashboard/charts/volume.py) on three-row frames: each table's columns
and rounding, the band limits as monthly rates, and what each chart draws. Values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.charts import ORDER
from dashboard.charts import volume as charts

MONTHS = [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]


def _monthly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": MONTHS,
            "received": [12, 9, 4],
            "forecast": [10.04, 10.0, 5.56],
            "gap": [1.96, -1.0, -1.55],
            "gap_pct": [19.52, -10.0, -27.93],
            "is_provisional": [False, False, True],
        }
    )


def _layers(spec: dict) -> list[dict]:
    """Every single-mark layer of a (possibly nested) layered spec."""
    if "layer" not in spec:
        return [spec]
    return [leaf for layer in spec["layer"] for leaf in _layers(layer)]


def test_monthly_table_names_months_and_rounds_to_one_place():
    table = charts.monthly_table(_monthly())
    assert list(table.columns) == [
        "Month",
        "Received",
        "Forecast",
        "Gap",
        "Gap %",
        "Provisional",
    ]
    assert list(table.Month) == ["Aug 2026", "Sep 2026", "Oct 2026"]
    assert list(table.Forecast) == [10.0, 10.0, 5.6]
    assert list(table["Gap %"]) == [19.5, -10.0, -27.9]
    assert list(table.Provisional) == ["no", "no", "yes"]


def test_cumulative_table_keeps_the_running_totals():
    cumulative = pd.DataFrame(
        {
            "month": MONTHS,
            "cumulative_received": [12, 21, 25],
            "cumulative_forecast": [10.04, 20.04, 25.59],
            "is_provisional": [False, False, None],
        }
    )
    table = charts.cumulative_table(cumulative)
    assert list(table["Received to date"]) == [12, 21, 25]
    assert list(table["Forecast to date"]) == [10.0, 20.0, 25.6]
    assert list(table.Provisional) == ["no", "no", "no"]  # unknown is not provisional


def test_band_limits_are_a_twelfth_of_each_yearly_limit():
    bands = pd.DataFrame(
        {
            "band_1_upto": [120, 120, 120],
            "band_2_upto": [240, 240, 240],
            "band_3_upto": [None, None, None],
            "annual_volume_cap": [360, 360, 360],
        }
    )
    limits = charts.band_limits(bands)
    assert list(limits.Limit) == ["Band 1 limit", "Band 2 limit"]
    assert list(limits["Per month"]) == [10.0, 20.0]


def test_a_contract_without_bands_shows_its_cap():
    bands = pd.DataFrame(
        {
            "band_1_upto": [None] * 3,
            "band_2_upto": [None] * 3,
            "band_3_upto": [None] * 3,
            "annual_volume_cap": [600] * 3,
        }
    )
    assert charts.band_limits(bands).to_dict("list") == {
        "Limit": ["Volume cap"],
        "Per month": [50.0],
    }
    assert charts.band_limits(pd.DataFrame()).empty


def test_band_table_lists_only_contract_years():
    bands = pd.DataFrame(
        {
            "contract_year": [1, 2, None],
            "year_start": [dt.date(2024, 6, 1), dt.date(2025, 6, 1), None],
            "year_end": [dt.date(2025, 5, 31), dt.date(2026, 5, 31), None],
            "referrals_received": [100, 130, 0],
            "band": [1, 2, None],
            "volume_cap": [360, 360, None],
            "referrals_above_cap": [0, 0, 0],
            "is_provisional": [False, True, False],
        }
    )
    table = charts.band_table(bands)
    assert list(table["Contract year"]) == [1, 2]
    assert list(table.From) == ["01 Jun 2024", "01 Jun 2025"]
    assert list(table.Band) == [1, 2]
    assert list(table.Provisional) == ["no", "yes"]


def test_group_table_is_labelled_by_the_group_chosen():
    groups = pd.DataFrame(
        {
            "group_name": ["North West", "Wales", "London"],
            "contracts": [3, 1, 2],
            "received": [30, 5, 22],
            "forecast": [40.0, 5.0, 20.04],
            "gap": [-10.0, 0.0, 1.96],
            "gap_pct": [-25.0, 0.0, 9.78],
            "has_provisional": [True, False, False],
        }
    )
    table = charts.group_table(groups, "Region")
    assert list(table.columns[:3]) == ["Region", "Contracts", "Received"]
    assert list(table["Gap %"]) == [-25.0, 0.0, 9.8]
    spec = charts.gap_bars(table, "Region").to_dict()
    bars = _layers(spec)[0]
    assert bars["encoding"]["color"]["scale"]["domain"] == [
        "Below forecast",
        "At or above forecast",
    ]
    # North West is below forecast; Wales (0%) and London are at or above it.
    (data,) = spec["datasets"].values()
    assert [row["Direction"] for row in data] == [
        "Below forecast",
        "At or above forecast",
        "At or above forecast",
    ]


def test_timeliness_table_keeps_both_medians():
    months = pd.DataFrame(
        {
            "month": MONTHS,
            "referrals": [10, 8, 3],
            "arranged": [9, 6, 1],
            "median_days_to_arranged": [4.0, 5.5, 2.0],
            "attended": [8, 4, 0],
            "median_days_to_attended": [9.0, 11.0, None],
            "attended_within_10": [6, 1, 0],
            "pct_within_10": [75.0, 25.0, None],
            "is_provisional": [False, False, True],
        }
    )
    table = charts.timeliness_table(months)
    assert list(table["Median working days to arranged"]) == [4.0, 5.5, 2.0]
    assert table["% within 10 working days"].isna().tolist() == [False, False, True]
    spec = charts.timeliness_lines(table).to_dict()
    texts = [leaf for leaf in _layers(spec) if leaf["mark"].get("type") == "text"]
    assert any(t["encoding"]["text"].get("field") == "label" for t in texts)  # "10 working days"


def test_received_against_forecast_marks_disputed_months_and_band_limits():
    table = charts.monthly_table(_monthly())
    table["Disputed"] = ["no", "yes (flag 7)", "no"]
    limits = pd.DataFrame({"Limit": ["Band 1 limit"], "Per month": [10.0]})
    spec = charts.received_vs_forecast(table, limits).to_dict()
    marks = [leaf["mark"]["type"] for leaf in _layers(spec)]
    # lines, points, the "provisional" word; the disputed rule and word; the band line and its name
    assert marks == ["line", "point", "text", "rule", "text", "rule", "text"]
    # The disputed month keeps its place among the months (both sets of rows share the month axis).
    (disputed,) = spec["datasets"]["disputed"]
    places = {row["Month"]: row[ORDER] for row in spec["datasets"]["series"]}
    assert (
        (disputed["Month"], disputed[ORDER]) == ("Sep 2026", places["Sep 2026"]) == ("Sep 2026", 1)
    )
    without = charts.received_vs_forecast(charts.monthly_table(_monthly()), pd.DataFrame())
    assert [leaf["mark"]["type"] for leaf in _layers(without.to_dict())] == [
        "line",
        "point",
        "text",
    ]


def test_cumulative_and_recent_charts_draw_every_month():
    cumulative = charts.cumulative_table(
        pd.DataFrame(
            {
                "month": MONTHS,
                "cumulative_received": [12, 21, 25],
                "cumulative_forecast": [10.0, 20.0, 25.6],
                "is_provisional": [False, False, True],
            }
        )
    )
    spec = charts.cumulative_lines(cumulative).to_dict()
    x = _layers(spec)[0]["encoding"]["x"]
    # The axis takes its order from the rows (ORDER), not from a list in the spec: the long frame's
    # months, once per series, each at its place in the table.
    assert x["sort"] == {"field": ORDER, "op": "min"}
    rows = sorted(spec["datasets"]["series"], key=lambda row: row[ORDER])
    assert list(dict.fromkeys(row["Month"] for row in rows)) == ["Aug 2026", "Sep 2026", "Oct 2026"]
    recent = charts.monthly_table(_monthly())
    recent.insert(
        0, "Period", ["3 months before", "Last 3 complete months", "Last 3 complete months"]
    )
    spec = charts.gap_by_month(recent).to_dict()
    # 260 px for the plot itself (not shared with the title, legend and slanted months, which left the
    # bars a few pixels tall)
    assert (spec["height"], spec["autosize"]) == (260, {"type": "fit-x", "contains": "padding"})
    bars, *figures = _layers(spec)
    assert bars["encoding"]["color"]["scale"]["range"] == ["#000000", "#0072B2"]
    # Each bar's figure beyond its end, never on the bar (black on the black bars could not be read):
    # above a bar going up, below one going down.
    assert [(f["transform"][0]["filter"], f["mark"]["dy"]) for f in figures] == [
        ("datum['Gap %'] >= 0", -8),
        ("datum['Gap %'] < 0", 8),
    ]

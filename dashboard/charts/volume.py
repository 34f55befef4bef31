"""Volume versus forecast, the pure half: query rows -> the page's tables and Altair charts. No Streamlit
here (dashboard/pages/volume.py draws them); tests/unit/test_charts_volume.py checks each on three rows."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import (
    OKABE_ITO,
    ORDER,
    Drawing,
    bar_axis,
    bar_step,
    categorical,
    fit_width,
    in_order,
    in_position,
    named,
    value_labels,
    wrap_label,
)


def _yes_no(flags: pd.Series) -> pd.Series:
    return flags.fillna(False).astype(bool).map({True: "yes", False: "no"})


def monthly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": pd.to_datetime(monthly.month).dt.strftime("%b %Y"),
            "Received": monthly.received.astype(int),
            "Forecast": monthly.forecast.astype(float).round(1),
            "Gap": monthly.gap.astype(float).round(1),
            "Gap %": monthly.gap_pct.astype(float).round(1),
            "Provisional": _yes_no(monthly.is_provisional),
        }
    )


def cumulative_table(cumulative: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": pd.to_datetime(cumulative.month).dt.strftime("%b %Y"),
            "Received to date": cumulative.cumulative_received.astype(int),
            "Forecast to date": cumulative.cumulative_forecast.round(1),
            "Provisional": _yes_no(cumulative.is_provisional),
        }
    )


def band_limits(bands: pd.DataFrame) -> pd.DataFrame:
    """The chosen contract's band limits and cap as monthly rates, for reference lines."""
    if bands.empty:
        return pd.DataFrame(columns=["Limit", "Per month"])
    first = bands.iloc[0]
    rows = [
        (f"Band {n} limit", first[f"band_{n}_upto"])
        for n in (1, 2, 3)
        if pd.notna(first[f"band_{n}_upto"])
    ]
    if pd.notna(first.annual_volume_cap) and not rows:
        rows.append(("Volume cap", first.annual_volume_cap))
    return pd.DataFrame(
        {"Limit": [r[0] for r in rows], "Per month": [float(r[1]) / 12 for r in rows]}
    )


def band_table(bands: pd.DataFrame) -> pd.DataFrame:
    years = bands[bands.contract_year.notna()]
    return pd.DataFrame(
        {
            "Contract year": years.contract_year.astype(int),
            "From": pd.to_datetime(years.year_start).dt.strftime("%d %b %Y"),
            "To": pd.to_datetime(years.year_end).dt.strftime("%d %b %Y"),
            "Referrals received": years.referrals_received.astype(int),
            "Band": years.band.astype("Int64"),
            "Volume cap": years.volume_cap.astype("Int64"),
            "Referrals above cap": years.referrals_above_cap.astype(int),
            "Provisional": _yes_no(years.is_provisional),
        }
    )


def group_table(groups: pd.DataFrame, label: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            label: groups.group_name,
            "Contracts": groups.contracts.astype(int),
            "Received": groups.received.astype(int),
            "Forecast": groups.forecast.astype(float).round(1),
            "Gap": groups.gap.astype(float).round(1),
            "Gap %": groups.gap_pct.astype(float).round(1),
            "Provisional": _yes_no(groups.has_provisional),
        }
    )


def timeliness_table(months: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": pd.to_datetime(months.month).dt.strftime("%b %Y"),
            "Referrals": months.referrals.astype(int),
            "Arranged": months.arranged.astype(int),
            "Median working days to arranged": months.median_days_to_arranged.astype(float),
            "Attended": months.attended.astype(int),
            "Median working days to attended": months.median_days_to_attended.astype(float),
            "Attended within 10 working days": months.attended_within_10.astype(int),
            "% within 10 working days": months.pct_within_10.astype(float).round(1),
            "Provisional": _yes_no(months.is_provisional),
        }
    )


def _month_axis() -> alt.X:
    """Months in the order of the table's rows (each set of rows keeps its months' places: in_position)."""
    return alt.X(
        "Month:O",
        sort=in_order(),
        title="Month",
        axis=alt.Axis(labelAngle=-45, labelOverlap=True),
    )


def _long(table: pd.DataFrame, series: dict[str, str]) -> pd.DataFrame:
    """Month × series rows ({column: series name}), each month keeping its place in the table."""
    return (
        in_position(table)
        .rename(columns=series)
        .melt(
            id_vars=["Month", "Provisional", ORDER],
            value_vars=list(series.values()),
            var_name="Series",
            value_name="Value",
        )
    )


def _series_lines(value_title: str, fmt: str = ",.0f") -> alt.LayerChart:
    """Month × series lines on the rows named "series"; points of provisional months are hollow and
    marked 'provisional' in text."""
    enc = categorical("Series:N")
    base = alt.Chart(named("series")).encode(x=_month_axis(), y=alt.Y("Value:Q", title=value_title))
    tooltip = [
        alt.Tooltip("Month:N"),
        alt.Tooltip("Series:N"),
        alt.Tooltip("Value:Q", title=value_title, format=fmt),
        alt.Tooltip("Provisional:N"),
    ]
    lines = base.mark_line().encode(
        color=enc["color"], strokeDash=enc["strokeDash"], detail=alt.Detail("Series:N")
    )
    points = base.mark_point(size=60, strokeWidth=2).encode(
        color=enc["color"],
        shape=enc["shape"],
        fill=alt.condition("datum.Provisional == 'yes'", alt.value("white"), enc["color"]),
        tooltip=tooltip,
    )
    marker = (
        base.transform_filter("datum.Provisional == 'yes'")
        .transform_aggregate(top="max(Value)", groupby=["Month", ORDER])
        .mark_text(dy=-12, fontSize=11, color="black")
        .encode(y=alt.Y("top:Q"), text=alt.TextValue("provisional"))
    )
    return (lines + points + marker).properties(height=320)


def received_vs_forecast(table: pd.DataFrame, limits: pd.DataFrame) -> Drawing:
    """Received and forecast per month; the months under an open flag marked 'disputed', and the chosen
    contract's band limits as reference lines, when there are any."""
    table = in_position(table)
    rows = {"series": _long(table, {"Received": "Received", "Forecast": "Forecast"})}
    if "Disputed" in table and table.Disputed.str.startswith("yes").any():
        rows["disputed"] = table[table.Disputed.str.startswith("yes")]
    if not limits.empty:
        rows["limits"] = limits
    return Drawing(_received_vs_forecast, rows, ("disputed" in rows, "limits" in rows))


def _received_vs_forecast(disputed: bool, limits: bool) -> alt.LayerChart:
    chart = _series_lines("Referrals")
    if disputed:
        chart = chart + _disputed_marks()
    if not limits:
        return chart
    rules = alt.Chart(named("limits")).encode(y=alt.Y("Per month:Q"))
    lines = rules.mark_rule(strokeDash=[2, 3], color="black")
    text = rules.mark_text(align="left", dy=-6, x=4, color="black").encode(text=alt.Text("Limit:N"))
    return chart + lines + text


def _disputed_marks() -> alt.LayerChart:
    """A dashed vertical line and the word 'disputed' at each month under an open flag (not colour alone)."""
    base = alt.Chart(named("disputed")).encode(x=_month_axis())
    rule = base.mark_rule(strokeDash=[6, 4], color="black").encode(
        tooltip=[alt.Tooltip("Month:N"), alt.Tooltip("Disputed:N")]
    )
    text = base.mark_text(
        angle=270, align="right", dx=-4, dy=-4, baseline="bottom", color="black"
    ).encode(y=alt.YValue(0), text=alt.TextValue("disputed"))
    return rule + text


def cumulative_lines(table: pd.DataFrame) -> Drawing:
    long = _long(table, {"Received to date": "Received", "Forecast to date": "Forecast"})
    return Drawing(_series_lines, {"series": long}, ("Referrals since the start",))


def timeliness_lines(table: pd.DataFrame) -> Drawing:
    long = _long(
        table,
        {
            "Median working days to arranged": "To assessment arranged",
            "Median working days to attended": "To assessment attended",
        },
    )
    return Drawing(_timeliness_lines, {"series": long})


def _timeliness_lines() -> alt.LayerChart:
    chart = _series_lines("Median working days", fmt=",.1f")
    ten = alt.Chart(pd.DataFrame({"y": [10], "label": ["10 working days"]})).encode(y=alt.Y("y:Q"))
    return (
        chart
        + ten.mark_rule(strokeDash=[2, 3], color="black")
        + ten.mark_text(align="left", dy=-6, x=4, color="black").encode(text=alt.Text("label:N"))
    )


def gap_bars(table: pd.DataFrame, label: str) -> Drawing:
    """Horizontal bars of gap %, each labelled with its value; below forecast and above differ by pattern
    of the label (a minus sign) as well as colour. As tall as its bars need (a step per bar)."""
    frame = table.assign(
        Direction=table["Gap %"].map(
            lambda g: "Below forecast" if g < 0 else "At or above forecast"
        ),
        _label=table[label].map(wrap_label),
    )
    return Drawing(_gap_bars, {"bars": frame}, (label, bar_step(table[label])))


def _gap_bars(label: str, step: int) -> alt.LayerChart:
    base = alt.Chart(named("bars")).encode(
        y=bar_axis("_label", in_order()),
        x=alt.X("Gap %:Q", title="Gap % (received against forecast)", scale=alt.Scale(padding=30)),
        tooltip=[
            alt.Tooltip(f"{label}:N"),
            alt.Tooltip("Gap %:Q", format="+.1f"),
            alt.Tooltip("Received:Q"),
            alt.Tooltip("Forecast:Q", format=",.1f"),
            alt.Tooltip("Provisional:N"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "Direction:N",
            scale=alt.Scale(
                domain=["Below forecast", "At or above forecast"],
                range=[OKABE_ITO[0], OKABE_ITO[1]],
            ),
            title=None,
            legend=alt.Legend(orient="top", columns=1),
        )
    )
    return fit_width(bars + value_labels(base, "Gap %", "+.0f")).properties(height=alt.Step(step))


def gap_by_month(table: pd.DataFrame) -> Drawing:
    """Gap % per month as bars labelled with their value; the two three-month periods differ by shade and
    by the label under the axis."""
    return Drawing(_gap_by_month, {"months": table})


def _gap_by_month() -> alt.LayerChart:
    base = alt.Chart(named("months")).encode(
        x=_month_axis(),
        # room beyond the longest bar, each way, for its figure
        y=alt.Y("Gap %:Q", title="Gap %", scale=alt.Scale(padding=16)),
        tooltip=[
            alt.Tooltip("Month:N"),
            alt.Tooltip("Period:N"),
            alt.Tooltip("Gap %:Q", format="+.1f"),
            alt.Tooltip("Received:Q"),
            alt.Tooltip("Forecast:Q", format=",.1f"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "Period:N",
            scale=alt.Scale(
                domain=["3 months before", "Last 3 complete months"],
                range=[OKABE_ITO[4], OKABE_ITO[0]],
            ),
            legend=alt.Legend(orient="top", title=None),
        )
    )
    # Each figure just beyond its bar's end, never on the bar: above a bar going up, below one going down.
    figure = alt.Text("Gap %:Q", format="+.0f")
    above = base.transform_filter("datum['Gap %'] >= 0").mark_text(dy=-8).encode(text=figure)
    below = base.transform_filter("datum['Gap %'] < 0").mark_text(dy=8).encode(text=figure)
    # fit_width: the 260 px are the plot's own, not shared with the title, legend and month labels.
    return fit_width(bars + above + below).properties(height=260)

"""Volume versus forecast: referrals received against the indicative profile, cumulative since the
start, the gap by region / PCC area / lot / provider / contract with a drill-down, the three-month trend,
and timeliness of first assessments beside the volumes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, scope, urlstate
from dashboard.charts.volume import (
    band_limits,
    band_table,
    cumulative_lines,
    cumulative_table,
    gap_bars,
    gap_by_month,
    group_table,
    monthly_table,
    received_vs_forecast,
    timeliness_lines,
    timeliness_table,
)
from dashboard.flags import view as flagview
from dashboard.layout import begin, chart_with_table, figure, note, percent
from dashboard.text import md
from warehouse.settings import Settings

ALL_CONTRACTS = "All contracts in scope"
NO_ASSESSMENT_DATES = (
    "No referral to these contracts has a date when a first assessment was arranged or attended in the "
    "files loaded (the weekly extract some regions send has no assessment dates), so the time to first "
    "assessment cannot be shown here."
)
GROUPS = {
    "Region": "region",
    "PCC area": "pcc",
    "Lot": "lot",
    "Lead provider": "provider",
    "Contract": "contract",
}
# The page's own choices in the URL (beyond the filters): group by, the chosen contract, the drill-down.
URL_PARAMS = ("group", "contract", "drill_region", "drill_contract")


def render(settings: Settings) -> None:
    page = begin("Volume versus forecast", settings)
    if page is None:
        return
    version, chosen, since, params = page.version, page.scope, page.since, page.params
    contracts = data.query(version, "volume_contracts", **params)
    if contracts.empty:
        st.info(
            f"No contracts match these filters ({md(scope.describe(chosen, version))}) in the period shown. "
            "Choose another region, PCC area, lot or lead provider in the sidebar, or a longer period."
        )
        return
    labels = dict(zip(contracts.contract_ref, contracts.contract_label, strict=True))
    urlstate.from_url("contract", "volume_contract", labels, "a contract")
    urlstate.show_notices()
    contract = st.selectbox(
        "Contract",
        [ALL_CONTRACTS, *labels],
        key="volume_contract",
        format_func=lambda c: labels.get(c, c),
    )
    one = None if contract == ALL_CONTRACTS else contract
    urlstate.to_url("contract", one)
    chosen_params = {**params, "contract": one}
    provisional = pd.Timestamp(page.provisional_month)
    note(
        f"{md(scope.describe(chosen, version))}{'' if one is None else ', ' + md(labels[one])}. "
        f"{provisional:%b %Y} is provisional: its data runs to {page.as_of:%d %b %Y} and its "
        "forecast counts only the days up to then, so a lower count is not a fall."
    )

    monthly = data.query(version, "volume_monthly", **chosen_params)
    user = data.signed_in()
    assert user is not None  # the frame signs in before it renders any page
    flags = flagview.visible(settings, version, user)
    active = flagview.disputed(flags, [one] if one else contracts.contract_ref)
    # The month-by-month table's rows added up, and the gap % of those sums, by the same query's formula.
    head = data.query(version, "volume_headline", **chosen_params).iloc[0]
    cols = st.columns(3)
    with cols[0]:
        figure("Referrals received", f"{_number(head.received):,.0f}", "Referrals received")
    with cols[1]:
        figure("Forecast", f"{_number(head.forecast):,.0f}", "Forecast")
    with cols[2]:
        figure(
            "Volume gap", percent(_number(head.gap_pct, float("nan")), signed=True), "Volume gap"
        )

    st.header("Referrals received against forecast, month by month")
    bands = data.query(version, "volume_bands", contract=one) if one else pd.DataFrame()
    table = monthly_table(monthly)
    table["Disputed"] = flagview.disputed_labels(monthly.month, active)
    limits = band_limits(bands)
    if not active.empty:
        note(
            f"{len(active)} open flag(s) from providers dispute the figures of the months marked "
            "'disputed' below (on the chart, a dashed line and the word disputed). The figures are shown "
            "as loaded until the RPD team resolves the flag."
        )
    chart_with_table(
        received_vs_forecast(table, limits),
        table,
        "volume-monthly.csv",
        caption="Referrals received and forecast per month",
    )
    if one is not None and not bands.empty and bands.contract_year.notna().any():
        if limits.empty:
            note("This contract has no volume bands or cap.")
        else:
            note(
                "Dotted lines: the volume band limits and cap as a monthly rate (a twelfth of the yearly "
                "limit). Bands and caps apply per contract year:"
            )
        st.dataframe(band_table(bands), hide_index=True, width="stretch")

    st.header("Cumulative since the contracts started")
    cumulative = cumulative_table(data.query(version, "volume_cumulative", **chosen_params))
    chart_with_table(
        cumulative_lines(cumulative),
        cumulative,
        "volume-cumulative.csv",
        caption="Referrals received and forecast, added up since the start",
    )

    st.header("Trend of the last three complete months")
    _trend(
        data.query(version, "volume_trend", **chosen_params),
        data.query(version, "volume_recent", **chosen_params),
    )

    st.header("Gap by group")
    in_url = {v: k for k, v in GROUPS.items()}
    urlstate.from_url("group", "volume_group", in_url, "a grouping", in_url)
    urlstate.show_notices()
    _gap_by_group(version, params, f"{since:%b %Y} to {provisional:%b %Y}")

    st.header("Drill down")
    _drill_down(version, params, flags=flags)

    st.header("Timeliness of first assessments")
    _timeliness(version, chosen_params)


# The two sections below change alone (their own choices, not the sidebar's): each is a fragment, so a
# choice there reruns only that section, not the whole page (docs/benchmarks.md, "In the browser").
@st.fragment
def _gap_by_group(version, params: dict, period: str) -> None:
    group_label = st.radio("Group by", list(GROUPS), horizontal=True, key="volume_group")
    urlstate.to_url("group", None if group_label == "Region" else GROUPS[group_label])
    by_group = data.query(version, "volume_gap_by", **params, group=GROUPS[group_label])
    gap_table = group_table(by_group, group_label)
    chart_with_table(
        gap_bars(gap_table, group_label),
        gap_table,
        f"volume-gap-by-{GROUPS[group_label]}.csv",
        caption=f"Volume gap by {group_label.lower()}, {period}",
    )


def _trend(windows: pd.DataFrame, recent: pd.DataFrame) -> None:
    """The recent window's gap % and its change on the window before, both as volume_trend stores them."""
    last = windows[windows.is_recent]
    if last.empty:
        st.info("No complete month yet for these contracts.")
        return
    now, before = last.iloc[0], windows[~windows.is_recent]
    n = int(now.window_months)
    change = (
        now.gap_pct - before.gap_pct.iloc[0]
        if len(before) and before.months.iloc[0] == n and pd.notna(now.gap_pct)
        else None
    )
    span = f"{now.first_month:%b} to {now.last_month:%b %Y}"
    cols = st.columns(2)
    with cols[0]:
        figure(
            f"Gap, {span}",
            percent(_number(now.gap_pct, float("nan")), signed=True),
            "Three-month trend",
            None
            if change is None or pd.isna(change)
            else f"{change:+.0f} points on the {n} months before",
        )
    with cols[1]:
        figure(f"Referrals received, {span}", f"{now.received:,.0f}", "Referrals received")
    table = monthly_table(recent)
    table.insert(
        0,
        "Period",
        recent.is_recent.map({True: f"Last {n} complete months", False: f"{n} months before"}),
    )
    chart_with_table(
        gap_by_month(table),
        table,
        "volume-last-six-months.csv",
        caption="Volume gap % in each of the last six complete months",
    )


@st.fragment
def _drill_down(version, params: dict, flags: pd.DataFrame) -> None:
    by_region = data.query(version, "volume_gap_by", **params, group="region")
    if by_region.empty:
        st.info("No region has contracts in scope.")
        return
    regions = dict(zip(by_region.group_key, by_region.group_name, strict=True))
    in_order = sorted(regions, key=regions.__getitem__)
    urlstate.from_url("drill_region", "volume_drill_region", regions, "a region to drill into")
    urlstate.show_notices()
    region = st.selectbox(
        "Region", in_order, key="volume_drill_region", format_func=regions.__getitem__
    )
    urlstate.to_url("drill_region", None if region == in_order[0] else region)
    contracts = data.query(
        version, "volume_gap_by", **{**params, "region": region}, group="contract"
    )
    table = group_table(contracts, "Contract")
    st.dataframe(table, hide_index=True, width="stretch")
    names = dict(zip(contracts.group_key, contracts.group_name, strict=True))
    if not names:
        urlstate.to_url("drill_contract", None)
        st.info(f"No contract in scope in {md(regions[region])}.")
        return
    urlstate.from_url("drill_contract", "volume_drill_contract", names, "a contract to drill into")
    urlstate.show_notices()
    contract = st.selectbox(
        "Contract in this region",
        list(names),
        key="volume_drill_contract",
        format_func=names.__getitem__,
    )
    urlstate.to_url("drill_contract", None if contract == next(iter(names)) else contract)
    months = data.query(version, "volume_contract_months", contract=contract, since=params["since"])
    chosen = monthly_table(months)
    chosen["Disputed"] = flagview.disputed_labels(
        months.month, flagview.disputed(flags, [contract])
    )
    chart_with_table(
        received_vs_forecast(chosen, pd.DataFrame()),
        chosen,
        f"volume-{contract}.csv",
        caption=f"{names[contract]}: referrals received and forecast per month",
    )


def _timeliness(version, params: dict) -> None:
    total = data.query(version, "volume_timeliness_total", **params).iloc[0]
    if pd.isna(total.median_days_to_arranged) and pd.isna(total.median_days_to_attended):
        st.info(NO_ASSESSMENT_DATES)
        return
    cols = st.columns(3)
    with cols[0]:
        figure(
            "Median working days to assessment arranged",
            _days(total.median_days_to_arranged),
            "Time to assessment arranged",
        )
    with cols[1]:
        figure(
            "Median working days to assessment attended",
            _days(total.median_days_to_attended),
            "Time to assessment attended",
        )
    with cols[2]:
        figure(
            "Assessed within 10 working days",
            percent(total.pct_within_10),
            "Assessed within 10 working days",
        )
    note(
        "Working days are Monday to Friday; bank holidays are not taken out. Referrals not yet arranged or "
        "assessed are left out of the medians; recent months fill in as assessments happen."
    )
    table = timeliness_table(data.query(version, "volume_timeliness", **params))
    if not (table.Arranged.sum() or table.Attended.sum()):
        # An empty chart says nothing, and screen readers meet an unlabelled picture.
        st.info(
            "None of these referrals has an assessment arranged or attended in the data (the weekly "
            "referral extract does not carry assessment dates), so there is no timeliness to show."
        )
        return
    chart_with_table(
        timeliness_lines(table),
        table,
        "timeliness-monthly.csv",
        caption="Median working days from referral to first assessment, by month of referral",
    )


def _number(value, missing: float = 0.0) -> float:
    """A figure from a query, or `missing` when it has none (no rows, or no forecast to divide by)."""
    return missing if pd.isna(value) else float(value)


def _days(value) -> str:
    return "–" if pd.isna(value) else f"{value:,.1f}".removesuffix(".0")

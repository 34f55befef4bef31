"""Subsidy signals, the pure half: query rows -> the page's tables, sentences and Altair charts. No
Streamlit here (dashboard/pages/subsidy.py draws them); tests/unit/test_charts_subsidy.py checks each on
three rows."""

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
    wrap_label,
)
from dashboard.text import md

STATES = (
    (
        "Under-funded",
        "contracts_under_funded",
        "shortfall_gbp",
        "the contract paid less than the service cost",
    ),
    (
        "Subsidised",
        "contracts_subsidised",
        "other_funding_gbp",
        "other money was used to cover delivery",
    ),
    (
        "Gap not covered",
        "contracts_gap_not_covered",
        "uncovered_gbp",
        "cost more than contract income and other funding together: the provider absorbed it",
    ),
)


def state_table(head: pd.Series) -> pd.DataFrame:
    """The three states of the headline quarter: count, share of contracts returned, pounds."""
    returned = int(head.contracts_returned)
    return pd.DataFrame(
        {
            "State": [s[0] for s in STATES],
            "Contracts": [int(head[s[1]]) for s in STATES],
            "Share of contracts returned (%)": [
                round(100 * head[s[1]] / returned, 1) if returned else None for s in STATES
            ],
            "Pounds (£)": [round(float(head[s[2]])) for s in STATES],
            "Pounds are": ["shortfall", "other funding used", "left uncovered"],
            "Meaning": [s[3] for s in STATES],
        }
    )


def overlap_table(overlap: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Combination": overlap.money_state.str.capitalize(),
            "Contracts": overlap.contracts.astype(int),
        }
    )


def adds_up(head: pd.Series, overlap: pd.DataFrame) -> str:
    """The documented arithmetic, with this quarter's numbers."""
    n = dict(zip(overlap.Combination.str.lower(), overlap.Contracts, strict=True))
    nothing, partly, covered, only = (
        n.get(k, 0)
        for k in (
            "under-funded, nothing covered",
            "under-funded, partly covered",
            "under-funded, covered by other funding",
            "subsidised, not under-funded",
        )
    )
    return (
        f"Under-funded {head.contracts_under_funded} = {nothing} + {partly} + {covered}; "
        f"subsidised {head.contracts_subsidised} = {partly} + {covered} + {only}; "
        f"gap not covered {head.contracts_gap_not_covered} = {nothing} + {partly}; "
        f"all combinations add up to the {head.contracts_returned} contracts that returned."
    )


def quarter_table(quarters: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Quarter": quarters.quarter,
            "Shortfall (£)": quarters.shortfall_gbp.round(0),
            "Other funding used (£)": quarters.other_funding_gbp.round(0),
            "Gap not covered (£)": quarters.uncovered_gbp.round(0),
            "Under-funded": quarters.contracts_under_funded,
            "Subsidised": quarters.contracts_subsidised,
            "Gap not covered": quarters.contracts_gap_not_covered,
            "Returns in": quarters.returns_in,
            "Returns due": quarters.returns_due,
            "Provisional": quarters.is_provisional.map({True: "yes", False: "no"}),
        }
    )


def reasons_list(risk: pd.DataFrame) -> str:
    """The risk table's reasons in full, one contract a line, in Markdown: a table cell cuts long
    reasons off, a list wraps them at any width."""
    lines = [
        f"{rank}. **{md(contract)}**: {md(why)}"
        for rank, contract, why in zip(risk["Rank"], risk["Contract"], risk["Why"], strict=True)
    ]
    return "**Why each contract is listed**\n\n" + "\n".join(lines)


def risk_table(risk: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": range(1, len(risk) + 1),
            "Contract": risk.contract_label,
            "Score (0 to 10)": risk.risk_score,
            "Why": risk.reasons,
            "Lead provider": risk.lead_provider_name,
            "Lot": risk.lot,
        }
    )


def split_table(split: pd.DataFrame, name: str) -> pd.DataFrame:
    group = split.group.str.capitalize() if name == "Provider sector" else split.group
    returned = split.contracts_returned
    out = {name: group.to_numpy(), "Contracts returned": returned.to_numpy()}
    for label, count, money, _ in STATES:
        out[label] = split[count].to_numpy()
        out[f"{label} (%)"] = (100 * split[count] / returned).round(1).to_numpy()
        out[f"{label} (£)"] = split[money].round(0).to_numpy()
    return pd.DataFrame(out)


def chain_table(chain: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Carried by": chain.carried_by,
            "Returns": chain.returns.astype(int),
            "Returns subsidised": chain.returns_subsidised.astype(int),
            "Other funding used (£)": chain.other_funding_gbp.round(0),
            "Share of all other funding (%)": chain.share_of_other_funding.round(1),
            "Gap not covered (£)": chain.uncovered_gbp.round(0),
        }
    )


def expectation_table(expect: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Lot": expect.lot,
            "Answers": expect.answers.astype(int),
            "Expected and happened": expect.expected_happened.astype(int),
            "Expected, not yet": expect.expected_not_yet.astype(int),
            "Not expected, happened": expect.not_expected_happened.astype(int),
            "Not expected, not happened": expect.not_expected_not_happened.astype(int),
            "Not sure": expect.not_sure.astype(int),
            "Said value not sufficient": expect.value_not_sufficient.astype(int),
            "… and under-funded in that return": expect.value_not_sufficient_under_funded.astype(
                int
            ),
        }
    )


def demand_table(demand: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Contract year": demand.contract_label + ", year " + demand.contract_year.astype(str),
            "Lead provider": demand.lead_provider_name,
            "Lot": demand.lot,
            "From": demand.year_start.dt.strftime("%d %b %Y"),
            "To": demand.year_end.dt.strftime("%d %b %Y"),
            "Referrals received": demand.referrals_received,
            "Volume cap": demand.volume_cap,
            "Referrals above cap": demand.referrals_above_cap,
            "Provisional": demand.is_provisional.map(
                {True: "yes (year not finished)", False: "no"}
            ),
        }
    )


def contract_quarter_table(rows: pd.DataFrame, quarters: pd.DataFrame) -> pd.DataFrame:
    provisional = dict(zip(quarters.quarter, quarters.is_provisional, strict=True))

    def yes(flags: pd.Series) -> pd.Series:
        return flags.map({True: "yes", False: "no"})

    return pd.DataFrame(
        {
            "Contract": rows.contract_label,
            "Lot": rows.lot,
            "Quarter": rows.quarter,
            "Provider": rows.provider_name,
            "Role": rows.role,
            "Contract income (£)": rows.contract_income_gbp.round(0),
            "Full delivery cost (£)": rows.full_delivery_cost_gbp.round(0),
            "Shortfall (£)": rows.shortfall_gbp.round(0),
            "Shortfall (% of quarterly value)": rows.shortfall_pct_of_value.round(1),
            "Other funding used (£)": rows.other_funding_gbp.round(0),
            "Other funding from": rows.other_funding_source.fillna(""),
            "Gap not covered (£)": rows.uncovered_gbp.round(0),
            "Other funding beyond the shortfall (£)": rows.other_funding_beyond_shortfall_gbp.round(
                0
            ),
            "Under-funded": yes(rows.is_under_funded),
            "Subsidised": yes(rows.is_subsidised),
            "Gap not covered": yes(rows.is_gap_not_covered),
            "Value sufficient?": rows.value_sufficient.fillna(""),
            "Expects to subsidise?": rows.expect_subsidy_12m.fillna(""),
            "Contract's combination": rows.contract_state,
            "Provisional": rows.quarter.map(lambda q: "yes" if provisional.get(q) else "no"),
        }
    )


def quarterly_lines(table: pd.DataFrame) -> Drawing:
    """Shortfall and other funding per quarter: two series told apart by colour, shape and dash;
    provisional quarters have hollow points and say so in the tooltip."""
    long = table.melt(
        id_vars=["Quarter", "Provisional"],
        value_vars=["Shortfall (£)", "Other funding used (£)"],
        var_name="Measure",
        value_name="Pounds",
    )
    return Drawing(_quarterly_lines, {"quarters": long})


def _quarterly_lines() -> alt.LayerChart:
    enc = {  # the legend goes below the chart, so a phone keeps the width for the lines
        k: v.legend(orient="bottom") for k, v in categorical("Measure:N", title=None).items()
    }
    base = alt.Chart(named("quarters")).encode(
        x=alt.X("Quarter:O", title="Quarter", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Pounds:Q", title="Pounds (£)", axis=alt.Axis(format="~s")),
    )
    lines = base.mark_line().encode(
        color=enc["color"], strokeDash=enc["strokeDash"], detail=alt.Detail("Measure:N")
    )
    points = base.mark_point(size=80, strokeWidth=2).encode(
        color=enc["color"],
        shape=enc["shape"],
        fill=alt.condition("datum.Provisional == 'yes'", alt.value("white"), enc["color"]),
        tooltip=[
            alt.Tooltip("Quarter:O"),
            alt.Tooltip("Measure:N"),
            alt.Tooltip("Pounds:Q", title="£", format=",.0f"),
            alt.Tooltip("Provisional:N"),
        ],
    )
    return fit_width(lines + points).properties(height=300)


# Each group's three bars are at least this tall together (px), so that the 'n of m' labels do not overlap.
STATE_GROUP_STEP = 3 * 22


def state_bars(frame: pd.DataFrame, *, label: str) -> Drawing:
    """The share of contracts in each state per group: bars side by side, told apart by colour and by an
    'n of m' label, so they read without colour."""
    frame = in_position(frame)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    label: frame[label],
                    "State": state,
                    "Share (%)": frame[f"{state} (%)"],
                    "Label": frame[state].astype(str)
                    + " of "
                    + frame["Contracts returned"].astype(str),
                    ORDER: frame[ORDER],
                }
            )
            for state, *_ in STATES
        ],
        ignore_index=True,
    )
    long["_label"] = long[label].map(wrap_label)
    step = max(STATE_GROUP_STEP, bar_step(frame[label]))
    return Drawing(_state_bars, {"groups": long}, (label, step))


def _state_bars(label: str, step: int) -> alt.LayerChart:
    order = [s[0] for s in STATES]
    base = alt.Chart(named("groups")).encode(
        y=bar_axis("_label", in_order()),
        yOffset=alt.YOffset("State:N", sort=order),
        x=alt.X(
            "Share (%):Q", title="Contracts in the state (%)", scale=alt.Scale(domain=[0, 100])
        ),
        tooltip=[
            alt.Tooltip(f"{label}:N"),
            alt.Tooltip("State:N"),
            alt.Tooltip("Label:N", title="Contracts"),
            alt.Tooltip("Share (%):Q", format=".0f"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "State:N",
            sort=order,
            scale=alt.Scale(domain=order, range=OKABE_ITO[:3]),
            legend=alt.Legend(orient="bottom"),
        )
    )
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text("Label:N"))
    # The step is each group's (its three bars together), not each bar's.
    return fit_width(bars + text).properties(height=alt.Step(step, **{"for": "position"}))


def demand_bars(frame: pd.DataFrame) -> Drawing:
    """Referrals above the cap per contract year, largest first; a year not yet finished is a hollow bar
    and its label says 'so far'."""
    top = frame.sort_values("Referrals above cap", ascending=False, kind="stable").assign(
        Label=frame["Referrals above cap"].astype(str)
        + frame["Provisional"].map(lambda p: " so far" if p.startswith("yes") else ""),
        _label=frame["Contract year"].map(wrap_label),
    )
    return Drawing(_demand_bars, {"years": top}, (bar_step(top["Contract year"]),))


def _demand_bars(step: int) -> alt.LayerChart:
    base = alt.Chart(named("years")).encode(
        y=bar_axis("_label", in_order()),
        x=alt.X("Referrals above cap:Q", title="Referrals above the cap"),
        tooltip=[
            alt.Tooltip("Contract year:N"),
            alt.Tooltip("Lead provider:N"),
            alt.Tooltip("Referrals above cap:Q"),
            alt.Tooltip("Volume cap:Q"),
            alt.Tooltip("Provisional:N"),
        ],
    )
    bars = base.mark_bar(stroke=OKABE_ITO[5], strokeWidth=2).encode(
        fill=alt.FillValue(
            OKABE_ITO[5],
            condition={"test": "indexof(datum.Provisional, 'yes') == 0", "value": "white"},
        )
    )
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text("Label:N"))
    return fit_width(bars + text).properties(height=alt.Step(step))

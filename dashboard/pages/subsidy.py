"""Subsidy signals: three financial states told apart (under-funded, subsidised, gap not covered), who in
the supply chain carries them, what providers expect, and referrals delivered above the cap for no more
money. Queries in dashboard/queries/subsidy.py."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, scope
from dashboard.charts import OKABE_ITO, bar_axis, bar_height, categorical, fit_width, wrap_label
from dashboard.layout import begin, chart_with_table, csv_download, figure, note, percent, pounds
from dashboard.text import md
from warehouse.settings import Settings

MONEY = st.column_config.NumberColumn(format="£%,d")
PCT = st.column_config.NumberColumn(format="%.0f%%")


def render(settings: Settings) -> None:
    page = begin("Subsidy signals", settings)
    if page is None:
        return
    version, chosen, as_of, params = page.version, page.scope, page.as_of, page.params
    quarters = data.query(version, "subsidy_quarters", **params)
    where = md(scope.describe(chosen, version))  # shown in Markdown
    if quarters.empty or not quarters.returns_in.sum():
        st.info(
            f"No financial returns have been loaded for the contracts in scope ({where}) in this period, so there is "
            "nothing to show yet. Providers send one per contract each quarter (the financial_returns file "
            "in docs/data-contracts.md). Try a longer period or a wider choice in the filters."
        )
        return
    head = data.query(version, "subsidy_headline", **chosen.params()).iloc[0]
    quarter = head.quarter if pd.notna(head.quarter) else None
    split = data.query(version, "subsidy_split", **chosen.params(), quarter=quarter)
    note(
        f"{where}. Quarters from {quarters.quarter.iloc[0]} to {quarters.quarter.iloc[-1]} (calendar "
        f"quarters overlapping the period chosen). Data runs up to {as_of:%d %B %Y}."
    )
    _headlines(head, quarters)

    if quarter is not None:
        st.header(f"Three financial states, {quarter}")
        note(
            f"{head.contracts_returned:,} contracts sent a financial return for {quarter}, the latest complete "
            "quarter. A contract is in a state when any return of its supply chain (the lead's or a "
            "subcontractor's) is. A contract can be in more than one state: the second table puts each in "
            "exactly one combination, and its rows add up to the contracts that returned."
        )
        states = state_table(head)
        st.dataframe(
            states,
            hide_index=True,
            width="stretch",
            column_config={"Pounds (£)": MONEY, "Share of contracts returned (%)": PCT},
        )
        overlap = _overlap_table(
            data.query(version, "subsidy_state_overlap", **chosen.params(), quarter=quarter)
        )
        st.dataframe(overlap, hide_index=True, width="stretch")
        st.markdown(_adds_up(head, overlap))
        csv_download(states, f"subsidy-states-{quarter}.csv")

    st.header("Shortfall and other funding, quarter by quarter")
    table = _quarter_table(quarters)
    if not (quarters.shortfall_gbp.fillna(0).any() or quarters.other_funding_gbp.fillna(0).any()):
        st.info(
            f"No financial return for contracts in scope ({where}) reports a shortfall or other funding "
            f"in any quarter from {quarters.quarter.iloc[0]} to {quarters.quarter.iloc[-1]}: every "
            "one says delivery was paid for by the contract, so there is no line to draw."
        )
        st.dataframe(table, hide_index=True, width="stretch")
        csv_download(table, "subsidy-by-quarter.csv")
    else:
        chart_with_table(
            quarterly_lines(table),
            table,
            "subsidy-by-quarter.csv",
            caption="Shortfall and other funding used per quarter (£); hollow points are provisional",
        )
    if quarters.is_provisional.any():
        late = quarters[quarters.is_provisional].iloc[-1]
        note(
            f"{late.quarter} is provisional: {late.returns_in} of {late.returns_due} financial returns are in. "
            "Its totals will grow as the rest arrive."
        )

    st.header("Contracts most at risk")
    risk = _risk_table(data.query(version, "subsidy_risk", **chosen.params()))
    if risk.empty:
        st.success(
            f"No contract in scope ({where}) shows a shortfall, other funding or referrals above its cap."
        )
    else:
        note(
            "Ranked by the subsidy risk score (0 to 10), from the last four quarterly returns and the current "
            "contract year, whatever the period chosen. Only contracts scoring above 0 are listed. The reasons "
            "name all three states: under-funded, subsidised and gap not covered."
        )
        st.dataframe(
            risk,
            hide_index=True,
            width="stretch",
            column_config={"Why": st.column_config.TextColumn(width="large")},
        )
        csv_download(risk, "subsidy-risk.csv")
        st.markdown(reasons_list(risk))
    with st.expander("How the risk score is worked out"):
        st.markdown(
            "- 1 point for each of the last four quarters in which the contract was under-funded (up to 4)\n"
            "- 2 points if the latest return's shortfall is at least 15% of a quarter of the contract's "
            "annual value (1 point if at least 5%)\n"
            "- 2 points if it was subsidised: other funding (reserves, grants, fundraising) used in those "
            "quarters\n"
            "- 2 points if referrals are above the volume cap in the current contract year\n\n"
            "A gap not covered is named in the reasons, with the pounds the providers absorbed; it is always "
            "under-funded too, which scores already. A missing latest return is named but scores nothing."
        )

    if quarter is not None:
        st.header(f"By lot and by provider sector, {quarter}")
        note(
            f"Contracts that sent a financial return for {quarter}, the latest complete quarter: how many "
            "were in each state, their share and their pounds."
        )
        for name, file_name in (("Lot", "by-lot"), ("Provider sector", "by-sector")):
            part = _split_table(split[split.split == name], name)
            chart_with_table(
                state_bars(part, label=name),
                part,
                f"subsidy-{file_name}-{quarter}.csv",
                caption=f"Share of contracts in each state in {quarter}, by {name.lower()}",
            )

    st.header("Across the supply chain")
    chain = _chain_table(data.query(version, "subsidy_supply_chain", **params))
    note(
        "Every financial return in the period, the lead provider's and each subcontractor's own: who "
        "used other funding to cover delivery, and who absorbed a gap not covered. Small means an annual "
        "income under £1m; specialist means a women's specialist, an organisation led by and for racially "
        "minoritised people, or a Welsh organisation (from the organisation register, matched by provider "
        "code). Small and specialist subcontractors are part of the subcontractors row."
    )
    st.dataframe(
        chain,
        hide_index=True,
        width="stretch",
        column_config={
            "Other funding used (£)": MONEY,
            "Gap not covered (£)": MONEY,
            "Share of all other funding (%)": PCT,
        },
    )
    csv_download(chain, "subsidy-supply-chain.csv")

    st.header("Providers' own view: expected subsidy and what happened")
    expect = data.query(version, "subsidy_expectations", **params)
    if expect.empty:
        st.info(
            f"No financial return for the contracts in scope ({where}) in this period answers whether the provider "
            "expects to subsidise delivery in the next 12 months (the optional expect_subsidy_12m column)."
        )
    else:
        note(
            "Each answer to 'do you expect to subsidise delivery from other funding in the next 12 months?' "
            "in the period, beside what the same provider's returns for the same contract report over the "
            "next four quarters. 'Expected, not yet' includes answers whose 12 months have not passed."
        )
        shown_expect = _expectation_table(expect)
        st.dataframe(shown_expect, hide_index=True, width="stretch")
        csv_download(shown_expect, "subsidy-expectations.csv")

    st.header("Unfunded demand")
    demand = _demand_table(data.query(version, "subsidy_unfunded_demand", **params))
    if demand.empty:
        st.success(
            f"No contract in scope ({where}) received more referrals than its volume cap in a contract year "
            "overlapping this period."
        )
    else:
        figure(
            "Referrals above the cap (no extra money)",
            f"{demand['Referrals above cap'].sum():,}",
            "Unfunded demand",
        )
        chart_with_table(
            demand_bars(demand),
            demand,
            "unfunded-demand.csv",
            caption="Referrals above the volume cap per contract year; hollow bars: year not finished",
        )

    st.header("Every contract and quarter")
    rows = _contract_quarter_table(
        data.query(version, "subsidy_contract_quarters", **params), quarters
    )
    with st.expander(f"Financial returns in view ({len(rows):,} rows)"):
        note(
            "One row per return: a subcontractor's own return is listed right after its lead's. A return "
            "whose other funding is more than its shortfall is loaded and counted as subsidised; the extra "
            "is shown in its own column so it can be checked with the provider."
        )
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={c: MONEY for c in rows.columns if c.endswith("(£)")}
            | {"Shortfall (% of quarterly value)": PCT},
        )
        csv_download(rows, "subsidy-contract-quarters.csv")


def _headlines(head: pd.Series, quarters: pd.DataFrame) -> None:
    quarter = head.quarter if pd.notna(head.quarter) else None
    one, two, three, four = st.columns(4)

    def count(field: str) -> str:
        return f"{int(head[field]):,}" if quarter else "–"

    with one:
        figure(
            f"Contracts being subsidised, {quarter or 'no complete quarter'}",
            count("contracts_subsidised"),
            "Subsidised",
        )
    with two:
        figure(
            f"Under-funded, {quarter or 'no complete quarter'}",
            count("contracts_under_funded"),
            "Under-funded",
        )
    with three:
        figure(
            f"Gap not covered, {quarter or 'no complete quarter'}",
            count("contracts_gap_not_covered"),
            "Gap not covered",
        )
    with four:
        if not quarter or not head.women_returned:
            value = "–"
        else:
            share = 100 * head.women_subsidised / head.women_returned
            value = f"{percent(share)} ({head.women_subsidised} of {head.women_returned})"
        figure(
            "Women's services being subsidised",
            value,
            "Women's services contracts being subsidised",
        )
    one, two, three = st.columns(3)
    with one:
        figure("Total shortfall", pounds(quarters.shortfall_gbp.sum()), "Shortfall")
    with two:
        figure("Other funding used", pounds(quarters.other_funding_gbp.sum()), "Other funding")
    with three:
        figure("Gap not covered (£)", pounds(quarters.uncovered_gbp.sum()), "Gap not covered")
    if quarter is None:
        note("No quarter has all its financial returns in yet for these contracts.")


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


def _overlap_table(overlap: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Combination": overlap.money_state.str.capitalize(),
            "Contracts": overlap.contracts.astype(int),
        }
    )


def _adds_up(head: pd.Series, overlap: pd.DataFrame) -> str:
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


def _quarter_table(quarters: pd.DataFrame) -> pd.DataFrame:
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


def _risk_table(risk: pd.DataFrame) -> pd.DataFrame:
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


def _split_table(split: pd.DataFrame, name: str) -> pd.DataFrame:
    group = split.group.str.capitalize() if name == "Provider sector" else split.group
    returned = split.contracts_returned
    out = {name: group.to_numpy(), "Contracts returned": returned.to_numpy()}
    for label, count, money, _ in STATES:
        out[label] = split[count].to_numpy()
        out[f"{label} (%)"] = (100 * split[count] / returned).round(1).to_numpy()
        out[f"{label} (£)"] = split[money].round(0).to_numpy()
    return pd.DataFrame(out)


def _chain_table(chain: pd.DataFrame) -> pd.DataFrame:
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


def _expectation_table(expect: pd.DataFrame) -> pd.DataFrame:
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


def _demand_table(demand: pd.DataFrame) -> pd.DataFrame:
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


def _contract_quarter_table(rows: pd.DataFrame, quarters: pd.DataFrame) -> pd.DataFrame:
    provisional = dict(zip(quarters.quarter, quarters.is_provisional, strict=True))

    def yes(flags: pd.Series) -> pd.Series:
        return flags.map({True: "yes", False: "no"})

    return pd.DataFrame(
        {
            "Contract": rows.contract_ref,
            "Service": rows.intervention_title,
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


# ---- DataFrame -> chart (no Streamlit below) --------------------------------------------------------


def quarterly_lines(table: pd.DataFrame) -> alt.Chart:
    """Shortfall and other funding per quarter: two series told apart by colour, shape and dash;
    provisional quarters have hollow points and say so in the tooltip."""
    long = table.melt(
        id_vars=["Quarter", "Provisional"],
        value_vars=["Shortfall (£)", "Other funding used (£)"],
        var_name="Measure",
        value_name="Pounds",
    )
    enc = {  # the legend goes below the chart, so a phone keeps the width for the lines
        k: v.legend(orient="bottom") for k, v in categorical("Measure:N", title=None).items()
    }
    base = alt.Chart(long).encode(
        x=alt.X("Quarter:O", title="Quarter", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Pounds:Q", title="Pounds (£)", axis=alt.Axis(format="~s")),
    )
    lines = base.mark_line().encode(
        color=enc["color"], strokeDash=enc["strokeDash"], detail="Measure:N"
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


def state_bars(frame: pd.DataFrame, *, label: str) -> alt.Chart:
    """The share of contracts in each state per group: bars side by side, told apart by colour and by an
    'n of m' label, so they read without colour."""
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
                }
            )
            for state, *_ in STATES
        ],
        ignore_index=True,
    )
    order = [s[0] for s in STATES]
    long["_label"] = long[label].map(wrap_label)
    base = alt.Chart(long).encode(
        y=bar_axis("_label", list(dict.fromkeys(long["_label"]))),
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
    text = base.mark_text(align="left", dx=3).encode(text="Label:N")
    return fit_width(bars + text).properties(
        height=max(120, 3 * 22 * len(frame), bar_height(frame[label]))
    )


def demand_bars(frame: pd.DataFrame) -> alt.Chart:
    """Referrals above the cap per contract year, largest first; a year not yet finished is a hollow bar
    and its label says 'so far'."""
    top = frame.sort_values("Referrals above cap", ascending=False, kind="stable").assign(
        Label=frame["Referrals above cap"].astype(str)
        + frame["Provisional"].map(lambda p: " so far" if p.startswith("yes") else ""),
        _label=frame["Contract year"].map(wrap_label),
    )
    base = alt.Chart(top).encode(
        y=bar_axis("_label", list(top["_label"])),
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
        fill=alt.condition(
            "indexof(datum.Provisional, 'yes') == 0", alt.value("white"), alt.value(OKABE_ITO[5])
        )
    )
    text = base.mark_text(align="left", dx=3).encode(text="Label:N")
    return fit_width(bars + text).properties(height=bar_height(top["Contract year"]))

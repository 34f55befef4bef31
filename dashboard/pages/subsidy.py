"""Subsidy signals: three financial states told apart (under-funded, subsidised, gap not covered), who in
the supply chain carries them, what providers expect, and referrals delivered above the cap for no more
money. Queries in dashboard/queries/subsidy.py."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, scope
from dashboard.charts.subsidy import (
    adds_up,
    chain_table,
    contract_quarter_table,
    demand_bars,
    demand_table,
    expectation_table,
    overlap_table,
    quarter_table,
    quarterly_lines,
    reasons_list,
    risk_table,
    split_table,
    state_bars,
    state_table,
)
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
        overlap = overlap_table(
            data.query(version, "subsidy_state_overlap", **chosen.params(), quarter=quarter)
        )
        st.dataframe(overlap, hide_index=True, width="stretch")
        st.markdown(adds_up(head, overlap))
        csv_download(states, f"subsidy-states-{quarter}.csv")

    st.header("Shortfall and other funding, quarter by quarter")
    table = quarter_table(quarters)
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
    risk = risk_table(data.query(version, "subsidy_risk", **chosen.params()))
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
            part = split_table(split[split.split == name], name)
            chart_with_table(
                state_bars(part, label=name),
                part,
                f"subsidy-{file_name}-{quarter}.csv",
                caption=f"Share of contracts in each state in {quarter}, by {name.lower()}",
            )

    st.header("Across the supply chain")
    chain = chain_table(data.query(version, "subsidy_supply_chain", **params))
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
        shown_expect = expectation_table(expect)
        st.dataframe(shown_expect, hide_index=True, width="stretch")
        csv_download(shown_expect, "subsidy-expectations.csv")

    st.header("Unfunded demand")
    demand = demand_table(data.query(version, "subsidy_unfunded_demand", **params))
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
    rows = contract_quarter_table(
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

"""Subsidy signals: where contracts pay less than the service costs, who makes up the difference, and
referrals delivered above the cap for no more money. Queries in dashboard/queries/subsidy.py."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, scope
from dashboard.charts import OKABE_ITO, categorical, fit_width
from dashboard.layout import begin, chart_with_table, csv_download, figure, note, percent, pounds
from dashboard.text import md
from warehouse.settings import Settings

WOMEN = "Women's Services"
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
            f"No financial returns have been loaded for contracts in {where} in this period, so there is "
            "nothing to show yet. Providers send one per contract each quarter (the financial_returns file "
            "in docs/data-contracts.md). Try a longer period or a wider choice in the filters."
        )
        return
    latest = data.query(version, "subsidy_latest_complete_quarter", **chosen.params())
    quarter = latest.quarter.iloc[0] if len(latest) else None
    split = data.query(version, "subsidy_split", **chosen.params(), quarter=quarter)
    note(
        f"{where}. Quarters from {quarters.quarter.iloc[0]} to {quarters.quarter.iloc[-1]} (calendar "
        f"quarters overlapping the period chosen). Data runs up to {as_of:%d %B %Y}."
    )
    _headlines(quarters, split, quarter)

    st.header("Shortfall and other funding, quarter by quarter")
    table = _quarter_table(quarters)
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
            f"No contract in {where} shows a shortfall, other funding or referrals above its cap."
        )
    else:
        note(
            "Ranked by the subsidy risk score (0 to 10), from the last four quarterly returns and the current "
            "contract year, whatever the period chosen. Only contracts scoring above 0 are listed."
        )
        st.dataframe(
            risk,
            hide_index=True,
            width="stretch",
            column_config={"Why": st.column_config.TextColumn(width="large")},
        )
        csv_download(risk, "subsidy-risk.csv")
    with st.expander("How the risk score is worked out"):
        st.markdown(
            "- 1 point for each of the last four quarterly returns with a shortfall (up to 4)\n"
            "- 2 points if the latest return's shortfall is at least 15% of a quarter of the contract's "
            "annual value (1 point if at least 5%)\n"
            "- 2 points if the provider used other funding (reserves, grants, fundraising) in those quarters\n"
            "- 2 points if referrals are above the volume cap in the current contract year\n\n"
            "A missing latest return is named in the reasons but scores nothing."
        )

    if quarter is not None:
        st.header(f"By lot and by provider sector, {quarter}")
        note(f"Contracts that sent a financial return for {quarter}, the latest complete quarter.")
        for name, file_name in (("Lot", "by-lot"), ("Provider sector", "by-sector")):
            part = _split_table(split[split.split == name], name)
            chart_with_table(
                share_bars(part, label=name),
                part,
                f"subsidy-{file_name}-{quarter}.csv",
                caption=f"Share of contracts with a subsidy signal in {quarter}, by {name.lower()}",
            )

    st.header("Unfunded demand")
    demand = _demand_table(data.query(version, "subsidy_unfunded_demand", **params))
    if demand.empty:
        st.success(
            f"No contract in {where} received more referrals than its volume cap in a contract year "
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
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={c: MONEY for c in rows.columns if c.endswith("(£)")}
            | {"Shortfall (% of quarterly value)": PCT},
        )
        csv_download(rows, "subsidy-contract-quarters.csv")


def _headlines(quarters: pd.DataFrame, split: pd.DataFrame, quarter: str | None) -> None:
    one, two, three, four = st.columns(4)
    with one:
        signals = quarters.loc[quarters.quarter == quarter, "contracts_with_signal"]
        figure(
            f"Contracts with a signal, {quarter or 'no complete quarter'}",
            f"{int(signals.iloc[0]):,}" if len(signals) else "–",
            "Subsidy signal",
        )
    with two:
        figure("Total shortfall", pounds(quarters.shortfall_gbp.sum()), "Shortfall")
    with three:
        figure("Other funding used", pounds(quarters.other_funding_gbp.sum()), "Other funding")
    with four:
        women = split[(split.split == "Lot") & (split.group == WOMEN)]
        if women.empty:
            value = "–"
        else:
            w = women.iloc[0]
            share = 100 * w.contracts_with_signal / w.contracts_returned
            value = f"{percent(share)} ({w.contracts_with_signal} of {w.contracts_returned})"
        figure(
            "Women's services with a signal",
            value,
            "Women's services contracts with a signal",
        )
    if quarter is None:
        note("No quarter has all its financial returns in yet for these contracts.")


def _quarter_table(quarters: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Quarter": quarters.quarter,
            "Shortfall (£)": quarters.shortfall_gbp.round(0),
            "Other funding used (£)": quarters.other_funding_gbp.round(0),
            "Contracts with a signal": quarters.contracts_with_signal,
            "Returns in": quarters.returns_in,
            "Returns due": quarters.returns_due,
            "Provisional": quarters.is_provisional.map({True: "yes", False: "no"}),
        }
    )


def _risk_table(risk: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": range(1, len(risk) + 1),
            "Contract": risk.contract_ref,
            "Score (0 to 10)": risk.risk_score,
            "Why": risk.reasons,
            "Lead provider": risk.lead_provider_name,
            "Lot": risk.lot,
        }
    )


def _split_table(split: pd.DataFrame, name: str) -> pd.DataFrame:
    group = split.group.str.capitalize() if name == "Provider sector" else split.group
    return pd.DataFrame(
        {
            name: group.to_numpy(),
            "Contracts returned": split.contracts_returned.to_numpy(),
            "With a signal": split.contracts_with_signal.to_numpy(),
            "Share with a signal (%)": (
                100 * split.contracts_with_signal / split.contracts_returned
            )
            .round(1)
            .to_numpy(),
            "Shortfall (£)": split.shortfall_gbp.round(0).to_numpy(),
            "Other funding used (£)": split.other_funding_gbp.round(0).to_numpy(),
        }
    )


def _demand_table(demand: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Contract year": demand.contract_ref + " year " + demand.contract_year.astype(str),
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
    return pd.DataFrame(
        {
            "Contract": rows.contract_ref,
            "Service": rows.intervention_title,
            "Lead provider": rows.lead_provider_name,
            "Lot": rows.lot,
            "Quarter": rows.quarter,
            "Contract income (£)": rows.contract_income_gbp.round(0),
            "Full delivery cost (£)": rows.full_delivery_cost_gbp.round(0),
            "Shortfall (£)": rows.shortfall_gbp.round(0),
            "Shortfall (% of quarterly value)": rows.shortfall_pct_of_value.round(1),
            "Other funding used (£)": rows.other_funding_gbp.round(0),
            "Other funding from": rows.other_funding_source.fillna(""),
            "Subsidy signal": rows.is_subsidy_signal.map({True: "yes", False: "no"}),
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


def share_bars(frame: pd.DataFrame, *, label: str) -> alt.Chart:
    """Horizontal bars of the share with a signal, each labelled 'n of m' so it reads without colour."""
    shown = frame.assign(
        Label=frame["With a signal"].astype(str) + " of " + frame["Contracts returned"].astype(str)
    )
    base = alt.Chart(shown).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(
            "Share with a signal (%):Q",
            title="Contracts with a signal (%)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        tooltip=[
            alt.Tooltip(f"{label}:N"),
            alt.Tooltip("Label:N", title="Contracts with a signal"),
            alt.Tooltip("Share with a signal (%):Q", format=".0f"),
        ],
    )
    bars = base.mark_bar(color=OKABE_ITO[0])
    text = base.mark_text(align="left", dx=3).encode(text="Label:N")
    return fit_width(bars + text).properties(height=max(100, 28 * len(frame)))


def demand_bars(frame: pd.DataFrame) -> alt.Chart:
    """Referrals above the cap per contract year, largest first; a year not yet finished is a hollow bar
    and its label says 'so far'."""
    top = frame.assign(
        Label=frame["Referrals above cap"].astype(str)
        + frame["Provisional"].map(lambda p: " so far" if p.startswith("yes") else "")
    )
    base = alt.Chart(top).encode(
        y=alt.Y("Contract year:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
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
    return fit_width(bars + text).properties(height=max(100, 24 * len(top)))

"""The Subsidy signals page, run by Streamlit's AppTest on the demo warehouse (as of 20 November 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.layout import pounds
from warehouse.connection import Warehouse

# The demo data runs up to 20 November 2026: 2026-Q3 is the last quarter that has ended, and the default
# period (12 months: December 2025 to November 2026) shows the quarters from 2025-Q4.
FIRST_QUARTER = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def warehouse_sql(demo_warehouse):
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    yield lambda sql, **p: con.execute(sql, p).fetchall()
    con.close()


def expected(sql, region: str | None = None) -> dict[str, str]:
    """The headline figures worked out from the core tables, not from the page's views. The latest complete
    quarter is 2026-Q3 only if every contract that ran in it sent its lead provider's return; a contract is in
    a state when any return of its supply chain (lead or subcontractor) is."""
    due, back = sql(
        """
        SELECT count(*) FILTER (WHERE c.start_date <= DATE '2026-09-30'
                                  AND coalesce(c.end_date, DATE '2099-01-01') >= DATE '2026-07-01'),
               (SELECT count(*) FROM core_financial_return f JOIN core_contract c USING (contract_ref)
                WHERE f.quarter = '2026-Q3' AND f.provider_code = c.lead_provider_code
                  AND (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region))
        FROM core_contract c WHERE CAST($region AS VARCHAR) IS NULL OR c.region_code = $region
        """,
        region=region,
    )[0]
    quarter = "2026-Q3" if back == due else "2026-Q2"
    under, subsidised, gap, women, women_subsidised = sql(
        """
        SELECT count(DISTINCT f.contract_ref) FILTER (WHERE f.full_delivery_cost_gbp > f.contract_income_gbp),
               count(DISTINCT f.contract_ref) FILTER (WHERE f.other_funding_gbp > 0),
               count(DISTINCT f.contract_ref) FILTER (
                   WHERE f.full_delivery_cost_gbp > f.contract_income_gbp + f.other_funding_gbp),
               count(DISTINCT f.contract_ref) FILTER (WHERE t.lot = 'Women''s Services'),
               count(DISTINCT f.contract_ref) FILTER (WHERE t.lot = 'Women''s Services' AND f.other_funding_gbp > 0)
        FROM core_financial_return f JOIN core_contract c USING (contract_ref)
        JOIN ref_contract_type t USING (contract_type_code)
        WHERE f.quarter = $quarter AND (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region)
        """,
        quarter=quarter,
        region=region,
    )[0]
    shortfall, other, uncovered = sql(
        """
        SELECT sum(greatest(f.full_delivery_cost_gbp - f.contract_income_gbp, 0)), sum(f.other_funding_gbp),
               sum(greatest(f.full_delivery_cost_gbp - f.contract_income_gbp - f.other_funding_gbp, 0))
        FROM core_financial_return f JOIN core_contract c USING (contract_ref)
        WHERE f.quarter_start >= $first AND (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region)
        """,
        first=FIRST_QUARTER,
        region=region,
    )[0]
    women_share = (
        f"{100 * women_subsidised / women:.0f}% ({women_subsidised} of {women})" if women else "–"
    )
    return {
        f"Contracts being subsidised, {quarter}": f"{subsidised:,}",
        f"Under-funded, {quarter}": f"{under:,}",
        f"Gap not covered, {quarter}": f"{gap:,}",
        "Total shortfall": pounds(float(shortfall)),
        "Other funding used": pounds(float(other)),
        "Gap not covered (£)": pounds(float(uncovered)),
        "Women's services being subsidised": women_share,
    }


def shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, *columns: str):
    """The first table on the page that has all these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_headline_figures_equal_the_warehouse(demo_warehouse, page, warehouse_sql):
    """The three states in the latest complete quarter, the period's pounds and the women's share match SQL."""
    at = page("subsidy", demo_warehouse.data_dir)
    assert not at.exception
    assert at.title[0].value == "Subsidy signals"
    want = expected(warehouse_sql)
    assert {k: v for k, v in shown(at).items() if k in want} == want


def test_latest_quarter_with_returns_missing_is_provisional(demo_warehouse, page):
    """2026-Q3 still lacks some returns, so it is marked provisional in the quarterly table (and its CSV)."""
    at = page("subsidy", demo_warehouse.data_dir)
    quarters = table(at, "Quarter", "Returns due").set_index("Quarter")
    assert quarters.loc["2026-Q3", "Provisional"] == "yes"
    assert quarters.loc["2026-Q3", "Returns in"] < quarters.loc["2026-Q3", "Returns due"]
    assert set(quarters.drop(index="2026-Q3")["Provisional"]) == {"no"}
    assert "2026-Q3 is provisional" in " ".join(m.value for m in at.markdown)


def test_region_filter_changes_the_figures(demo_warehouse, page, warehouse_sql):
    """Choosing Wales shows Wales's own figures, different from England and Wales."""
    at = page("subsidy", demo_warehouse.data_dir)
    everywhere = shown(at)
    at.sidebar.selectbox(key="f_region").set_value("D").run()
    assert not at.exception
    want = expected(warehouse_sql, "D")
    assert {k: v for k, v in shown(at).items() if k in want} == want
    assert shown(at)["Total shortfall"] != everywhere["Total shortfall"]
    risk = table(at, "Score (0 to 10)")
    assert set(risk["Contract"]) <= {
        r[0]
        for r in warehouse_sql("SELECT contract_label FROM mart_contract WHERE region_code = 'D'")
    }


def test_risk_list_is_ranked_with_reasons(demo_warehouse, page):
    """Contracts at risk come highest score first, each with a reason in words."""
    at = page("subsidy", demo_warehouse.data_dir)
    risk = table(at, "Score (0 to 10)")
    assert list(risk["Score (0 to 10)"]) == sorted(risk["Score (0 to 10)"], reverse=True)
    assert risk["Why"].str.len().gt(0).all()
    assert risk["Why"].str.contains("under-funded in").any()
    assert risk["Why"].str.contains("subsidised with").any()
    assert risk["Why"].str.contains("gap not covered in").any()


def test_three_states_differ_and_add_up(demo_warehouse, page):
    """The states table repeats the headline counts; on the demo they differ; the combinations add up to the
    contracts that returned, and under-funded, subsidised and gap not covered are the documented sums of them."""
    at = page("subsidy", demo_warehouse.data_dir)
    metrics = shown(at)
    states = table(at, "State", "Contracts").set_index("State")["Contracts"]
    quarter = next(k for k in metrics if k.startswith("Under-funded, ")).split(", ")[1]
    assert states["Subsidised"] == int(metrics[f"Contracts being subsidised, {quarter}"])
    assert states["Under-funded"] == int(metrics[f"Under-funded, {quarter}"])
    assert states["Gap not covered"] == int(metrics[f"Gap not covered, {quarter}"])
    assert len(set(states)) == 3
    combos = table(at, "Combination").set_index("Combination")["Contracts"]
    n = combos.reindex(
        [
            "Under-funded, nothing covered",
            "Under-funded, partly covered",
            "Under-funded, covered by other funding",
            "Subsidised, not under-funded",
            "Neither",
        ],
        fill_value=0,
    )
    assert states["Under-funded"] == n.iloc[0] + n.iloc[1] + n.iloc[2]
    assert states["Subsidised"] == n.iloc[1] + n.iloc[2] + n.iloc[3]
    assert states["Gap not covered"] == n.iloc[0] + n.iloc[1]
    assert all(n.iloc[:4] > 0)


def test_subcontractor_returns_sit_beside_the_lead_and_carry_subsidy(demo_warehouse, page):
    """In the every-return table a subcontractor's row follows its lead's for the same contract and quarter;
    subcontractors, small ones among them, carry part of the other funding."""
    at = page("subsidy", demo_warehouse.data_dir)
    rows = table(at, "Provider", "Role").reset_index(drop=True)
    assert (rows.Role == "subcontractor").any()
    for _, group in rows.groupby(["Contract", "Quarter"]):
        if (group.Role == "subcontractor").any():
            assert list(group.index) == list(range(group.index[0], group.index[-1] + 1))
            assert list(group.Role)[:1] == ["lead"]
    chain = table(at, "Carried by").set_index("Carried by")
    assert chain.loc["Subcontractors", "Other funding used (£)"] > 0
    assert chain.loc["Small subcontractors (income under £1m)", "Other funding used (£)"] > 0


def test_every_return_names_its_contract(demo_warehouse, page, warehouse_sql):
    """The every-return table lists each return's contract by name and reference, as the register gives
    them (title, then reference in brackets), with no separate Service column."""
    at = page("subsidy", demo_warehouse.data_dir)
    rows = table(at, "Provider", "Role")
    labels = {
        f"{title} ({ref})"
        for ref, title in warehouse_sql(
            "SELECT contract_ref, intervention_title FROM core_contract"
        )
    }
    assert len(rows) > 0
    assert set(rows["Contract"]) <= labels
    assert "Service" not in rows.columns


def test_expectations_by_lot(demo_warehouse, page):
    """Providers' expectations beside what happened: women's services expected subsidy and it happened."""
    at = page("subsidy", demo_warehouse.data_dir)
    expect = table(at, "Expected and happened").set_index("Lot")
    assert expect.loc["Women's Services", "Expected and happened"] > 0
    assert expect.loc["Accommodation", "Expected and happened"] == 0
    assert expect.loc["Accommodation", "Said value not sufficient"] > 0


def test_overview_shows_the_same_subsidy_headline(demo_warehouse, page):
    """The Overview's 'Contracts being subsidised' is the Subsidy page's own figure for the same quarter."""
    subsidy = shown(page("subsidy", demo_warehouse.data_dir))
    label = next(k for k in subsidy if k.startswith("Contracts being subsidised, "))
    quarter = label.split(", ")[1]
    overview = shown(page("overview", demo_warehouse.data_dir))
    assert overview[f"Contracts being subsidised ({quarter})"] == subsidy[label]


def test_no_returns_says_what_is_missing(small_warehouse, page):
    """A warehouse with contracts but no financial returns explains which file is needed."""
    at = page("subsidy", small_warehouse.data_dir)
    assert not at.exception
    assert "No financial returns have been loaded" in at.info[0].value
    assert not at.metric

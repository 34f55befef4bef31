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
    """The headline figures worked out from the core tables, not from the page's views."""
    due, back = sql(
        """
        SELECT count(*) FILTER (WHERE c.start_date <= DATE '2026-09-30'
                                  AND coalesce(c.end_date, DATE '2099-01-01') >= DATE '2026-07-01'),
               (SELECT count(*) FROM core_financial_return f JOIN core_contract c USING (contract_ref)
                WHERE f.quarter = '2026-Q3' AND (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region))
        FROM core_contract c WHERE CAST($region AS VARCHAR) IS NULL OR c.region_code = $region
        """,
        region=region,
    )[0]
    quarter = "2026-Q3" if back == due else "2026-Q2"
    signals, women, women_signals = sql(
        """
        SELECT count(*) FILTER (WHERE f.full_delivery_cost_gbp > f.contract_income_gbp OR f.other_funding_gbp > 0),
               count(*) FILTER (WHERE t.lot = 'Women''s Services'),
               count(*) FILTER (WHERE t.lot = 'Women''s Services' AND
                   (f.full_delivery_cost_gbp > f.contract_income_gbp OR f.other_funding_gbp > 0))
        FROM core_financial_return f JOIN core_contract c USING (contract_ref)
        JOIN ref_contract_type t USING (contract_type_code)
        WHERE f.quarter = $quarter AND (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region)
        """,
        quarter=quarter,
        region=region,
    )[0]
    shortfall, other = sql(
        """
        SELECT sum(greatest(f.full_delivery_cost_gbp - f.contract_income_gbp, 0)), sum(f.other_funding_gbp)
        FROM core_financial_return f JOIN core_contract c USING (contract_ref)
        WHERE f.quarter_start >= $first AND (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region)
        """,
        first=FIRST_QUARTER,
        region=region,
    )[0]
    women_share = (
        f"{100 * women_signals / women:.0f}% ({women_signals} of {women})" if women else "–"
    )
    return {
        f"Contracts with a signal, {quarter}": f"{signals:,}",
        "Total shortfall": pounds(float(shortfall)),
        "Other funding used": pounds(float(other)),
        "Women's services with a signal": women_share,
    }


def shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_headline_figures_equal_the_warehouse(demo_warehouse, page, warehouse_sql):
    """Signals in the latest complete quarter, total shortfall, other funding and the women's share match SQL."""
    at = page("subsidy", demo_warehouse.data_dir)
    assert not at.exception
    assert at.title[0].value == "Subsidy signals"
    want = expected(warehouse_sql)
    assert {k: v for k, v in shown(at).items() if k in want} == want


def test_latest_quarter_with_returns_missing_is_provisional(demo_warehouse, page):
    """2026-Q3 still lacks some returns, so it is marked provisional in the quarterly table (and its CSV)."""
    at = page("subsidy", demo_warehouse.data_dir)
    quarters = at.dataframe[0].value.set_index("Quarter")
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
    risk = at.dataframe[1].value
    assert set(risk["Contract"]) <= {
        r[0]
        for r in warehouse_sql("SELECT contract_ref FROM core_contract WHERE region_code = 'D'")
    }


def test_risk_list_is_ranked_with_reasons(demo_warehouse, page):
    """Contracts at risk come highest score first, each with a reason in words."""
    at = page("subsidy", demo_warehouse.data_dir)
    risk = at.dataframe[1].value
    assert list(risk["Score (0 to 10)"]) == sorted(risk["Score (0 to 10)"], reverse=True)
    assert risk["Why"].str.len().gt(0).all()
    assert risk["Why"].str.contains("of the last").any()


def test_no_returns_says_what_is_missing(small_warehouse, page):
    """A warehouse with contracts but no financial returns explains which file is needed."""
    at = page("subsidy", small_warehouse.data_dir)
    assert not at.exception
    assert "No financial returns have been loaded" in at.info[0].value
    assert not at.metric

"""The Overview page under AppTest on the demo warehouse."""

from __future__ import annotations

from tests.app.conftest import no_contract_in_scope
from warehouse.connection import Warehouse


def _headline(demo_warehouse, region: str | None = None) -> tuple[int, int]:
    """Referrals received over the last 12 months (to the as-of month) and contracts in scope, straight from SQL."""
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    try:
        return con.execute(
            """
            WITH a AS (SELECT as_of_date, (provisional_month - INTERVAL 11 MONTH)::DATE AS since FROM mart_data_as_of),
            c AS (SELECT c.contract_ref FROM core_contract c, a
                  WHERE (CAST(? AS VARCHAR) IS NULL OR c.region_code = ?)
                    AND c.start_date <= a.as_of_date AND (c.end_date IS NULL OR c.end_date >= a.since))
            SELECT (SELECT count(*) FROM core_referral r, a
                    WHERE r.contract_ref IN (SELECT contract_ref FROM c) AND r.referral_month >= a.since),
                   (SELECT count(*) FROM c)
            """,
            [region, region],
        ).fetchone()
    finally:
        con.close()


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_shows_headline_figures_of_the_warehouse(demo_warehouse, page):
    """The page renders and its referrals and contracts figures equal the warehouse's own counts."""
    at = page("overview", demo_warehouse.data_dir)
    assert not at.exception
    received, contracts = _headline(demo_warehouse)
    assert _metric(at, "Referrals received") == f"{received:,}"
    assert _metric(at, "Contracts in scope") == f"{contracts:,}"
    assert len(at.dataframe) == 2  # the regions' table and the contracts needing attention


def test_region_filter_changes_the_figures(demo_warehouse, page):
    """Choosing North West in the sidebar narrows the headline figures to its contracts."""
    at = page("overview", demo_warehouse.data_dir)
    at.sidebar.selectbox(key="f_region").set_value("B").run()
    assert not at.exception
    received, contracts = _headline(demo_warehouse, "B")
    assert _metric(at, "Referrals received") == f"{received:,}"
    assert _metric(at, "Contracts in scope") == f"{contracts:,}"


def test_filters_with_no_contract_say_so(demo_warehouse, page):
    """A region with no contract of the chosen lot shows an empty state naming the filters, not an error."""
    at = page("overview", demo_warehouse.data_dir)
    assert "No contracts match these filters (North East, Mentoring)" in no_contract_in_scope(at)
    assert not at.metric

"""The Volume versus forecast page under AppTest on the demo warehouse."""

from __future__ import annotations

from tests.app.conftest import no_contract_in_scope
from warehouse.connection import Warehouse


def _sql(demo_warehouse, sql: str, params: list):
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


_RECEIVED = """
    WITH a AS (SELECT (provisional_month - INTERVAL 11 MONTH)::DATE AS since, as_of_date FROM mart_data_as_of)
    SELECT count(*) FROM core_referral r JOIN core_contract c USING (contract_ref), a
    WHERE r.referral_month >= a.since AND (CAST(? AS VARCHAR) IS NULL OR c.region_code = ?)
      AND (CAST(? AS VARCHAR) IS NULL OR c.contract_ref = ?)
      AND c.start_date <= a.as_of_date AND (c.end_date IS NULL OR c.end_date >= a.since)
"""


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_volume_shows_referrals_of_the_warehouse(demo_warehouse, page):
    """The page renders and referrals received over the last 12 months equal the warehouse's count."""
    at = page("volume", demo_warehouse.data_dir)
    assert not at.exception
    (received,) = _sql(demo_warehouse, _RECEIVED, [None, None, None, None])
    assert _metric(at, "Referrals received") == f"{received:,}"
    assert at.radio(key="volume_group").value == "Region"
    tables = [d.value for d in at.dataframe]
    assert all("Provisional" in t.columns for t in tables if "Month" in t.columns)


def test_region_filter_and_contract_choice_change_the_figures(demo_warehouse, page):
    """North West narrows the figures to its contracts; choosing one contract narrows them to it."""
    at = page("volume", demo_warehouse.data_dir)
    at.sidebar.selectbox(key="f_region").set_value("B").run()
    assert not at.exception
    (received,) = _sql(demo_warehouse, _RECEIVED, ["B", "B", None, None])
    assert _metric(at, "Referrals received") == f"{received:,}"
    contract = at.selectbox(key="volume_contract").options[1]
    ref = contract.rsplit("(", 1)[1].rstrip(")")
    at.selectbox(key="volume_contract").set_value(ref).run()
    assert not at.exception
    (one,) = _sql(demo_warehouse, _RECEIVED, ["B", "B", ref, ref])
    assert _metric(at, "Referrals received") == f"{one:,}"


def test_group_by_changes_the_gap_table(demo_warehouse, page):
    """Grouping by lot shows one row per lot in the gap table."""
    at = page("volume", demo_warehouse.data_dir)
    at.radio(key="volume_group").set_value("Lot").run()
    assert not at.exception
    assert any("Lot" in d.value.columns for d in at.dataframe)


def test_filters_with_no_contract_say_so(demo_warehouse, page):
    """A region with no contract of the chosen lot shows an empty state naming the filters."""
    at = page("volume", demo_warehouse.data_dir)
    assert "No contracts match these filters (North East, Mentoring)" in no_contract_in_scope(at)

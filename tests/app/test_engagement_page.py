"""The Engagement coverage page, run by Streamlit's AppTest on the demo warehouse (as of 20 November 2026)."""

from __future__ import annotations

import pytest

from warehouse.connection import Warehouse


@pytest.fixture(scope="module")
def warehouse_sql(demo_warehouse):
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    yield lambda sql, *p: con.execute(sql, list(p)).fetchall()
    con.close()


def reach(sql, region: str | None = None) -> tuple[int, int]:
    """(organisation-region pairs, those that came to that region's forum in the 12 months to the as-of day),
    worked out from the core tables."""
    return sql(
        """
        WITH a AS (SELECT max(referred_at)::DATE AS d FROM core_referral),
        pairs AS (SELECT org_id, unnest(regions_served) AS region_code FROM core_organisation),
        came AS (
            SELECT DISTINCT t.org_id, m.region_code
            FROM core_forum_attendance t JOIN core_forum_meeting m USING (meeting_id), a
            WHERE m.meeting_date <= a.d AND m.meeting_date > a.d - INTERVAL 12 MONTH
        )
        SELECT count(*), count(c.org_id)
        FROM pairs p LEFT JOIN came c USING (org_id, region_code)
        WHERE CAST(? AS VARCHAR) IS NULL OR p.region_code = ?
        """,
        region,
        region,
    )[0]


def shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_headline_coverage_equals_the_warehouse(demo_warehouse, page, warehouse_sql):
    """Coverage and organisations reached across England and Wales match a count from the core tables."""
    at = page("engagement", demo_warehouse.data_dir)
    assert not at.exception
    assert at.title[0].value == "Engagement coverage"
    known, reached = reach(warehouse_sql)
    assert shown(at)["Organisations reached"] == f"{reached:,} of {known:,}"
    assert shown(at)["Coverage"] == f"{100 * reached / known:.0f}%"
    by_region = at.dataframe[0].value
    assert by_region["Reached"].sum() == reached


def test_page_says_which_filters_apply(demo_warehouse, page):
    """The page says that the region filter applies and the lot and provider filters do not."""
    at = page("engagement", demo_warehouse.data_dir)
    text = " ".join(m.value for m in at.markdown)
    assert "the region filter applies here" in text
    assert "lot and lead provider filters do not" in text


def test_region_filter_narrows_figures_and_outreach_list(demo_warehouse, page, warehouse_sql):
    """Choosing Wales shows Wales's coverage, and the outreach list holds only Wales's organisations not reached."""
    at = page("engagement", demo_warehouse.data_dir)
    national = shown(at)["Organisations reached"]
    at.sidebar.selectbox(key="f_region").set_value("D").run()
    assert not at.exception
    known, reached = reach(warehouse_sql, "D")
    assert shown(at)["Organisations reached"] == f"{reached:,} of {known:,}"
    assert shown(at)["Organisations reached"] != national
    outreach = at.dataframe[-1].value
    assert len(outreach) == known - reached
    assert set(outreach["Not reached in"]) == {"Wales"}
    assert shown(at)["Organisations to reach"] == f"{known - reached:,}"


def test_unfinished_quarter_of_forums_is_provisional(demo_warehouse, page):
    """The quarter holding the as-of day (2026-Q4) is marked provisional in the forums table."""
    at = page("engagement", demo_warehouse.data_dir)
    forums = next(d.value for d in at.dataframe if "Forums held" in d.value.columns)
    assert forums.iloc[-1]["Quarter"] == "2026-Q4"
    assert forums.iloc[-1]["Provisional"].startswith("yes")
    # The headline counts the forums of the 12 months to the as-of day (the coverage window), not whole
    # quarters: of 2025-Q4's 15 forums, the 8 of October to 13 November 2025 fall before the window (from
    # 21 November 2025); the 2 of 24 November and 5 of December are in it.
    in_window = forums["Of which in the 12 months to 20 Nov 2026"]
    assert forums.set_index("Quarter").loc["2025-Q4"].tolist()[:2] == [15, 7]
    assert shown(at)["Forums held, 12 months to 20 Nov 2026"] == f"{in_window.sum():,}"
    assert in_window.sum() == forums["Forums held"].sum() - 8


def test_no_organisations_says_what_is_missing(small_warehouse, page):
    """A warehouse with no register of organisations says which file to load instead of showing 0%."""
    at = page("engagement", small_warehouse.data_dir)
    assert not at.exception
    assert "No voluntary organisations are registered" in at.info[0].value

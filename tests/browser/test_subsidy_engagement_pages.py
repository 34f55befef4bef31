"""The Subsidy signals and Engagement coverage pages in a real browser on the demo warehouse, at desktop and
phone widths: key text, a headline figure equal to the warehouse, no serious accessibility problem, and a
screenshot for the README."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, open_page, screenshot
from tests.browser.test_pages import serious_violations
from warehouse.connection import Warehouse

PAGES = {
    "subsidy": ("Subsidy signals", ["Contracts most at risk", "Unfunded demand"]),
    "engagement": ("Engagement coverage", ["Outreach list", "Forums held per quarter"]),
}


def metric(page, label: str) -> str:
    """The value shown in the headline figure with this label."""
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_accessibly(browser, demo_url, path, viewport):
    """The page shows its title and sections, no error, and has no serious or critical axe violation."""
    title, sections = PAGES[path]
    page = open_page(browser, f"{demo_url}/{path}", viewport)
    assert page.locator("h1").first.inner_text() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    for section in sections:
        expect(page.get_by_role("heading", name=section)).to_have_count(1, timeout=30_000)
    assert serious_violations(page) == []
    screenshot(page, path, viewport)
    page.close()


def test_subsidy_total_shortfall_equals_the_warehouse(browser, demo_url, demo_warehouse):
    """The total shortfall shown is the sum of shortfalls in the quarters from 2025-Q4 (12 months to November 2026)."""
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    total = con.execute(
        "SELECT sum(greatest(full_delivery_cost_gbp - contract_income_gbp, 0)) FROM core_financial_return "
        "WHERE quarter_start >= DATE '2025-10-01'"
    ).fetchone()[0]
    con.close()
    page = open_page(browser, f"{demo_url}/subsidy", DESKTOP)
    assert metric(page, "Total shortfall") == f"£{float(total):,.0f}"
    page.close()


def test_engagement_reached_equals_the_warehouse(browser, demo_url, demo_warehouse):
    """The organisations reached shown are the warehouse's coverage count as of the data's as-of day."""
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    known, reached = con.execute(
        "SELECT sum(organisations), sum(engaged) FROM engagement_coverage("
        "(SELECT as_of_date FROM mart_data_as_of)) WHERE segment = 'all'"
    ).fetchone()
    con.close()
    page = open_page(browser, f"{demo_url}/engagement", DESKTOP)
    assert metric(page, "Organisations reached") == f"{int(reached):,} of {int(known):,}"
    page.close()

"""The Overview and Volume pages in a real browser on the demo data: key text, a figure equal to the
warehouse, no serious accessibility problem, and screenshots for the README."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.browser.test_pages import renders_accessibly
from warehouse.connection import Warehouse

PAGES = {"overview": "Overview", "volume": "Volume versus forecast"}
# The Overview is the app's default page: Streamlit serves it at "/" and answers "/overview" with
# "Page not found" (frame.py gives it url_path "overview" but default=True), so it is visited at "/".
URLS = {"overview": "/", "volume": "/volume"}
KEY_TEXT = {"overview": "Contracts needing attention", "volume": "Timeliness of first assessments"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_accessibly(browser, demo_url, path, viewport):
    """The page shows its title and key section, no error, and has no serious or critical axe violation."""
    renders_accessibly(
        browser, f"{demo_url}{URLS[path]}", PAGES[path], path, viewport, key_text=KEY_TEXT[path]
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_contracts_in_scope_equal_the_warehouse(browser, demo_url, demo_warehouse, path):
    """The referrals received shown (all of England and Wales, last 12 months) equal the warehouse's count."""
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    received = con.execute(
        """
        WITH a AS (SELECT (provisional_month - INTERVAL 11 MONTH)::DATE AS since, as_of_date FROM mart_data_as_of)
        SELECT count(*) FROM core_referral r JOIN core_contract c USING (contract_ref), a
        WHERE r.referral_month >= a.since AND c.start_date <= a.as_of_date
          AND (c.end_date IS NULL OR c.end_date >= a.since)
        """
    ).fetchone()[0]
    con.close()
    page = open_page(browser, f"{demo_url}{URLS[path]}", DESKTOP)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Referrals received").first
    assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{received:,}"
    page.close()

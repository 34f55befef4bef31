"""Every page in a real browser, at desktop and phone widths: key content, figures equal to the warehouse,
no serious accessibility problem, and a screenshot for the README."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, idle, open_page, screenshot
from warehouse.connection import Warehouse

PAGES = {"status": "Data status"}  # url path -> title


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    idle(page)  # never scan a page mid-run: its faded, stale parts would fail on contrast
    results = Axe().run(page)
    found = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            where = [n["target"] for n in v["nodes"]][:3]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} at {where}")
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_accessibly(browser, app_url, path, viewport):
    """The page shows its title, no error, and has no serious or critical axe violation."""
    page = open_page(browser, f"{app_url}/{path}", viewport)
    assert page.locator("h1").first.inner_text() == PAGES[path]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert serious_violations(page) == []
    screenshot(page, path, viewport)
    page.close()


def test_status_figures_equal_the_warehouse(browser, app_url, small_warehouse):
    """The row counts shown on the status page are the warehouse's own counts."""
    con = Warehouse.from_settings(small_warehouse.settings).connect()
    contracts = con.execute("SELECT count(*) FROM core_contract").fetchone()[0]
    referrals = con.execute("SELECT count(*) FROM core_referral").fetchone()[0]
    page = open_page(browser, f"{app_url}/status", DESKTOP)
    table = page.locator('[data-testid="stTable"] table').first
    rows = {
        r.locator("th, td").nth(0).inner_text(): r.locator("td").nth(0).inner_text()
        for r in table.locator("tbody tr").all()
    }
    assert rows["Contracts"] == f"{contracts:,}"
    assert rows["Referrals"] == f"{referrals:,}"
    page.close()


# Each demo user's default page (the first page they may open), served at the root URL.
DEFAULT_PAGE = {
    "demo-national": "Overview",
    "demo-rpd-north-west": "Overview",
    "demo-rpd-wales": "Overview",
    "demo-provider-lancashire-women": "Overview",
    "demo-provider-nottingham-womens-centre": "Overview",
    "demo-admin": "Data status",
}


@pytest.mark.parametrize("user", list(DEFAULT_PAGE))
def test_root_url_opens_each_users_default_page(browser, app_url, user):
    """The app opened at its root URL shows each demo user's default page with no exception (the
    administrator's Data status crashed there: the shared filters ran for it)."""
    page = open_page(browser, f"{app_url}/?user={user}", DESKTOP)
    assert page.locator("h1").first.inner_text() == DEFAULT_PAGE[user]
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()

"""Every page in a real browser, at desktop and phone widths: key content, figures equal to the warehouse,
no serious accessibility problem, and a screenshot for the README."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard import frame
from dashboard.users import DEMO_USERS
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


def renders_accessibly(
    browser, url: str, title: str, name: str, viewport: dict, key_text: str | None = None
) -> None:
    """The page at `url` shows `title` (and `key_text`, if given), no error, and has no serious or
    critical axe violation; its screenshot is saved as `name`."""
    page = open_page(browser, url, viewport)
    assert page.locator("h1").first.inner_text() == title
    assert page.locator('[data-testid="stException"]').count() == 0
    if key_text is not None:
        expect(page.get_by_text(key_text).first).to_be_visible(timeout=30_000)
    assert serious_violations(page) == []
    screenshot(page, name, viewport)
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_accessibly(browser, app_url, path, viewport):
    """The page shows its title, no error, and has no serious or critical axe violation."""
    renders_accessibly(browser, f"{app_url}/{path}", PAGES[path], path, viewport)


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


def _drawn_without_error(page, title: str) -> None:
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(title, timeout=60_000)
    idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, title
    assert page.locator('[data-testid="stNotification"], [role="dialog"]').count() == 0, title


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("user", list(DEFAULT_PAGE))
def test_root_url_opens_each_users_default_page(browser, demo_url, user, viewport):
    """The app opened at its root URL on the demo shows each demo user's default page with no exception
    and no serious or critical axe violation, at desktop and phone widths (the administrator's Data
    status crashed there: the shared filters ran for it). Siân's region, Wales, has no assessment dates
    (its referrals come in the weekly extract)."""
    page = open_page(browser, f"{demo_url}/?user={user}", viewport)
    _drawn_without_error(page, DEFAULT_PAGE[user])
    assert serious_violations(page) == []
    page.close()


def _open_menu(page) -> None:
    """At phone width Streamlit draws the sidebar, and with it the menu, closed: open it as a user does,
    with its button (it then stays open while pages are chosen, as at desktop width)."""
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
    expect(page.locator('[data-testid="stSidebarNav"] a').first).to_be_in_viewport()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda u: u.id)
def test_each_user_opens_every_page_of_their_menu(browser, demo_url, user, viewport):
    """From the root URL, each demo user clicks every link of their menu in turn, at desktop and phone
    widths (where the menu starts closed and is opened with its button): the menu lists exactly the
    pages their role may open, and each draws its title with no exception."""
    page = open_page(browser, f"{demo_url}/?user={user.id}", viewport)
    links = page.locator('[data-testid="stSidebarNav"] a')
    _open_menu(page)
    titles = [links.nth(n).inner_text().strip() for n in range(links.count())]
    assert titles == [frame.PAGES[path][0] for path in frame.allowed_pages(user)]
    for n, title in enumerate(titles):
        _open_menu(page)
        links.nth(n).click()
        _drawn_without_error(page, title)
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_wales_volume_page_without_assessment_dates(browser, demo_url, viewport):
    """Wales's referrals have no assessment dates: its volume page, timeliness panel included, draws
    with no exception and no serious or critical axe violation."""
    page = open_page(browser, f"{demo_url}/volume?user=demo-rpd-wales", viewport)
    _drawn_without_error(page, "Volume versus forecast")
    expect(page.get_by_text("Timeliness of first assessments").first).to_be_visible()
    assert serious_violations(page) == []
    page.close()


def test_a_link_to_a_page_the_role_cannot_open_says_so(browser, demo_url):
    """A provider sent a link to the flag queue sees its title and why it shows nothing, not Streamlit's
    "Page not found"; the queue is not in their menu."""
    page = open_page(browser, f"{demo_url}/triage?user=demo-provider-lancashire-women", DESKTOP)
    _drawn_without_error(page, "Flags to review")
    expect(page.get_by_text("This page is not available to Lancashire Women")).to_be_visible()
    assert "Flags to review" not in page.locator('[data-testid="stSidebarNav"]').inner_text()
    page.close()


def test_a_shared_volume_link_reopens_its_view(browser, demo_url):
    """A link with a region, "Group by: Contract" and an unknown contract opens with those choices and
    a notice about the contract."""
    page = open_page(
        browser, f"{demo_url}/volume?region=B&group=contract&contract=NO_SUCH", DESKTOP
    )
    _drawn_without_error(page, "Volume versus forecast")
    expect(page.get_by_role("radio", name="Contract")).to_be_checked()
    expect(
        page.get_by_text("The link you opened asks for a contract that does not exist")
    ).to_be_visible()
    assert "group=contract" in page.url and "region=" in page.url  # however a region is spelt
    assert "contract=NO_SUCH" not in page.url
    page.close()

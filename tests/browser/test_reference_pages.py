"""The Glossary and Accessibility pages in a real browser: readable at desktop and phone widths, no serious
accessibility problem, and links to a glossary term land on that term."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.browser.test_pages import renders_accessibly

PAGES = {"glossary": "Glossary", "accessibility": "Accessibility"}  # url path -> title


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", list(PAGES))
def test_reference_page_renders_accessibly(browser, app_url, path, viewport):
    """The page shows its title, no error, and has no serious or critical axe violation."""
    renders_accessibly(browser, f"{app_url}/{path}", PAGES[path], path, viewport)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_link_to_a_term_scrolls_to_it(browser, app_url, viewport):
    """Opening /glossary#volume-gap brings the Volume gap heading into view, far down the page."""
    page = open_page(browser, f"{app_url}/glossary#volume-gap", viewport)
    heading = page.locator("#volume-gap")
    expect(heading).to_have_text("Volume gap")
    expect(heading).to_be_in_viewport()
    expect(page.locator("h1").first).not_to_be_in_viewport()  # it really scrolled
    page.close()


def test_accessibility_statement_shows_known_problems(browser, app_url):
    """The statement's known-problems section and its date are visible in the browser."""
    page = open_page(browser, f"{app_url}/accessibility", DESKTOP)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="How accessible this service is")).to_be_visible()
    expect(main.get_by_text("This statement was prepared on 21 November 2026.")).to_be_visible()
    page.close()

"""The Supply chains page in a real browser on the demo warehouse: Wales says in words whether any Welsh
organisation leads a contract there, and lists the contracts ending within 18 months with their outreach list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.browser.test_pages import serious_violations
from tests.browser.test_subsidy_engagement_pages import metric
from warehouse.connection import Warehouse


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_wales_says_in_words_whether_a_welsh_organisation_leads(browser, demo_url, viewport):
    """The sentence is shown, with no error and no serious or critical accessibility problem."""
    page = open_page(browser, f"{demo_url}/supply_chains?region=D", viewport)
    assert page.locator("h1").first.inner_text() == "Supply chains"
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.get_by_text("No Welsh organisation leads a contract in Wales")).to_be_visible()
    assert serious_violations(page) == []
    page.close()


def test_wales_lists_contracts_ending_within_18_months_with_their_outreach_list(
    browser, demo_url, demo_warehouse
):
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    ending, to_reach = con.execute(
        "SELECT (SELECT count(*) FROM mart_recommissioning WHERE region_code = 'D'), "
        "(SELECT count(DISTINCT org_id) FROM mart_recommissioning_outreach WHERE region_code = 'D')"
    ).fetchone()
    con.close()
    assert ending > 0 and to_reach > 0  # the demo tells this story
    page = open_page(browser, f"{demo_url}/supply_chains?region=D", DESKTOP)
    expect(
        page.get_by_role("heading", name="Contracts ending in the next 18 months")
    ).to_have_count(1)
    expect(page.get_by_role("heading", name="Outreach list before re-commissioning")).to_have_count(
        1
    )
    assert metric(page, "Contracts ending soon") == f"{ending:,}"
    assert metric(page, "Organisations to reach first") == f"{to_reach:,}"
    page.close()

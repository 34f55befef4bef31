"""Issue 4's journey in a real browser, in demo mode on the demo data: a provider raises a flag with an
uploaded reference list and sees the reconciliation; the RPD team for that region sees it in the queue,
responds and resolves it; the provider sees the response; a provider and an RPD of another region see
none of it. Expected counts are worked out from the warehouse, not read from the app."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, idle, open_page, start_app
from tests.browser.test_pages import serious_violations
from tests.conftest import make_settings
from warehouse.connection import Warehouse

PROVIDER = "demo-provider-lancashire-women"
RPD = "demo-rpd-north-west"
OTHER_PROVIDER = "demo-provider-nottingham-womens-centre"
OTHER_RPD = "demo-rpd-wales"
RESPONSE = "Checked with the referral service: 2 referrals were on the wrong contract, now moved."


def first_contract_and_busiest_month(settings) -> tuple[str, str, list[str]]:
    """What the flag page offers first for Lancashire Women, and the month of it with most referrals."""
    con = Warehouse.from_settings(settings).connect()
    try:
        contract = con.execute(
            """SELECT contract_ref FROM core_contract
               WHERE lead_provider_code = 'LANCASHIRE_WOMEN' OR list_contains(subcontractor_codes, 'LANCASHIRE_WOMEN')
               ORDER BY intervention_title, contract_ref LIMIT 1"""
        ).fetchone()[0]
        month = con.execute(
            "SELECT month FROM mart_volume_gap WHERE contract_ref = ? ORDER BY received DESC, month DESC LIMIT 1",
            [contract],
        ).fetchone()[0]
        refs = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT referral_ref FROM core_referral WHERE contract_ref = ? AND referral_month = ? ORDER BY 1",
                [contract, month],
            ).fetchall()
        ]
    finally:
        con.close()
    return contract, f"{month:%B %Y}", refs


def choose(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.keyboard.type(option)  # the list is long and only partly drawn: narrow it first
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def settle(page) -> None:
    page.wait_for_timeout(500)  # let the run an action started begin
    idle(page)


@pytest.mark.slow
def test_provider_flags_rpd_resolves_others_see_nothing(browser, demo_warehouse, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(demo_warehouse.data_dir, data_dir)
    settings = make_settings(data_dir)
    contract, month, refs = first_contract_and_busiest_month(settings)
    assert len(refs) >= 3, "the demo data should give this contract a month with referrals"
    # Their list: two of ours, and two we do not have.
    theirs = [refs[0], refs[1], "ZZ9901WO", "ZZ9902WO"]
    upload = tmp_path / "our-referrals.csv"
    upload.write_text("reference\n" + "\n".join(theirs) + "\n")
    proc, url = start_app(data_dir)
    try:
        # The provider raises the flag.
        page = open_page(browser, f"{url}/flags?user={PROVIDER}", DESKTOP)
        assert page.locator("h1").first.inner_text() == "Flag a discrepancy"
        expect(page.get_by_text("Demo mode.")).to_have_count(1, timeout=30_000)
        choose(page, "Month", month)
        page.get_by_text(f"Referrals we show for {month}").wait_for(timeout=30_000)
        settle(page)
        shown = page.locator('[data-testid="stMetric"]').filter(has_text="Referrals we show").first
        assert shown.locator('[data-testid="stMetricValue"]').inner_text() == f"{len(refs):,}"
        page.get_by_label("Referrals in your records for this month").fill(str(len(refs) + 2))
        page.get_by_role("textbox", name="Comment").fill(
            "We received two referrals you do not show."
        )
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(upload)
        )
        page.get_by_text("our-referrals.csv").first.wait_for()
        page.wait_for_timeout(2000)  # the file goes to the server on its own request
        settle(page)
        page.get_by_role("button", name="Raise flag").click()
        page.get_by_text("Flag 1 raised").wait_for(timeout=30_000)
        page.get_by_text("Your list compared with ours").wait_for(timeout=30_000)
        page.locator('[data-testid="stMetric"]').filter(
            has_text="Only in your list"
        ).first.wait_for(timeout=30_000)
        settle(page)
        found = {
            m.locator('[data-testid="stMetricLabel"]').inner_text(): m.locator(
                '[data-testid="stMetricValue"]'
            ).inner_text()
            for m in page.locator('[data-testid="stMetric"]').all()
        }
        assert found["Only in your list"] == "2"
        assert found["Only in the warehouse"] == f"{len(refs) - 2:,}"
        assert found["In both"] == "2"
        assert page.locator('[data-testid="stException"]').count() == 0
        assert serious_violations(page) == []
        page.close()

        # The RPD team of that region sees it, responds and resolves it.
        page = open_page(browser, f"{url}/triage?user={RPD}", DESKTOP)
        assert page.locator("h1").first.inner_text() == "Flags to review"
        open_count = page.locator('[data-testid="stMetric"]').filter(has_text="Open").first
        expect(open_count.locator('[data-testid="stMetricValue"]')).to_have_text(
            "1", timeout=30_000
        )
        expect(page.get_by_text("We received two referrals you do not show.")).to_have_count(
            1, timeout=30_000
        )
        page.get_by_text("Resolved", exact=True).click()
        page.get_by_role("textbox", name="Response to the provider").fill(RESPONSE)
        page.get_by_role("button", name="Save response").click()
        page.get_by_text("Flag 1 is now resolved").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert serious_violations(page) == []
        page.close()

        # The provider sees the response.
        page = open_page(browser, f"{url}/flags?user={PROVIDER}", DESKTOP)
        page.get_by_text("Flag 1 is resolved.").wait_for(timeout=30_000)
        # As text; the history table may draw it too.
        expect(page.get_by_text(RESPONSE).first).to_be_visible(timeout=30_000)
        page.close()

        # Another region's provider and RPD see none of it.
        page = open_page(browser, f"{url}/flags?user={OTHER_PROVIDER}", DESKTOP)
        expect(page.get_by_text("You have not raised any flags yet.")).to_have_count(
            1, timeout=30_000
        )
        assert RESPONSE not in page.content() and contract not in page.content()
        page.close()
        page = open_page(browser, f"{url}/triage?user={OTHER_RPD}", DESKTOP)
        expect(page.get_by_text("No flags have been raised on your contracts.")).to_have_count(
            1, timeout=30_000
        )
        assert RESPONSE not in page.content()
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)

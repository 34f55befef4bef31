"""Issue 5's journey in a real browser: with the app up, a file dropped in the landing folder and
'Refresh now' pressed, the new figures and the run appear, and no error is shown at any moment."""

from __future__ import annotations

import shutil
import time

import pytest

from tests import builders as b
from tests.browser.conftest import DESKTOP, open_page, start_app
from tests.conftest import make_settings


def loaded_rows(page) -> dict[str, str]:
    table = page.locator('[data-testid="stTable"] table').first
    return {
        r.locator("th, td").nth(0).inner_text(): r.locator("td").nth(0).inner_text()
        for r in table.locator("tbody tr").all()
    }


@pytest.mark.slow
def test_drop_a_file_press_refresh_now_and_see_it(browser, small_warehouse, tmp_path):
    """The contract count goes from 2 to 3 after Refresh now, the run is in the history, and no exception shows."""
    data_dir = tmp_path / "data"
    shutil.copytree(small_warehouse.data_dir, data_dir)
    settings = make_settings(data_dir)
    proc, url = start_app(data_dir)
    try:
        page = open_page(browser, f"{url}/status", DESKTOP)
        assert loaded_rows(page)["Contracts"] == "2"
        b.write_csv(
            settings.dir("landing") / "new-contract.csv",
            "contracts",
            [b.contract(contract_ref="PRJ_0042")],
        )
        page.get_by_role("button", name="Refresh now").click()
        seen_error = False
        for _ in range(120):
            page.wait_for_timeout(1000)
            seen_error |= page.locator('[data-testid="stException"]').count() > 0
            page.reload(wait_until="domcontentloaded")
            page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
            )
            page.wait_for_selector('[data-testid="stTable"] table', timeout=30_000)
            seen_error |= page.locator('[data-testid="stException"]').count() > 0
            if (
                loaded_rows(page).get("Contracts") == "3"
                and not page.get_by_text("A refresh is running now").count()
            ):
                break
        assert loaded_rows(page)["Contracts"] == "3"
        assert not seen_error
        assert "new-contract.csv" in page.locator('[data-testid="stMain"]').inner_text()
        assert not (settings.dir("landing") / "new-contract.csv").exists()
        page.close()
    finally:
        proc.terminate()
        time.sleep(0.5)
        proc.kill()

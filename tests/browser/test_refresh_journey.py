"""Issue 5's journey in a real browser: with the app up, a file dropped in the landing folder and
'Refresh now' pressed, the page says the refresh is running, then the new figures and the run appear
without a reload (issue 12), and no error is shown at any moment."""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager

import pytest

from tests import builders as b
from tests.browser.conftest import DESKTOP, idle, open_page, start_app
from tests.conftest import make_settings


def loaded_rows(page) -> dict[str, str]:
    table = page.locator('[data-testid="stTable"] table').first
    return {
        r.locator("th, td").nth(0).inner_text(): r.locator("td").nth(0).inner_text()
        for r in table.locator("tbody tr").all()
    }


@contextmanager
def status_page_with_a_new_file(browser, small_warehouse, tmp_path):
    """A copy of the small warehouse served by its own app, its Data status page open showing 2
    contracts, and then a file with a third contract in the landing folder: yields (settings, page)."""
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
        yield settings, page
    finally:
        proc.terminate()
        time.sleep(0.5)
        proc.kill()


@pytest.mark.slow
def test_drop_a_file_press_refresh_now_and_see_it(browser, small_warehouse, tmp_path):
    """After Refresh now the page says the refresh is running, then, without a reload, what it loaded:
    the contract count goes from 2 to 3, the run is in the history, and no exception shows."""
    with status_page_with_a_new_file(browser, small_warehouse, tmp_path) as (settings, page):
        page.get_by_role("button", name="Refresh now").click()
        main = page.locator('[data-testid="stMain"]')
        # The refresh holds its lock from before the page draws again until it has published.
        main.get_by_text("A refresh is running now").wait_for(timeout=60_000)
        seen_error = False
        for _ in range(240):
            page.wait_for_timeout(500)
            seen_error |= page.locator('[data-testid="stException"]').count() > 0
            if main.get_by_text("has finished:").count():
                break
        idle(page)  # the run that wrote the result has drawn the tables below it too
        finished = main.get_by_text("has finished:").inner_text()
        assert "has finished: 1 file loaded, 0 rejected, 0 skipped (already loaded)." in finished
        assert not main.get_by_text("A refresh is running now").count()
        assert loaded_rows(page)["Contracts"] == "3"
        assert not seen_error and page.locator('[data-testid="stException"]').count() == 0
        assert "new-contract.csv" in main.inner_text()
        assert not (settings.dir("landing") / "new-contract.csv").exists()
        page.close()


@pytest.mark.slow
def test_ten_quick_clicks_on_refresh_now_start_one_refresh(browser, small_warehouse, tmp_path):
    """Ten clicks on Refresh now, 0.3 s apart, start one refresh, recorded as started by the demo user
    who clicked; no exception shows; `rpd rollback` then reaches the data from before it."""
    from tests.integration.test_concurrency import rollback
    from warehouse.connection import Warehouse

    with status_page_with_a_new_file(browser, small_warehouse, tmp_path) as (settings, page):
        box = page.get_by_role("button", name="Refresh now").bounding_box()
        for _ in range(10):
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(300)
        seen_error = page.locator('[data-testid="stException"]').count() > 0
        warehouse = Warehouse.from_settings(settings)
        for _ in range(240):
            if warehouse.running() is None and warehouse.current().number > 1:
                break
            time.sleep(0.5)
        page.wait_for_timeout(3000)  # any click Streamlit had queued has run by now
        assert warehouse.running() is None
        con = warehouse.connect()
        runs = con.execute(
            "SELECT trigger, started_by, files_loaded FROM meta_ingest_run ORDER BY started_at"
        ).fetchall()
        con.close()
        assert runs[1:] == [
            ("app", "Naomi (demo) (National commissioner), signed in as demo-national", 1)
        ], (settings.dir("logs") / "runs.jsonl").read_text()
        assert not seen_error and page.locator('[data-testid="stException"]').count() == 0
        page.close()
    assert rollback(settings) == "Now serving version 1"
    con = Warehouse.from_settings(settings).connect()
    assert con.execute("SELECT count(*) FROM core_contract").fetchone()[0] == 2

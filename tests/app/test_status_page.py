"""The data status page, run by Streamlit's AppTest on a small real warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "streamlit_app.py")


def test_empty_warehouse_explains_what_to_do(tmp_path, monkeypatch):
    """Before anything is loaded the whole app (from its entry point) says how to load data instead of failing."""
    monkeypatch.setenv("RPD_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "No data has been loaded yet" in at.info[0].value


def test_first_load_under_way_is_announced(tmp_path, monkeypatch):
    """While the first refresh runs (the demo build `make run` starts beside the app), the app says so
    rather than telling the user to run `make run`, which they just did."""
    from warehouse.connection import Warehouse

    monkeypatch.setenv("RPD_DATA_DIR", str(tmp_path))
    with Warehouse(tmp_path / "warehouse").refresh_lock(started_by=None):
        at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "The data is being loaded now. On a first `make run` this is the demo data, checked and "
        "loaded through the real ingest: about a minute. This page shows it as soon as it is ready; "
        "there is no need to reload."
    ]


def test_status_lists_loaded_rows_and_filters_files(small_warehouse, page):
    """The page shows each table's row count, and the outcome filter narrows the file list."""
    at = page("status", small_warehouse.data_dir)
    assert not at.exception
    assert any(
        m.value.startswith("*Data up to 04 May 2026, refreshed ") for m in at.markdown
    )  # the last referral
    freshness = next(m.value for m in at.markdown if m.value.startswith("- **"))
    assert "- **contracts**: up to date. Last loaded" in freshness
    assert "(contracts\\.csv)" in freshness  # a file name is escaped: shown as text
    tables = at.table[0].value
    assert tables.loc["Contracts", "Rows"] == f"{small_warehouse.contracts:,}"
    assert tables.loc["Referrals", "Rows"] == f"{small_warehouse.referrals:,}"
    history = at.dataframe[0].value
    assert list(history["Files loaded"]) == [2] and list(history["Files rejected"]) == [1]
    files = at.dataframe[1].value
    assert set(files["Outcome"]) == {"loaded", "rejected"}
    at.multiselect(key="status_outcomes").set_value(["Rejected"]).run()
    files = at.dataframe[1].value
    assert set(files["Outcome"]) == {"rejected"}
    assert "unknown.csv" in set(files["File"])


@pytest.mark.slow  # starts `rpd ingest` and polls it (57 s on the loaded machine)
def test_refresh_now_loads_landing_files_in_another_process(tmp_path, page):
    """The button starts a refresh in a separate process; the page says it is running, then what it
    loaded, the new version and its summary."""
    import re
    import shutil
    import time

    from tests import builders as b
    from tests.conftest import make_settings
    from warehouse.connection import Warehouse

    settings = make_settings(tmp_path / "data")
    from ingest.pipeline import refresh

    refresh(settings, [b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])])
    b.write_csv(
        settings.dir("landing") / "more.csv", "contracts", [b.contract(contract_ref="PRJ_0002")]
    )
    at = page("status", settings.data_dir)
    assert not at.exception
    at.button(key="refresh_now").click().run()
    warehouse = Warehouse.from_settings(settings)
    from dashboard.actions import refresh_running

    # The refresh holds its lock from before the page draws again until it has published: meanwhile
    # the page says it is running (and looks again every 2 s, which AppTest does not time).
    assert any(i.value.startswith("A refresh is running now") for i in at.info)
    assert not any("has finished" in m.value for m in at.success)
    for _ in range(240):  # until the refresh has published and let go of the lock
        if warehouse.current().number == 2 and not refresh_running(settings):
            break
        time.sleep(0.25)
    assert warehouse.current().number == 2
    at.run()
    # The refresh loaded more.csv; the first refresh's c.csv was loaded before, not waiting.
    assert re.fullmatch(
        r"The refresh started \d\d:\d\d on \w{3} \d\d \w{3} has finished: 1 file loaded, 0 rejected, "
        r"0 skipped \(already loaded\)\. The tables below show the new data\.",
        at.success[0].value,
    ), [m.value for m in at.success]
    assert not any(i.value.startswith("A refresh is running now") for i in at.info)
    assert at.table[0].value.loc["Contracts", "Rows"] == "2"
    assert "1 loaded" in at.expander[0].markdown[0].value
    assert not (settings.dir("landing") / "more.csv").exists()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_status_page_shows_identifiers_masked(tmp_path, page):
    """A referral file with a CRN typed into a date column: the page's file list and failed checks say
    what the value looked like and where, never the CRN (issue 13)."""
    from ingest.pipeline import refresh
    from tests import builders as b
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "data")
    refresh(settings, [b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])])
    referrals = [b.referral(1, date_saa_first_completed="W222222"), b.referral(2)]
    refresh(settings, [b.write_csv(tmp_path / "r.csv", "referrals_performance_report", referrals)])
    at = page("status", settings.data_dir)
    assert not at.exception
    frames = [d.value.to_csv() for d in at.dataframe]
    shown = "\n".join(
        frames + [m.value for m in at.markdown] + [t.value.to_csv() for t in at.table]
    )
    assert "W222222" not in shown
    assert any(
        "row 2 (found a value shaped like a case reference number (hidden))" in f for f in frames
    )
    assert any("a value shaped like a case reference number (hidden)" in f for f in frames[2:])


def _wait_until_idle(settings) -> None:
    import time

    from dashboard.actions import refresh_running

    for _ in range(480):
        if not refresh_running(settings):
            return
        time.sleep(0.25)
    raise AssertionError("the refresh did not finish")


@pytest.mark.slow  # starts `rpd ingest` and waits for it (42 s on the loaded machine)
def test_ten_quick_presses_start_one_refresh_recorded_with_who_pressed(tmp_path, page):
    """Refresh now pressed once starts `rpd ingest`, recorded as started by the signed-in demo user
    (Naomi, national commissioner), and the button is disabled at once; nine more presses that got
    through before it was (the same action, in a row, then at once from other sessions) start none."""
    import getpass
    import threading

    from dashboard import actions
    from dashboard.users import DEMO_USERS
    from ingest.pipeline import refresh
    from tests import builders as b
    from tests.conftest import make_settings
    from warehouse.connection import Warehouse

    settings = make_settings(tmp_path / "data")
    refresh(settings, [b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])])
    b.write_csv(
        settings.dir("landing") / "more.csv", "contracts", [b.contract(contract_ref="PRJ_0002")]
    )
    at = page("status", settings.data_dir)
    at.button(key="refresh_now").click().run()
    assert not at.exception
    assert at.button(key="refresh_now").disabled
    naomi = DEMO_USERS[0]
    started = [actions.start_refresh(settings, naomi) for _ in range(4)]
    presses = [
        threading.Thread(target=lambda: started.append(actions.start_refresh(settings, naomi)))
        for _ in range(5)
    ]
    for press in presses:
        press.start()
    for press in presses:
        press.join()
    assert started == [False] * 9
    _wait_until_idle(settings)
    con = Warehouse.from_settings(settings).connect()
    runs = con.execute(
        "SELECT trigger, started_by, files_loaded FROM meta_ingest_run ORDER BY started_at"
    ).fetchall()
    assert runs[1:] == [
        ("app", "Naomi (demo) (National commissioner), signed in as demo-national", 1)
    ]
    at.run()
    history = at.dataframe[0].value
    assert list(history["Started by"]) == [
        "Naomi (demo) (National commissioner), signed in as demo-national",
        f"the command line (rpd ingest, account {getpass.getuser()})",
    ]


def test_refresh_now_is_disabled_with_a_note_while_another_process_refreshes(tmp_path, page):
    """While the scheduler holds the refresh lock the button is disabled and a note says since when;
    a press that gets through anyway starts nothing."""
    import datetime as dt
    import re

    from dashboard import actions
    from dashboard.users import DEMO_USERS
    from ingest.pipeline import refresh
    from tests import builders as b
    from tests.conftest import make_settings
    from warehouse.connection import Warehouse
    from warehouse.settings import LONDON

    settings = make_settings(tmp_path / "data")
    refresh(settings, [b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])])
    warehouse = Warehouse.from_settings(settings)
    with warehouse.refresh_lock(0, "the scheduler"):
        at = page("status", settings.data_dir)
        assert at.button(key="refresh_now").disabled
        note = next(i.value for i in at.info if i.value.startswith("A refresh is running now"))
        assert re.fullmatch(
            r"A refresh is running now since \d\d:\d\d on \w{3} \d\d \w{3}, started by the scheduler, "
            r"so Refresh now is unavailable until it has finished\. The new data appears here when it has\.",
            note,
        ), note
        now = {
            f"{dt.datetime.now(LONDON) - dt.timedelta(minutes=m):%H:%M on %a %d %b}" for m in (0, 1)
        }
        assert any(f"since {when}," in note for when in now)  # London time, taken as the lock was
        assert actions.start_refresh(settings, DEMO_USERS[0]) is False
    assert warehouse.current().number == 1


def test_administrators_see_no_contract_figures_in_what_changed(small_warehouse, monkeypatch):
    """The summary gives figures of every contract: the national commissioner reads it; an
    administrator (data status, no contract figures: docs/access.md) is told who does."""
    from dashboard.signin import DEMO_KEY
    from tests.app.conftest import _page

    monkeypatch.setenv("RPD_DATA_DIR", str(small_warehouse.data_dir))
    shown = {}
    for user in ("demo-national", "demo-admin"):
        at = AppTest.from_function(_page, args=("status",), default_timeout=60)
        at.session_state[DEMO_KEY] = user
        at.run()
        assert not at.exception
        (expander,) = at.expander
        shown[user] = "\n".join(m.value for m in expander.markdown)
        assert [b.label for b in at.get("download_button") if "summary" in b.label] == (
            ["Download this summary"] if user == "demo-national" else []
        )
    assert "**Referrals by region** (change in referrals held):" in shown["demo-national"]
    assert shown["demo-admin"] == (
        "*What changed in the figures is shown to the national team: it gives contract figures, "
        "which administrators do not see. The table above shows what the refresh loaded.*"
    )

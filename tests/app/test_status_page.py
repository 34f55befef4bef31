"""The data status page, run by Streamlit's AppTest on a small real warehouse."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "streamlit_app.py")


def test_empty_warehouse_explains_what_to_do(tmp_path, monkeypatch):
    """Before anything is loaded the whole app (from its entry point) says how to load data instead of failing."""
    monkeypatch.setenv("RPD_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "No data has been loaded yet" in at.info[0].value


def test_status_lists_loaded_rows_and_filters_files(small_warehouse, page):
    """The page shows each table's row count, and the outcome filter narrows the file list."""
    at = page("status", small_warehouse.data_dir)
    assert not at.exception
    assert any(
        m.value.startswith("*Data up to 04 May 2026, refreshed ") for m in at.markdown
    )  # the last referral
    freshness = next(m.value for m in at.markdown if m.value.startswith("- **"))
    assert (
        "- **contracts**: up to date. Last loaded" in freshness and "(contracts.csv)" in freshness
    )
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


def test_refresh_now_loads_landing_files_in_another_process(tmp_path, page):
    """The button starts a refresh in a separate process; the page shows the new version and its summary after."""
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

    for _ in range(240):  # until the refresh has published and let go of the lock
        if warehouse.current().number == 2 and not refresh_running(settings):
            break
        time.sleep(0.25)
    assert warehouse.current().number == 2
    at.run()
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

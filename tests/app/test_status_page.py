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
    tables = at.table[0].value
    assert tables.loc["Contracts", "Rows"] == small_warehouse.contracts
    assert tables.loc["Referrals", "Rows"] == small_warehouse.referrals
    files = at.dataframe[0].value
    assert set(files["Outcome"]) == {"loaded", "rejected"}
    at.multiselect(key="status_outcomes").set_value(["Rejected"]).run()
    files = at.dataframe[0].value
    assert set(files["Outcome"]) == {"rejected"}
    assert "unknown.csv" in set(files["File"])

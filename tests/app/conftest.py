"""Run one page of the real app (with the real frame and filters) under Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.rendered import as_text


def _page(name: str) -> None:
    # Runs as the app script: imports happen inside, as AppTest executes this function's source.
    from dashboard import frame
    from warehouse.settings import load_settings

    frame.run(load_settings(), only=name)


@pytest.fixture(autouse=True)
def _draw_hidden_tabs(monkeypatch):
    """AppTest cannot open a tab: draw each chart's Table tab too, so the suite reads every table."""
    from dashboard import layout

    monkeypatch.setattr(layout, "DRAW_HIDDEN_TABS", True)


@pytest.fixture
def page(monkeypatch):
    """page(name, data_dir) -> an AppTest that has run that page once on the warehouse in data_dir."""

    def make(name: str, data_dir) -> AppTest:
        monkeypatch.setenv("RPD_DATA_DIR", str(data_dir))
        at = AppTest.from_function(_page, args=(name,), default_timeout=60)
        return at.run()

    return make


def no_contract_in_scope(at: AppTest) -> str:
    """Choose filters that match no contract (the North East and Mentoring) on the page `at` has run,
    insist it runs them without an exception, and give the first notice shown, as read on screen."""
    at.sidebar.selectbox(key="f_region").set_value("A").run()
    at.sidebar.selectbox(key="f_lot").set_value("Mentoring").run()
    assert not at.exception
    return as_text(at.info[0].value)

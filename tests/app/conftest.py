"""Run one page of the real app (with the real frame and filters) under Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


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

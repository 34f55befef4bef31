"""The app's frame: filters in the sidebar (shared by every page), then the chosen page.

`streamlit_app.py` calls run(settings). Tests call run(settings, only="status") to render one page
with the same frame around it (AppTest cannot click through st.navigation's callable pages).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st

from dashboard import data, scope
from dashboard.pages import accessibility, engagement, glossary, overview, status, subsidy, volume
from warehouse.settings import Settings

# url path -> (section, title, module); the first is the default page, which Streamlit serves at "/".
PAGES: dict[str, tuple[str, str, Callable]] = {
    "overview": ("Monitor", "Overview", overview.render),
    "volume": ("Monitor", "Volume versus forecast", volume.render),
    "subsidy": ("Monitor", "Subsidy signals", subsidy.render),
    "engagement": ("Monitor", "Engagement coverage", engagement.render),
    "status": ("About the data", "Data status", status.render),
    "glossary": ("About the data", "Glossary", glossary.render),
    "accessibility": ("About the data", "Accessibility", accessibility.render),
}


# Pages about the service rather than the data: no filters beside them.
UNFILTERED = {"glossary", "accessibility"}


def _filters(settings: Settings) -> None:
    version = data.current_version(settings)
    if version is not None:
        try:
            st.session_state["scope"] = scope.sidebar(version)
        except duckdb.CatalogException:
            st.session_state["scope"] = scope.Scope()


def run(settings: Settings, only: str | None = None) -> None:
    if only is not None:
        if only not in UNFILTERED:
            _filters(settings)
        _guarded(PAGES[only][2])(settings)
        return
    pages = [
        st.Page(_bind(render, settings), title=title, url_path=path, default=n == 0)
        for n, (path, (_, title, render)) in enumerate(PAGES.items())
    ]
    # Flat navigation: Streamlit's sectioned menu puts non-list items inside its <ul>, which axe flags.
    chosen = st.navigation(pages)
    if chosen.url_path not in UNFILTERED:
        _filters(settings)
    chosen.run()


def _guarded(render: Callable) -> Callable:
    """A page whose data is missing from an older warehouse version explains itself instead of failing."""

    def page(settings: Settings) -> None:
        try:
            render(settings)
        except duckdb.CatalogException:
            st.error(
                "This page needs data that the current warehouse version does not have yet: it was published "
                "by an older version of this service. It will appear after the next refresh (or run `rpd upgrade`)."
            )

    return page


def _bind(render: Callable, settings: Settings) -> Callable[[], None]:
    guarded = _guarded(render)

    def page() -> None:
        guarded(settings)

    page.__name__ = render.__module__.rsplit(".", 1)[-1]  # Streamlit keys pages by function name
    return page

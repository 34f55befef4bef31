"""The app's frame: filters in the sidebar (shared by every page), then the chosen page.

`streamlit_app.py` calls run(settings). Tests call run(settings, only="status") to render one page
with the same frame around it (AppTest cannot click through st.navigation's callable pages).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st

from dashboard import data, scope, signin
from dashboard.pages import (
    accessibility,
    engagement,
    flags,
    glossary,
    overview,
    status,
    subsidy,
    supply_chain,
    triage,
    volume,
)
from dashboard.text import md
from warehouse.access import AccessRefused, User
from warehouse.settings import Settings

# url path -> (title, render, the permission needed to open it or None); the first page a user may
# open is their default page, which Streamlit serves at "/".
PAGES: dict[str, tuple[str, Callable, str | None]] = {
    "overview": ("Overview", overview.render, "contracts"),
    "volume": ("Volume versus forecast", volume.render, "contracts"),
    "subsidy": ("Subsidy signals", subsidy.render, "contracts"),
    "engagement": ("Engagement coverage", engagement.render, "engagement"),
    "supply_chains": ("Supply chains", supply_chain.render, "engagement"),
    "flags": ("Flag a discrepancy", flags.render, "raise_flags"),
    "triage": ("Flags to review", triage.render, "triage"),
    "status": ("Data status", status.render, "operations"),
    "glossary": ("Glossary", glossary.render, None),
    "accessibility": ("Accessibility", accessibility.render, None),
}

# Pages without the shared filters: about the service, or with their own choices.
UNFILTERED = {"glossary", "accessibility", "status", "flags", "triage"}


def allowed_pages(user: User) -> list[str]:
    """The pages a user may open, in menu order."""
    return [path for path, (_, _, needs) in PAGES.items() if needs is None or user.may(needs)]


def _filters(settings: Settings) -> None:
    version = data.current_version(settings)
    if version is not None:
        try:
            st.session_state["scope"] = scope.sidebar(version)
        except duckdb.CatalogException:
            st.session_state["scope"] = scope.Scope()


def run(settings: Settings, only: str | None = None) -> None:
    user = signin.current_user(settings)
    mine = allowed_pages(user)
    if only is not None:
        if only not in mine:
            _refuse(user)
            return
        if only not in UNFILTERED:
            _filters(settings)
        _guarded(PAGES[only][1])(settings)
        return
    pages = [
        st.Page(
            _bind(PAGES[path][1], settings), title=PAGES[path][0], url_path=path, default=n == 0
        )
        for n, path in enumerate(mine)
    ]
    # Flat navigation: Streamlit's sectioned menu puts non-list items inside its <ul>, which axe flags.
    chosen = st.navigation(pages)
    # Streamlit gives the default page an empty url path (it is served at "/"): it is the first of mine.
    if (chosen.url_path or mine[0]) not in UNFILTERED:
        _filters(settings)
    chosen.run()


def _guarded(render: Callable) -> Callable:
    """A page whose data is missing from an older warehouse version explains itself instead of failing."""

    def page(settings: Settings) -> None:
        try:
            render(settings)
        except AccessRefused as refused:
            st.error(f"{md(refused)} If you need it, ask your service administrator.")
        except duckdb.CatalogException:
            st.error(
                "This page needs data that the current warehouse version does not have yet: it was published "
                "by an older version of this service. It will appear after the next refresh (or run `rpd upgrade`)."
            )

    return page


def _refuse(user: User) -> None:
    st.error(
        f"This page is not available to {md(user.description)}. "
        "Choose one of the pages in the menu, or ask your service administrator for access."
    )


def _bind(render: Callable, settings: Settings) -> Callable[[], None]:
    guarded = _guarded(render)

    def page() -> None:
        guarded(settings)

    page.__name__ = render.__module__.rsplit(".", 1)[-1]  # Streamlit keys pages by function name
    return page

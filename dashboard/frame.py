"""The app's frame: filters in the sidebar (shared by every page), then the chosen page.

`dashboard/server/app.py` (the entry point) calls run(settings). Tests call run(settings, only="status") to
render one page with the same frame around it (AppTest cannot click through st.navigation's callable
pages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import duckdb
import streamlit as st

from dashboard import data, scope, signin, urlstate
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
from warehouse.connection import Version
from warehouse.settings import Settings

log = logging.getLogger(__name__)

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

# URL parameters of each page's own choices (beyond the filters), kept in a shared link.
URL_PARAMS: dict[str, tuple[str, ...]] = {
    "volume": volume.URL_PARAMS,
    "supply_chains": supply_chain.URL_PARAMS,
    "triage": triage.URL_PARAMS,
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
        except duckdb.Error as error:
            # Without filters the page shows all the user may see (and explains an older version itself).
            st.session_state["scope"] = scope.Scope()
            if not _older(version):
                _failed("the filters", version, error)
                st.sidebar.error(FILTERS_FAILED)


def run(settings: Settings, only: str | None = None) -> None:
    user = signin.current_user(settings)
    mine = allowed_pages(user)
    if only is not None:
        _keep_url_params(only)
        if only not in mine:
            _refuse(user)
            return
        if only not in UNFILTERED:
            _filters(settings)
        _guarded(PAGES[only][1])(settings)
        return
    # Every page is registered, so a link to one the user may not open says so instead of Streamlit's
    # "Page not found"; those pages are hidden from the menu and show only the refusal.
    pages = [
        st.Page(
            _bind(PAGES[path][1], settings) if path in mine else _refusal(path, user),
            title=PAGES[path][0],
            url_path=path,
            default=path == mine[0],
            visibility="visible" if path in mine else "hidden",
        )
        for path in PAGES
    ]
    # Flat navigation: Streamlit's sectioned menu puts non-list items inside its <ul>, which axe flags.
    chosen = st.navigation(pages)
    # Streamlit gives the default page an empty url path (it is served at "/"): it is the first of mine.
    path = chosen.url_path or mine[0]
    _keep_url_params(path)
    if path in mine and path not in UNFILTERED:
        _filters(settings)
    chosen.run()


def _keep_url_params(path: str) -> None:
    """The URL keeps the demo user, the filters and the chosen page's own choices: nothing stale from
    another page."""
    urlstate.keep_only({signin.DEMO_PARAM, *scope.KEYS, *URL_PARAMS.get(path, ())})


UPGRADE_NOTICE = (
    "This page needs data that the current warehouse version does not have yet: it was published "
    "by an older version of this service. It will appear after the next refresh (or run `rpd upgrade`)."
)
PAGE_FAILED = (
    "This page cannot be shown: reading its data failed. The error has been logged for the "
    "service administrator; if it happens again, please tell them."
)
FILTERS_FAILED = (
    "The filters cannot be shown: reading their choices failed. The error has been logged for the "
    "service administrator."
)


def _guarded(render: Callable) -> Callable:
    """A page that fails reading the warehouse says so plainly (no stack trace): as old data only when
    the version was published by older code (`data.built_by_older_code`), otherwise as an error,
    logged."""

    def page(settings: Settings) -> None:
        try:
            render(settings)
        except AccessRefused as refused:
            st.error(f"{md(refused)} If you need it, ask your service administrator.")
        except duckdb.Error as error:
            version = data.current_version(settings)
            if version is not None and _older(version):
                st.error(UPGRADE_NOTICE)
            else:
                _failed(f"page {render.__module__}", version, error)
                st.error(PAGE_FAILED)

    return page


def _older(version: Version) -> bool:
    """Whether the version was built by older code; a version that cannot even be asked is not."""
    try:
        return data.built_by_older_code(version)
    except duckdb.Error:
        return False


def _failed(what: str, version: Version | None, error: duckdb.Error) -> None:
    number = version.number if version is not None else None
    log.error("%s failed reading warehouse version %s", what, number, exc_info=error)


def _refusal(path: str, user: User) -> Callable[[], None]:
    """A page the user may not open, reached by a link: its title and why it shows nothing."""

    def page() -> None:
        st.title(PAGES[path][0])
        _refuse(user)

    page.__name__ = f"refused_{path}"
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

"""A page's own choices (group by, the chosen contract, the drill-down) kept in the URL as the filters
are, so a shared link reopens the same view; and a short notice when a link asks for something that
does not exist or that the reader may not see, instead of dropping it without a word."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st

NOTICES = "url_notices"  # session state: notices waiting to be shown under the page title
NOT_SHOWN = "The link you opened asks for {} that does not exist or that you may not see, so it is not shown."


def from_url(
    param: str,
    key: str,
    allowed: Collection[str],
    what: str,
    widget_value: Mapping[str, str] | None = None,
) -> None:
    """Before widget `key` is drawn for the first time (a new session, or back on its page), take its
    value from URL parameter `param` if it is one of `allowed`; if not, say so (`what`: "a contract").
    `widget_value` maps a value in the URL to the widget's own, if they differ."""
    if key in st.session_state or param not in st.query_params:
        return
    value = st.query_params[param]
    if value in allowed:
        st.session_state[key] = widget_value[value] if widget_value else value
    else:
        notice(NOT_SHOWN.format(what))


def from_url_list(param: str, key: str, allowed: Collection[str], what: str) -> None:
    """from_url() for a multiselect: URL parameter `param` holds its values separated by commas
    ("open,resolved"; empty: none chosen). The allowed ones are taken; any other gets the notice (and
    if none is allowed, the widget keeps its default)."""
    if key in st.session_state or param not in st.query_params:
        return
    asked = [value for value in st.query_params[param].split(",") if value]
    taken = [value for value in asked if value in allowed]
    if len(taken) < len(asked):
        notice(NOT_SHOWN.format(what))
    if taken or not asked:
        st.session_state[key] = taken


def to_url_list(param: str, values: Collection[str], default: Collection[str]) -> None:
    """Mirror a multiselect's choice in the URL, separated by commas; its default leaves it out."""
    to_url(param, None if set(values) == set(default) else ",".join(values))


def to_url(param: str, value: str | None) -> None:
    """Mirror a choice in the URL; None (the page's default) leaves it out."""
    if value is None:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def keep_only(params: Collection[str]) -> None:
    """Drop URL parameters of other pages' choices (`params`: every parameter this page or the frame
    keeps), so a link to this page carries nothing stale."""
    for param in list(st.query_params):
        if param not in params:
            del st.query_params[param]


def notice(text: str) -> None:
    """Keep a notice for show_notices()."""
    st.session_state.setdefault(NOTICES, []).append(text)


def show_notices() -> None:
    """Show (once) the notices kept so far."""
    for text in st.session_state.pop(NOTICES, []):
        st.info(text, icon=":material/link_off:")

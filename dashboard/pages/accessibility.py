"""Accessibility: the service's accessibility statement (WCAG 2.2 AA), in the GOV.UK style.

The text lives beside this page in dashboard/pages/accessibility.md (package data, so an installed wheel
has it too) and is rendered from there, so the page and the repository's document never differ. The document's own top heading is replaced by the page title. Needs no warehouse.
"""

from __future__ import annotations

from importlib import resources

import streamlit as st

from warehouse.settings import Settings

STATEMENT = resources.files(__package__).joinpath("accessibility.md")


def render(settings: Settings) -> None:
    st.title("Accessibility")
    try:
        text = STATEMENT.read_text(encoding="utf-8")
    except FileNotFoundError:
        st.error(
            "The accessibility statement (dashboard/pages/accessibility.md) is missing from this installation. "
            "Ask the team that runs this service for a copy."
        )
        return
    st.markdown(statement_body(text))


def statement_body(text: str) -> str:
    """The statement without its first top-level heading (the page has its own title)."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join(lines[:n] + lines[n + 1 :]).strip()
    return text.strip()

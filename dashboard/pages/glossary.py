"""Glossary: every term and measure shown on screen, in plain English, with how each figure is worked out.

Each term is a heading whose anchor is `Term.anchor`, so any page can link to `/glossary#<anchor>`.
The page reads only `dashboard.glossary.TERMS` (and its search and table there): it needs no warehouse.
"""

from __future__ import annotations

import streamlit as st

from dashboard.glossary import TERMS, alphabetical, as_table, matching
from dashboard.layout import download, note, safe_csv
from dashboard.text import md
from warehouse.settings import Settings


def render(settings: Settings) -> None:
    st.title("Glossary")
    st.markdown(
        "What the words and figures in this service mean, in plain English. Where a figure is "
        "calculated, *How it is worked out* gives the formula."
    )
    query = st.text_input(
        "Search the glossary",
        key="glossary_search",
        placeholder="For example: cap, forecast, subsidy",
        help="Shows the terms whose name or definition contains these words (capitals do not matter).",
    )
    query = (query or "").strip()
    shown = matching(query)
    download(
        "Download the glossary (CSV)",
        safe_csv(as_table(alphabetical(TERMS.values()))),
        file_name="glossary.csv",
        mime="text/csv",
        key="download-glossary.csv",
    )
    if not shown:
        st.info(
            f"No term matches “{md(query)}”. Try a shorter or different word, "
            "or clear the search box to see every term."
        )
        return
    if query:
        note(f"{len(shown)} of {len(TERMS)} terms match “{md(query)}”.")
    for t in shown:
        st.header(t.name, anchor=t.anchor)
        st.markdown(t.definition)
        if t.formula:
            st.markdown(f"**How it is worked out:** {t.formula}")

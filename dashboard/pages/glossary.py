"""Placeholder until the page is built (issue 3)."""

from __future__ import annotations

import streamlit as st

from warehouse.settings import Settings


def render(settings: Settings) -> None:
    st.title("glossary".capitalize())

"""Pieces every page shares: the freshness note, empty states and CSV downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from warehouse.connection import Version
from warehouse.settings import LONDON

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes in which no cell can run as a spreadsheet formula (such cells get a leading ')."""

    def neutralise(value):
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return "'" + value
        return value

    return frame.map(neutralise).to_csv(index=False).encode("utf-8-sig")


def csv_download(frame: pd.DataFrame, file_name: str) -> None:
    st.download_button(
        "Download this table (CSV)",
        safe_csv(frame),
        file_name=file_name,
        mime="text/csv",
        key=f"download-{file_name}",
    )


def note(text: str) -> None:
    """A side note. Not st.caption: its faded grey fails WCAG AA contrast in the default theme."""
    st.markdown(f"*{text}*")


def freshness_note(version: Version) -> None:
    published = version.published_at.astimezone(LONDON)
    note(
        f"Data refreshed {published:%a %d %b %Y at %H:%M} (UK time), warehouse version {version.number}."
    )


def empty_state() -> None:
    st.info(
        "No data has been loaded yet. Run `make run` to build the demo data, or put files in the landing "
        "folder and run `rpd ingest`. docs/data-contracts.md lists the files the service accepts."
    )

"""Data status: what is loaded, from which files, and which checks failed."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.layout import csv_download, note, start
from warehouse.settings import Settings

OUTCOMES = {"Loaded": "loaded", "Rejected": "rejected", "Skipped (already loaded)": "skipped"}


def render(settings: Settings) -> None:
    version = start("Data status", settings)
    if version is None:
        return
    st.header("What is loaded")
    st.table(data.query(version, "loaded_tables").set_index("What"))
    st.header("Files received")
    chosen = st.multiselect(
        "Show files that were", list(OUTCOMES), default=list(OUTCOMES), key="status_outcomes"
    )
    files = data.query(version, "recent_files", [OUTCOMES[c] for c in chosen])
    if files.empty:
        st.info("No files match this choice.")
    else:
        st.dataframe(files, hide_index=True, width="stretch")
        csv_download(files, "files-received.csv")
    st.header("Checks that failed")
    failed = data.query(version, "failed_checks")
    if failed.empty:
        st.success(
            "No file received so far has failed a check. Files that could not be read or recognised "
            "are listed above with the reason."
        )
    else:
        note("Rows are numbered as in the file, with the header as row 1.")
        st.dataframe(failed, hide_index=True, width="stretch")
        csv_download(failed, "failed-checks.csv")

"""Data status: what is loaded, from which files, and which checks failed."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import actions, data
from dashboard.charts.status import (
    disagreement_warning,
    finished_note,
    freshness_list,
    freshness_table,
    running_note,
)
from dashboard.layout import csv_download, download, note, start
from dashboard.text import md
from warehouse.settings import LONDON, Settings
from warehouse.status import last_failure, last_run

OUTCOMES = {"Loaded": "loaded", "Rejected": "rejected", "Skipped (already loaded)": "skipped"}
POLL_SECONDS = 2  # how often the page looks whether a running refresh has finished
# Session state: this session pressed Refresh now and its result is not yet shown.
WATCHING = "refresh_watching"
FINISHED = "refresh_finished"  # session state: the run that just finished, to report once


def render(settings: Settings) -> None:
    version = start("Data status", settings)
    if version is None:
        return
    refreshes(settings, version)
    freshness(settings, version)
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
    disagreements(version)


def disagreements(version) -> None:
    """A warning, not a refusal: the organisations file loads, and the contract register's answer is used."""
    # None: a version published before supply chains were read from the register.
    frame = data.query_unless_older(version, "supply_chain_disagreements")
    if frame is not None and (found := int(frame.organisations.iloc[0])):
        st.header("Warnings")
        st.warning(disagreement_warning(found))


def refreshes(settings: Settings, version) -> None:
    st.header("Refreshes")
    failed = last_failure(settings.dir("logs"), since=version.published_at)
    if failed:
        st.error(
            f"The refresh started {failed.started_at.astimezone(LONDON):%a %d %b %H:%M} failed, so nothing from it was "
            f"loaded and the figures shown are from the last good refresh. Reason: {md(failed.failure)}"
        )
    if st.session_state.pop("refresh_requested", None) is False:
        st.info("A refresh was already running, so pressing Refresh now started no other.")
    finished = st.session_state.pop(FINISHED, None)
    if finished is not None and not finished.failure:  # a failure is told above
        st.success(finished_note(finished))
    running = actions.refresh_running(settings)
    if running or st.session_state.get(WATCHING):
        st.fragment(_progress, run_every=POLL_SECONDS)(settings)
    user = data.signed_in()
    if user is None or not user.may("refresh"):
        note("Refreshes run on their timetable. Administrators can also start one from this page.")
    elif st.button(
        "Refresh now",
        key="refresh_now",
        disabled=running is not None,
        help="Check and load every file waiting in the landing folder, as the weekly refresh does. "
        "For administrators. Disabled while a refresh is running.",
    ):
        with st.spinner("Starting the refresh..."):
            started = actions.start_refresh(settings, user)
        st.session_state["refresh_requested"] = started
        if started:
            st.session_state[WATCHING] = True
        st.rerun()
    history = data.query(version, "run_history")
    if history.empty:
        st.info("No refresh has been recorded yet.")
        return
    st.dataframe(history.drop(columns=["run_id"]), hide_index=True, width="stretch")
    latest = history.iloc[0]
    with st.expander(f"What changed in the latest refresh ({latest['Started']})", expanded=True):
        if not user or not user.may("contracts"):
            note(
                "What changed in the figures is shown to the national team: it gives contract figures, "
                "which administrators do not see. The table above shows what the refresh loaded."
            )
            return
        found = data.query(version, "run_summary", run_id=latest["run_id"]).summary_md
        summary = found.iloc[0] if len(found) else ""
        st.markdown(summary or "No summary was recorded for this refresh.")
        download(
            "Download this summary",
            summary.encode("utf-8"),
            file_name="what-changed.md",
            mime="text/markdown",
            key="download-summary",
        )


def _progress(settings: Settings) -> None:
    """Polled every POLL_SECONDS while a refresh runs (or one this session started has not been
    reported): the running note; when the refresh has ended, the whole page again, with its result."""
    running = actions.refresh_running(settings)
    if running:
        st.info(running_note(running), icon=":material/hourglass_top:")
        note(
            f"Looked at {dt.datetime.now(LONDON):%H:%M:%S}. This page looks again every "
            f"{POLL_SECONDS} seconds and shows the result when the refresh ends."
        )
        return
    st.session_state.pop(WATCHING, None)
    st.session_state[FINISHED] = last_run(settings.dir("logs"))
    st.rerun(scope="app")


def freshness(settings: Settings, version) -> None:
    """Each kind of file: when one last loaded, and whether one has come since its refresh was due."""
    st.header("Freshness of each kind of file")
    found = data.query(version, "source_freshness")
    if found.empty:
        st.info("No file has been received yet.")
        return
    table = freshness_table(found, settings, dt.datetime.now(LONDON))
    stale = int((table.Freshness != "Up to date").sum())
    if stale:
        st.warning(
            f"{stale} kind(s) of file have not arrived since their refresh was due: see below."
        )
    st.markdown(freshness_list(table))
    csv_download(table, "freshness.csv")
    docs = sorted(settings.dir("reports").glob("*/data-docs/index.html"))
    if docs:
        folder = docs[-1].parent
        download(
            "Download the latest Great Expectations Data Docs (zip)",
            data.zipped_folder(str(folder)),
            file_name=f"data-docs-{folder.parent.name}.zip",
            mime="application/zip",
            key="download-data-docs",
            help="The checks of the latest run that checked files, as Great Expectations' own HTML report. "
            "Offline it opens unstyled; the same results are in the tables on this page.",
        )

"""The one module that owns Streamlit caching and the warehouse connection of the app process.

A page asks `query(version, name, ...)` and gets a DataFrame. Results are cached under the
published warehouse version, so a refresh is visible at the next interaction with no restart;
connections are read-only, one per version, each query on its own cursor.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.queries import all_queries
from warehouse.connection import Version, Warehouse
from warehouse.settings import LONDON, Settings

QUERIES = all_queries()


def current_version(settings: Settings) -> Version | None:
    """The published version now (reads a small pointer file: cheap, done on every rerun)."""
    return Warehouse.from_settings(settings).current()


@st.cache_resource(max_entries=3, show_spinner=False, on_release=lambda con: con.close())
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


@st.cache_data(max_entries=512, show_spinner=False)
def _run(path: str, name: str, params: tuple) -> pd.DataFrame:
    frame = _connection(path).cursor().execute(QUERIES[name], list(params)).df()
    return _london(frame)


def query(version: Version, name: str, *params, **named) -> pd.DataFrame:
    """Run a named query against a published version (cached per version and parameters).

    Give positional parameters for `?` placeholders, or named ones (e.g. **scope.params()) for `$name`."""
    if named:
        return _run_named(str(version.path), name, tuple(sorted(named.items())))
    return _run(str(version.path), name, tuple(params))


@st.cache_data(max_entries=512, show_spinner=False)
def _run_named(path: str, name: str, params: tuple) -> pd.DataFrame:
    sql = QUERIES[name]
    used = {k: v for k, v in params if f"${k}" in sql}
    frame = _connection(path).cursor().execute(sql, used).df()
    return _london(frame)


def _london(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert(LONDON)
    return frame


@st.cache_data(max_entries=4, show_spinner=False)
def zipped_folder(folder: str) -> bytes:
    """A folder as zip bytes (the run's Data Docs), cached per folder: a run's reports never change."""
    buffer = io.BytesIO()
    root = Path(folder)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(root.parent))
    return buffer.getvalue()

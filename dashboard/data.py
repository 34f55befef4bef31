"""The one module that owns Streamlit caching and the warehouse connection of the app process.

A page asks `query(version, name, ...)` and gets a DataFrame. Results are cached under the
published warehouse version, so a refresh is visible at the next interaction with no restart;
connections are read-only, one per version, each query on its own cursor.

Access is enforced here, not by the pages: `query` takes the signed-in user from the session (set
by the frame, never by a widget), refuses a query their role may not run, and binds the contracts
($allowed) and regions ($regions) they may read into every query declared to return such rows
(dashboard.queries.Guard). A page cannot widen them: its own values for those parameters are
overwritten.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.queries import Guard, registered
from warehouse.access import CONTRACTS_SQL, AccessRefused, User, contract_scope, region_scope
from warehouse.connection import Version, Warehouse
from warehouse.measures import missing
from warehouse.migrations import unapplied
from warehouse.settings import LONDON, Settings

_REGISTERED = registered()  # refuses a query whose SQL disagrees with its declared guard
QUERIES = {name: query.sql for name, query in _REGISTERED.items()}
GUARDS = {name: query.guard for name, query in _REGISTERED.items()}
USER_KEY = "_signed_in_user"  # session state; no widget uses this key


def signed_in() -> User | None:
    """The user this session signed in as (None before sign-in)."""
    return st.session_state.get(USER_KEY)


def allowed_contracts(version: Version, user: User | None) -> list[str] | None:
    """The contracts the user may read in this version: None means every contract."""
    if user is not None and user.sees_everything:
        return None
    if user is None or not user.may("contracts"):
        return []
    scope = contract_scope(user)
    return list(
        _contracts(
            str(version.path),
            tuple(scope["regions"] or ()) if scope["regions"] is not None else None,
            tuple(scope["providers"]) if scope["providers"] is not None else None,
        )
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _contracts(path: str, regions: tuple | None, providers: tuple | None) -> tuple[str, ...]:
    params = {
        "regions": list(regions) if regions is not None else None,
        "providers": list(providers) if providers is not None else None,
    }
    rows = _connection(path).cursor().execute(CONTRACTS_SQL, params).fetchall()
    return tuple(r[0] for r in rows)


def current_version(settings: Settings) -> Version | None:
    """The published version now (reads a small pointer file: cheap, done on every rerun)."""
    return Warehouse.from_settings(settings).current()


def built_by_older_code(version: Version) -> bool:
    """Whether the version lacks a schema step or a measure of this code: it was published by an older
    version of this service, so a page may need data it does not have until `rpd upgrade` or the
    next refresh. The only condition under which a failed query is explained as old data."""
    return _built_by_older_code(str(version.path))


@st.cache_data(max_entries=8, show_spinner=False)
def _built_by_older_code(path: str) -> bool:
    cursor = _connection(path).cursor()
    return bool(unapplied(cursor) or missing(cursor))


@st.cache_resource(max_entries=3, show_spinner=False, on_release=lambda con: con.close())
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


@st.cache_data(max_entries=512, show_spinner=False)
def _run(path: str, name: str, params: tuple) -> pd.DataFrame:
    frame = _connection(path).cursor().execute(QUERIES[name], list(params)).df()
    return _london(frame)


def query(version: Version, name: str, *params, **named) -> pd.DataFrame:
    """Run a named query against a published version (cached per version and parameters), as the
    signed-in user: refused if their role may not run it, restricted to what they may read.

    Give positional parameters for `?` placeholders, or named ones (e.g. **scope.params()) for `$name`."""
    user = signed_in()
    needs = GUARDS[name].needs
    if needs is not None and (user is None or not user.may(needs)):
        who = user.description if user else "Nobody signed in"
        raise AccessRefused(f"{who} may not see this information.")
    if GUARDS[name] is Guard.BY_CONTRACT:
        allowed = allowed_contracts(version, user)
        named["allowed"] = tuple(allowed) if allowed is not None else None
    elif GUARDS[name] is Guard.BY_REGION:
        regions = region_scope(user) if user else []
        named["regions"] = tuple(regions) if regions is not None else None
    if named:
        return _run_named(str(version.path), name, tuple(sorted(named.items())))
    return _run(str(version.path), name, tuple(params))


def query_unless_older(version: Version, name: str, *params, **named) -> pd.DataFrame | None:
    """query(), or None when a table it reads is missing because the version was published by older
    code (built_by_older_code): for a part of a page that such a version simply lacks, and that the
    page leaves out. A missing table in a version of this code is a fault, and is raised as one."""
    try:
        return query(version, name, *params, **named)
    except duckdb.CatalogException:
        if not built_by_older_code(version):
            raise
        return None


@st.cache_data(max_entries=512, show_spinner=False)
def _run_named(path: str, name: str, params: tuple) -> pd.DataFrame:
    sql = QUERIES[name]
    used = {k: list(v) if isinstance(v, tuple) else v for k, v in params if f"${k}" in sql}
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

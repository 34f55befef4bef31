"""The measures the dashboard needs, as SQL views in warehouse/sql/ (one file each, run in name order).

Views are re-created at every run, so a published version always carries the measures of the
code that built it, and materialised as tables just before it is published (see materialise). Formulas are in each file's header comment and in docs/measures.md.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import duckdb


def view_files() -> list[tuple[str, str]]:
    folder = resources.files("warehouse").joinpath("sql")
    return sorted(
        (e.name, e.read_text("utf-8")) for e in folder.iterdir() if e.name.endswith(".sql")
    )


VIEW = re.compile(r"CREATE\s+OR\s+REPLACE\s+VIEW\s+(\w+)", re.IGNORECASE)


def view_names() -> list[str]:
    """The measure views, in the order their files create them (a view only uses earlier ones)."""
    return [m for _, sql in view_files() for m in VIEW.findall(sql)]


def missing(con: duckdb.DuckDBPyConnection) -> list[str]:
    """This code's measures the opened version does not hold (as a table or a view), and the previous
    version's measures stored beside them: any at all means it was built by an older version of this
    service."""
    held = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    }
    stored = [f"previous_{name}" for name in PREVIOUS]  # kept at publish (keep_previous)
    return [name for name in (*view_names(), *stored) if name not in held]


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the measures as views, replacing the tables the last run materialised.

    A version published before measures were materialised (or restored by `rpd rollback`) holds them
    as views already; DuckDB refuses DROP TABLE on a view, even with IF EXISTS, so only tables are
    dropped and views are replaced by CREATE OR REPLACE VIEW."""
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        ).fetchall()
    }
    for name in view_names():
        if name in tables:
            con.execute(f"DROP TABLE {name}")
    for _, sql in view_files():
        con.execute(sql)


def materialise(con: duckdb.DuckDBPyConnection) -> None:
    """Store every measure view's rows as a table of the same name, just before publishing.

    A published version never changes, so its measures need computing only once: pages then read
    stored rows instead of recomputing each view (and the views under it) on every query. Macros
    that take an as-of date (engagement coverage, working days) stay macros. In file order, so each
    table is built from the tables before it."""
    for name in view_names():
        # names come from our own SQL files (VIEW pattern: word characters only), never from input
        con.execute(f"CREATE TABLE {name}__rows AS SELECT * FROM {name}")  # noqa: S608
        con.execute(f"DROP VIEW {name}")
        con.execute(f"ALTER TABLE {name}__rows RENAME TO {name}")


# The measures the Overview's headline reads (dashboard/queries/overview.py). At every refresh the version
# built from keeps its own rows of these as previous_<name> tables in the new version, so "since the last
# version" is worked out from rows stored at publish, never by opening an older version's file (which may
# have been pruned, or built by other code).
PREVIOUS = (
    "mart_contract",
    "mart_data_as_of",
    "mart_volume_gap",
    "mart_contract_attention",
    "mart_reporting_periods",
    "mart_thresholds",
    "mart_financial_return_status",
    "mart_subsidy_quarterly",
)
_PREVIOUS_NAME = re.compile(r"\b(" + "|".join(PREVIOUS) + r")\b")


def on_previous(sql: str) -> str:
    """The same SQL over the previous version's stored rows (previous_<name> for each of PREVIOUS)."""
    return _PREVIOUS_NAME.sub(r"previous_\1", sql)


def _columns(con: duckdb.DuckDBPyConnection, catalog: str | None, table: str) -> list[tuple]:
    """A table's columns and their types, in order (empty if there is no such table)."""
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "AND table_catalog = coalesce(?, current_database()) ORDER BY ordinal_position",
        [table, catalog],
    ).fetchall()


def keep_previous(con: duckdb.DuckDBPyConnection, previous: Path | None) -> None:
    """Store the PREVIOUS measures of the version file `previous` in the version being built, as
    previous_<name> tables (after materialise). With no previous version, or one built before a measure
    existed or when it had other columns (older code), that table is stored empty, with this version's
    columns: the Overview then shows no change, and its queries always find the columns they read."""
    if previous is not None:
        quoted = str(previous).replace("'", "''")  # our own version file, not user input
        con.execute(f"ATTACH '{quoted}' AS previous_version (READ_ONLY)")
    try:
        for name in PREVIOUS:
            found = previous is not None and _columns(con, "previous_version", name) == _columns(
                con, None, name
            )
            source = f"previous_version.{name}" if found else f"{name} LIMIT 0"
            # names come from PREVIOUS, never from input
            con.execute(f"CREATE OR REPLACE TABLE previous_{name} AS SELECT * FROM {source}")  # noqa: S608
    finally:
        if previous is not None:
            con.execute("DETACH previous_version")

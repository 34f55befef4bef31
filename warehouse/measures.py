"""The measures the dashboard needs, as SQL views in warehouse/sql/ (one file each, run in name order).

Views are re-created at every run, so a published version always carries the measures of the
code that built it, and materialised as tables just before it is published (see materialise). Formulas are in each file's header comment and in docs/measures.md.
"""

from __future__ import annotations

import re
from importlib import resources

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

"""Numbered, named schema steps (warehouse/schema/NNN_name.sql), each applied once and safe to re-run.

A step is recorded in meta_migration when applied. Steps only add: a new column or table is a new
file, never an edit of an applied one. Measures (warehouse/sql/) are views, re-created at every
publish, so they always match the code.
"""

from __future__ import annotations

import re
from importlib import resources

import duckdb

_STEP = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def steps() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every schema step, in order."""
    folder = resources.files("warehouse").joinpath("schema")
    found = []
    for entry in folder.iterdir():
        m = _STEP.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every step not yet applied; return the names applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS meta_migration (step INTEGER NOT NULL, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT step FROM meta_migration").fetchall()}
    applied = []
    for number, name, sql in steps():
        if number in done:
            continue
        con.execute("BEGIN")
        con.execute(sql)
        con.execute("INSERT INTO meta_migration (step, name) VALUES (?, ?)", [number, name])
        con.execute("COMMIT")
        applied.append(name)
    return applied


def unapplied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The names of this code's schema steps the opened warehouse has not recorded (read-only safe):
    any at all means it was built by an older version of this service."""
    recorded = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = 'meta_migration'"
    ).fetchone()
    done = (
        {row[0] for row in con.execute("SELECT step FROM meta_migration").fetchall()}
        if recorded == (1,)
        else set()
    )
    return [name for number, name, _ in steps() if number not in done]

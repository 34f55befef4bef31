"""What is loaded, from which files, when: shared by `rpd status` and the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

CORE_TABLES = (
    "core_contract",
    "core_referral",
    "core_kpi_return",
    "core_financial_return",
    "core_organisation",
    "core_forum_meeting",
    "core_forum_attendance",
)


@dataclass(frozen=True)
class TableStatus:
    table: str
    rows: int
    files: int
    last_loaded: dt.datetime | None


@dataclass(frozen=True)
class FileStatus:
    file_name: str
    source: str | None
    outcome: str
    rows_loaded: int | None
    message: str
    received_at: dt.datetime


def loaded_tables(con: duckdb.DuckDBPyConnection) -> list[TableStatus]:
    cur = con.cursor()
    found = []
    for table in CORE_TABLES:
        row = cur.execute(
            f"SELECT count(*), count(DISTINCT t.file_id), max(f.received_at) FROM {table} t "  # noqa: S608 - fixed names
            "LEFT JOIN meta_ingest_file f USING (file_id)"
        ).fetchone()
        assert row is not None  # an aggregate always returns one row
        found.append(TableStatus(table, *row))
    return found


def recent_files(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[FileStatus]:
    rows = (
        con.cursor()
        .execute(
            "SELECT file_name, source, outcome, rows_loaded, message, received_at FROM meta_ingest_file "
            "ORDER BY received_at DESC, file_id DESC LIMIT ?",
            [limit],
        )
        .fetchall()
    )
    return [FileStatus(*r) for r in rows]

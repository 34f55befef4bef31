"""What is loaded, from which files, when: shared by `rpd status` and the app."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Each core table, in the order shown, with its name in words (the app's Data status page).
TABLE_LABELS = {
    "core_contract": "Contracts",
    "core_referral": "Referrals",
    "core_kpi_return": "KPI returns",
    "core_financial_return": "Financial returns",
    "core_organisation": "Voluntary organisations",
    "core_forum_meeting": "Forum meetings",
    "core_forum_attendance": "Forum attendance",
}
CORE_TABLES = tuple(TABLE_LABELS)

# One row per core table (ordered by `position`): its rows, how many files they came from and when
# the last of those arrived. The one definition, read by `rpd status` (loaded_tables below) and by the
# app's Data status page (dashboard.queries.status puts it in the page's words).
LOADED_TABLES_SQL = "\nUNION ALL ".join(
    f"SELECT {n} AS position, '{table}' AS table_name, '{label}' AS label, count(*) AS rows, "  # noqa: S608 - fixed names
    "count(DISTINCT t.file_id) AS files, max(f.received_at) AS last_loaded "
    f"FROM {table} t LEFT JOIN meta_ingest_file f USING (file_id)"
    for n, (table, label) in enumerate(TABLE_LABELS.items())
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
    rows = (
        con.cursor()
        .execute(
            "SELECT table_name, rows, files, last_loaded "  # noqa: S608 - our own SQL, no value
            f"FROM ({LOADED_TABLES_SQL}) ORDER BY position"
        )
        .fetchall()
    )
    return [TableStatus(*row) for row in rows]


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


@dataclass(frozen=True)
class FailedRun:
    run_id: str
    trigger: str
    started_at: dt.datetime
    failure: str


def last_failure(log_dir: Path, since: dt.datetime) -> FailedRun | None:
    """The most recent refresh that failed after `since` (failed runs publish nothing, so they are only in the log)."""
    path = log_dir / "runs.jsonl"
    if not path.exists():
        return None
    found = None
    for line in path.read_text("utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        started = dt.datetime.fromisoformat(record["started_at"])
        if record.get("failure") and started > since:
            found = FailedRun(record["run_id"], record["trigger"], started, record["failure"])
    return found


@dataclass(frozen=True)
class FinishedRun:
    """A refresh as its log records it: how many files it loaded, rejected and skipped."""

    run_id: str
    started_at: dt.datetime
    loaded: int
    rejected: int
    skipped: int
    failure: str | None


def last_run(log_dir: Path) -> FinishedRun | None:
    """The refresh logged last (runs.jsonl has a line per run, written when it ends), or None."""
    path = log_dir / "runs.jsonl"
    if not path.exists():
        return None
    for line in reversed(path.read_text("utf-8").splitlines()):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        outcomes = [f.get("outcome") for f in record.get("files", [])]
        return FinishedRun(
            record["run_id"],
            dt.datetime.fromisoformat(record["started_at"]),
            outcomes.count("loaded"),
            outcomes.count("rejected"),
            outcomes.count("skipped"),
            record.get("failure"),
        )
    return None

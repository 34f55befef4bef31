"""Great Expectations suites, one per source. The only package that imports great_expectations.

`validate()` imports the suites lazily: importing Great Expectations costs seconds and hundreds of
MB, so processes that never check a file (the app, `rpd status`) never pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from expectations.report import CheckContext, CheckReport, CheckResult

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from ingest.sources import Source

# Sources whose files are typed, derived and checked in DuckDB without pandas (ingest.staged): their
# helper columns are derived in SQL too (runner.SQL_DERIVES, one per name here).
CHECKED_IN_SQL = frozenset({"referrals_performance_report", "referrals_weekly_extract"})

__all__ = [
    "CHECKED_IN_SQL",
    "CheckContext",
    "CheckReport",
    "CheckResult",
    "build_data_docs",
    "drop_staging",
    "validate",
    "validate_typed",
]


def validate(
    source: Source,
    frame: pd.DataFrame,
    ctx: CheckContext,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    docs_for: str | None = None,
) -> CheckReport:
    """Check a typed frame against its source's suite, staged in a table of `con` (the run's new warehouse
    version) and checked there by Great Expectations' SQL engine; with docs_for (a file id), the report
    carries the result for the Data Docs (CheckReport.validation)."""
    from expectations import runner

    return runner.validate(source, frame, ctx, con=con, docs_for=docs_for)


def validate_typed(
    source: Source,
    typed: str,
    ctx: CheckContext,
    *,
    con: duckdb.DuckDBPyConnection,
    first_row: int,
    docs_for: str | None = None,
) -> CheckReport:
    """Check the typed rows in table `typed` of `con` (ingest.staged), their helper columns derived in
    SQL into the staging table, which is left for loading (drop_staging removes it)."""
    from expectations import runner

    return runner.validate_typed(
        source, typed, ctx, con=con, first_row=first_row, docs_for=docs_for
    )


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    from expectations import runner

    runner.drop_staging(con)


def build_data_docs(folder: Path, validations: list) -> Path | None:
    """Write Great Expectations' Data Docs for the given CheckReport.validation results; return index.html."""
    from expectations import runner

    return runner.build_data_docs(folder, validations)

"""Runs a source's suite with Great Expectations' SQL engine on a DuckDB staging table and returns a
plain CheckReport.

The checked frame goes into a staging table through the run's own DuckDB connection (so it lives in
the warehouse version being built, which is published only if the run succeeds) and is dropped as
soon as it is checked. Great Expectations first asks each expectation only whether it passed, then
asks for the failing rows of those that did not.

This is the only module that talks to a Great Expectations context. Importing it costs seconds;
`expectations.validate` imports it only when a file is actually checked.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import duckdb
import great_expectations as gx
import numpy as np
import pandas as pd
from duckdb_engine import ConnectionWrapper, CursorWrapper
from duckdb_engine import Dialect as DuckDBDialect
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from sqlalchemy import TryCast
from sqlalchemy.dialects import postgresql, registry
from sqlalchemy.pool import NullPool

from expectations import common, contracts, engagement, referrals, returns
from expectations.patterns import masked
from expectations.report import SAMPLE_LIMIT, STAGING, CheckContext, CheckReport, CheckResult

if TYPE_CHECKING:
    from ingest.sources import Source

logging.getLogger("great_expectations").setLevel(logging.ERROR)

Derive = Callable[[pd.DataFrame, CheckContext], pd.DataFrame]
# Each suite: its rules, given the context and the file's own header for each warehouse column.
Rules = Callable[[CheckContext, dict[str, str]], list]

SUITES: dict[str, tuple[Derive, Rules]] = {
    "contracts": (contracts.derive, lambda ctx, names: contracts.rules(ctx)),
    "referrals_performance_report": (
        referrals.derive,
        lambda ctx, names: referrals.rules(ctx, "referrals_performance_report", names),
    ),
    "referrals_weekly_extract": (
        referrals.derive,
        lambda ctx, names: referrals.rules(ctx, "referrals_weekly_extract", names),
    ),
    "kpi_returns": (returns.derive, lambda ctx, names: returns.kpi_rules(ctx)),
    "financial_returns": (returns.derive, lambda ctx, names: returns.financial_rules(ctx)),
    "organisations": (
        engagement.derive_organisations,
        lambda ctx, names: engagement.organisation_rules(ctx),
    ),
    "forum_meetings": (lambda f, c: f, lambda ctx, names: engagement.meeting_rules(ctx)),
    "forum_attendance": (lambda f, c: f, lambda ctx, names: engagement.attendance_rules(ctx)),
}


# Each source's helper columns derived in SQL, for its files checked in DuckDB (ingest.staged): the
# twins of the pandas derives in SUITES, which expectations.validate uses for a frame (the naive
# benchmark's, and the tests' reference; tests/integration/test_staged_ingest.py holds them equal).
SQL_DERIVES: dict[str, Callable[[set[str], CheckContext], list[str]]] = {
    "referrals_performance_report": referrals.derive_sql,
    "referrals_weekly_extract": referrals.derive_sql,
    "kpi_returns": returns.derive_sql,
    "financial_returns": returns.derive_sql,
    "forum_meetings": lambda columns, ctx: [],
    "forum_attendance": lambda columns, ctx: [],
    "contracts": contracts.derive_sql,
    "organisations": engagement.derive_organisations_sql,
}
# Statements run on the typed rows (`{typed}`) before they are derived: ingest.load.with_lead_provider.
SQL_BEFORE: dict[str, str] = {
    "kpi_returns": returns.LEAD_PROVIDER_SQL,
    "financial_returns": returns.LEAD_PROVIDER_SQL,
}
# The register's facts a derive_sql reads, as `c` beside each typed row `t` (rows with a contract_ref).
_CONTRACT = """SELECT c.contract_ref, c.start_date, c.end_date, c.lead_provider_code,
                      c.lead_provider_name, ty.contract_type_name,
                      coalesce(c.subcontractor_codes, []) AS subcontractor_codes
               FROM core_contract c LEFT JOIN ref_contract_type ty USING (contract_type_code)"""

COMPLETE = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": SAMPLE_LIMIT,
    "unexpected_index_column_names": ["source_row"],
    "return_unexpected_index_query": False,
}


class _SharedConnection(ConnectionWrapper):
    """duckdb-engine's connection, on the pipeline's own open DuckDB connection: every SQLAlchemy cursor
    is a real DuckDB cursor (`con.cursor()`) of it, so the same database is read (a second
    `duckdb.connect` of the file in this process would fail) and the ROLLBACK SQLAlchemy issues when
    Great Expectations closes a connection, before it has fetched the rows, cannot replace the
    unfetched result (great_expectations #11579, duckdb_engine #1087; STACK-NOTES.md). Great
    Expectations sees what the pipeline's connection has committed."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        super().__init__(con.cursor())  # closed by close(); the pipeline's connection never is
        self._root = con

    def cursor(self) -> CursorWrapper:
        return CursorWrapper(self._root.cursor(), self)


class DuckDBForGX(DuckDBDialect):
    """duckdb-engine's dialect as Great Expectations recognises a dialect: by a `dialect` attribute,
    here PostgreSQL's, so that regular expressions become `~` / `!~`, which DuckDB runs like PostgreSQL
    (a match anywhere, RE2 syntax: see patterns.re2). A property, as SQLAlchemy's loader takes a class
    attribute of that name for something else."""

    supports_statement_cache = False  # as duckdb-engine's own dialect (said, not inherited)

    @property
    def dialect(self):
        return postgresql.dialect


registry.register("rpd_duckdb", __name__, "DuckDBForGX")


def _detach_duckdb_engine_from_sqlalchemy() -> None:
    """At exit, take back the compile hook duckdb-engine hangs on SQLAlchemy's TryCast class when it is
    imported (`@compiles(TryCast, "duckdb")`), so that nothing of DuckDB stays alive past the
    interpreter's shutdown.

    Once Great Expectations is imported (its sqlalchemy.orm and jsonschema-specifications imports
    together), CPython leaves SQLAlchemy's classes alive at shutdown, which is harmless; through that
    hook they keep duckdb-engine's module, hence `duckdb`'s own objects, alive too, and DuckDB's
    bindings (nanobind) then print "nanobind: leaked N instances" to stderr at the exit of every
    process that checked a file. It is not ours to hold: no connection, cursor, engine or context of a
    check survives it (nor does a bare `import great_expectations, duckdb_engine` exit quietly)."""
    dispatcher = TryCast.__dict__.get("_compiler_dispatcher")
    if dispatcher is not None:
        dispatcher.specs.pop("duckdb", None)


atexit.register(_detach_duckdb_engine_from_sqlalchemy)


@cache
def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def build_suite(
    source: Source, frame: pd.DataFrame, ctx: CheckContext
) -> tuple[gx.ExpectationSuite, pd.DataFrame]:
    """The suite for this source, and the frame with the helper columns its rules read."""
    derive, _ = SUITES[source.name]
    frame = derive(common.prepare(source, frame), ctx)
    return suite_for(source, set(frame.columns), ctx), frame


def suite_for(source: Source, columns: set[str], ctx: CheckContext) -> gx.ExpectationSuite:
    """The source's suite for a table of these columns: every shared rule, and each of the source's
    own rules whose columns the table has."""
    _, rules = SUITES[source.name]
    names = {c.target: c.name for c in source.columns}
    applicable = [e for e in rules(ctx, names) if _columns(e) <= columns]
    return gx.ExpectationSuite(
        name=source.name, expectations=[*common.shared_rules(source, columns), *applicable]
    )


def _columns(expectation) -> set[str]:
    """The columns an expectation reads. Rules on columns a shape does not have (the weekly extract has
    no assessment dates) do not apply to it."""
    kwargs = expectation.configuration.kwargs
    names = {
        kwargs.get("column"),
        kwargs.get("column_A"),
        kwargs.get("column_B"),
        *(kwargs.get("column_list") or []),
    }
    return {n for n in names if n}


def _raised(exception_info) -> str | None:
    """The message of an exception Great Expectations caught while running a check, if any."""
    if not exception_info:
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message"))
    for value in exception_info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def validate(
    source: Source,
    frame: pd.DataFrame,
    ctx: CheckContext,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    docs_for: str | None = None,
) -> CheckReport:
    """Run the source's suite on the frame, staged in a table of `con` (the run's new warehouse version;
    a private in-memory database without it). With docs_for (a file id), the report also carries Great
    Expectations' result, with found values shown as the messages show them, for build_data_docs()."""
    suite, frame = build_suite(source, frame.reset_index(drop=True), ctx)
    own = con is None
    con = duckdb.connect() if con is None else con
    try:
        _stage(con, frame, suite)
        result = _validate_in_duckdb(suite, con)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {STAGING}")
        if own:
            con.close()
    return _report(source, len(frame), result, docs_for)


def validate_typed(
    source: Source,
    typed: str,
    ctx: CheckContext,
    *,
    con: duckdb.DuckDBPyConnection,
    first_row: int,
    docs_for: str | None = None,
) -> CheckReport:
    """Run the source's suite on the typed rows of table `typed` (ingest.staged), with the helper
    columns derived in SQL (common.prepare_sql, SQL_DERIVES) into the staging table, which is left in
    place for loading (the caller drops it). `first_row`: the file row number of the table's first row."""
    if source.name in SQL_BEFORE:
        con.execute(SQL_BEFORE[source.name].format(typed=typed))
    typed_columns = {r[0] for r in con.execute(f"DESCRIBE {typed}").fetchall()}
    derived = [
        *common.prepare_sql(source, typed_columns),
        *SQL_DERIVES[source.name](typed_columns, ctx),
    ]
    joined = (
        f" LEFT JOIN ({_CONTRACT}) c ON t.contract_ref = c.contract_ref"
        if "contract_ref" in typed_columns
        else ""
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {STAGING} AS SELECT t.rowid + {first_row} AS source_row, t.*"  # noqa: S608
        f"{''.join(', ' + d for d in derived)} FROM {typed} t{joined}"
    )
    columns = {r[0] for r in con.execute(f"DESCRIBE {STAGING}").fetchall()}
    suite = suite_for(source, columns, ctx)
    rows = con.execute(f"SELECT count(*) FROM {STAGING}").fetchone()  # noqa: S608
    return _report(source, int(rows[0]) if rows else 0, _validate_in_duckdb(suite, con), docs_for)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {STAGING}")


def _report(source: Source, rows: int, result, docs_for: str | None) -> CheckReport:
    """Great Expectations' result as the plain CheckReport the pipeline and the app read."""
    found = []
    for r in result.results:
        config = r.expectation_config
        meta = config.meta or {}
        column = config.kwargs.get("column") or config.kwargs.get("column_A")
        detail = r.result or {}
        failing = sorted(
            (d for d in detail.get("unexpected_index_list") or [] if isinstance(d, dict)),
            key=lambda d: d["source_row"],
        )[:SAMPLE_LIMIT]
        found.append(
            CheckResult(
                check_type=config.type,
                column=_display_column(column),
                rule=meta.get("rule", config.type),
                success=bool(r.success),
                rows_failing=int(detail.get("unexpected_count") or 0) if not r.success else 0,
                failing_rows=tuple(int(d["source_row"]) for d in failing),
                found_values=tuple(_show(_found(d, config.kwargs)) for d in failing)
                if meta.get("show_values", True)
                else (),
                hidden=not meta.get("show_values", True),
            )
        )
    found = _hide_tainted(found)
    kept = (
        _for_docs(result, source.name, docs_for, {r.column for r in found if r.hidden})
        if docs_for is not None
        else None
    )
    return CheckReport(source.name, rows, tuple(found), validation=kept)


def _found(failing_row: dict, kwargs) -> object:
    """The value (a pair of values for a rule on two columns) a check found on a failing row."""
    if kwargs.get("column_A"):
        return (failing_row.get(kwargs["column_A"]), failing_row.get(kwargs["column_B"]))
    return failing_row.get(kwargs.get("column"))


def _stage(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, suite: gx.ExpectationSuite) -> None:
    """The columns the suite reads, and each row's number in the file, as the staging table (committed:
    Great Expectations reads through cursors of their own). Columns of Python objects are given their
    type first, so that DuckDB does not guess it from a sample of the rows."""
    columns = sorted({c for e in suite.expectations for c in _columns(e)} | {"source_row"})
    staged = frame[columns].assign(
        **{c: _typed(frame[c]) for c in columns if frame[c].dtype == object}
    )
    con.register("check_frame", staged)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {STAGING} AS SELECT * FROM check_frame")  # noqa: S608
    finally:
        con.unregister("check_frame")


def _typed(column: pd.Series) -> pd.Series:
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind in ("string", "empty"):
        return column.astype(pd.StringDtype())
    if kind == "boolean":
        return column.astype("boolean")
    if kind == "integer":
        return column.astype("Int64")
    if kind in ("floating", "mixed-integer-float"):
        return column.astype("Float64")
    return column


def _validate_in_duckdb(suite: gx.ExpectationSuite, con: duckdb.DuckDBPyConnection):
    """Validate the staging table: every expectation asked only whether it passed (result format
    BOOLEAN_ONLY, which spares each passing expectation a query for its failing rows), then the
    failing rows (COMPLETE, up to SAMPLE_LIMIT) only for those that did not. One result, in the order
    one whole-suite validation gives."""
    context = _context()
    name = f"staging-{id(con)}"
    source = context.data_sources.add_sql(
        name,
        connection_string="rpd_duckdb:///:memory:",
        kwargs={"creator": lambda: _SharedConnection(con), "poolclass": NullPool},
    )
    try:
        batch = (
            source.add_table_asset(STAGING, table_name=STAGING)
            .add_batch_definition_whole_table("whole_file")
            .get_batch()
        )
        whole = batch.validate(suite, result_format="BOOLEAN_ONLY")
        order = _gx_order(suite.expectations)
        _stop_if_raised(whole.results)
        failed = [k for k, r in enumerate(whole.results) if not r.success]
        if failed:
            again = [suite.expectations[order[k]] for k in failed]
            detail = batch.validate(
                gx.ExpectationSuite(name=suite.name, expectations=again), result_format=COMPLETE
            )
            _stop_if_raised(detail.results)
            for k, r in zip([failed[j] for j in _gx_order(again)], detail.results, strict=True):
                if r.expectation_config.type != whole.results[k].expectation_config.type:
                    raise RuntimeError("Great Expectations returned results in an unexpected order")
                whole.results[k] = r
    finally:
        context.data_sources.delete(name)
    return whole


def _stop_if_raised(results) -> None:
    for r in results:
        problem = _raised(r.exception_info)
        if problem:
            config = r.expectation_config
            column = config.kwargs.get("column") or config.kwargs.get("column_A")
            raise RuntimeError(f"check {config.type} on {column} could not run: {problem}")


def _gx_order(expectations: list) -> list[int]:
    """The order Great Expectations reports results in: grouped by their `column`, in order of each
    column's first appearance, those without one together (Validator.process_expectations_for_validation)."""
    groups: dict[str, list[int]] = {}
    for n, expectation in enumerate(expectations):
        column = expectation.configuration.kwargs.get("column")
        groups.setdefault(column if isinstance(column, str) else "_nocolumn", []).append(n)
    return [n for members in groups.values() for n in members]


def _hide_tainted(results: list[CheckResult]) -> list[CheckResult]:
    """Where a column was found to hold identifiers, no check on that column may show its values."""
    tainted = {r.column for r in results if r.hidden and not r.success}
    return [
        dataclasses.replace(r, found_values=(), hidden=True)
        if r.column in tainted and not r.success
        else r
        for r in results
    ]


def _display_column(column: str | None) -> str | None:
    """A helper column's name shown as the file's column it is about (common.KEY as none)."""
    return (column.split("__")[0] or None) if column else None


def _show(value) -> str:
    """A value a check found, as text anyone may read: the one place found values become text, so
    masked() hides here whatever could identify someone (for messages, the warehouse and Data Docs)."""
    return masked(_text(value))


def _text(value) -> str:
    if isinstance(value, tuple):
        return " / ".join(_text(v) for v in value)
    if isinstance(value, np.datetime64 | dt.datetime | dt.date) and not pd.isna(value):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if value.time() != pd.Timestamp(0).time()
            else value.strftime("%Y-%m-%d")
        )
    return "" if value is None else str(value)


_VALUE_KEYS = ("unexpected_list", "partial_unexpected_list")
_ROW_KEYS = ("unexpected_index_list", "partial_unexpected_index_list")


def _for_docs(result, suite_name: str, file_id: str, hidden_columns: set) -> tuple:
    """A result as the run's Data Docs show it, with its key: values of identifier-bearing columns
    hidden and every other value shown as the messages show it (_show)."""
    for r in result.results:
        column = _display_column(
            r.expectation_config.kwargs.get("column") or r.expectation_config.kwargs.get("column_A")
        )
        hide = column in hidden_columns or not (r.expectation_config.meta or {}).get(
            "show_values", True
        )
        for name in _VALUE_KEYS:
            if r.result.get(name):
                r.result[name] = ["(hidden)" if hide else _show(v) for v in r.result[name]]
        for name in _ROW_KEYS:  # each failing row's number, with the values it holds
            if r.result.get(name):
                r.result[name] = [
                    {
                        k: v if k == "source_row" else "(hidden)" if hide else _show(v)
                        for k, v in d.items()
                    }
                    for d in r.result[name]
                ]
        if hide:
            r.result.pop("partial_unexpected_counts", None)
        for count in r.result.get("partial_unexpected_counts") or []:
            count["value"] = _show(count.get("value"))
    key = ValidationResultIdentifier(
        ExpectationSuiteIdentifier(name=suite_name),
        RunIdentifier(run_name=file_id.rsplit("-", 1)[0], run_time=dt.datetime.now(dt.UTC)),
        file_id,
    )
    return key, result


def build_data_docs(folder: Path, validations: list) -> Path | None:
    """Render Great Expectations' Data Docs for `validations` (CheckReport.validation of each file
    checked in the run) into folder.

    Offline, the pages load their styles from CDNs and show unstyled; they are kept as the run's
    artefact, and the app shows the same results from the warehouse's own tables."""
    if not validations:
        return None
    context = _context()
    site = f"run-{len(validations)}-{id(folder)}"
    context.add_data_docs_site(
        site,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(folder),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    store = context.validation_results_store
    try:
        for key, result in validations:
            store.set(key, result)
        context.build_data_docs(site_names=[site])
    finally:
        for key, _ in validations:
            store.remove_key(key)
        context.delete_data_docs_site(site)
    return folder / "index.html"

"""Runs a source's suite on a typed DataFrame with Great Expectations and returns a plain CheckReport.

This is the only module that talks to a Great Expectations context. Importing it costs seconds;
`expectations.validate` imports it only when a file is actually checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.data_context.types.resource_identifiers import (  # noqa: E402
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

from expectations import common, contracts, engagement, referrals, returns  # noqa: E402
from expectations.patterns import masked  # noqa: E402
from expectations.report import SAMPLE_LIMIT, CheckContext, CheckReport, CheckResult  # noqa: E402

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


@cache
def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("received_files").add_dataframe_asset("file")
    return context, asset.add_batch_definition_whole_dataframe("whole_file")


def build_suite(
    source: Source, frame: pd.DataFrame, ctx: CheckContext
) -> tuple[gx.ExpectationSuite, pd.DataFrame]:
    """The suite for this source, and the frame with the helper columns its rules read."""
    derive, rules = SUITES[source.name]
    frame = derive(common.prepare(source, frame), ctx)
    names = {c.target: c.name for c in source.columns}
    applicable = [e for e in rules(ctx, names) if _columns(e) <= set(frame.columns)]
    suite = gx.ExpectationSuite(
        name=source.name, expectations=[*common.shared_rules(source, frame), *applicable]
    )
    return suite, frame


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
    source: Source, frame: pd.DataFrame, ctx: CheckContext, docs_for: str | None = None
) -> CheckReport:
    """Run the source's suite. With docs_for (a file id), the report also carries Great Expectations'
    result, with found values shown as the messages show them, for build_data_docs()."""
    suite, frame = build_suite(source, frame.reset_index(drop=True), ctx)
    frame = _nanosecond_dates(frame)
    result = _validate_by_columns(suite, frame)
    rows = frame["source_row"]
    found = []
    for r in result.results:
        config = r.expectation_config
        meta = config.meta or {}
        column = config.kwargs.get("column") or config.kwargs.get("column_A")
        problem = _raised(r.exception_info)
        if problem:
            raise RuntimeError(f"check {config.type} on {column} could not run: {problem}")
        detail = r.result or {}
        index = detail.get("unexpected_index_list") or []
        values = detail.get("unexpected_list") or detail.get("partial_unexpected_list") or []
        found.append(
            CheckResult(
                check_type=config.type,
                column=_display_column(column),
                rule=meta.get("rule", config.type),
                success=bool(r.success),
                rows_failing=int(detail.get("unexpected_count") or 0) if not r.success else 0,
                failing_rows=tuple(
                    int(rows.iloc[i]) for i in index[:SAMPLE_LIMIT] if isinstance(i, int)
                ),
                found_values=tuple(_show(v) for v in values[:SAMPLE_LIMIT])
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
    return CheckReport(source.name, len(frame), tuple(found), validation=kept)


def _validate_by_columns(suite: gx.ExpectationSuite, frame: pd.DataFrame):
    """Validate the suite as one result, but give each group of expectations only the columns it reads.

    Great Expectations' pandas engine filters the whole batch frame, every column, for each expectation
    (to drop the rows its column leaves empty), so on one wide frame the time grew with rows x columns x
    expectations: at 90,652 referrals (58 columns, 79 expectations) that filtering took 5.7 of the
    run's 19 seconds. Results come back in the order one whole-frame validation gives them."""
    _, batch_definition = _context()
    groups: dict[frozenset[str], list[int]] = {}
    for n, expectation in enumerate(suite.expectations):
        groups.setdefault(frozenset(_columns(expectation)), []).append(n)
    found: dict[int, object] = {}
    whole = None
    for columns, members in groups.items():
        expectations = [suite.expectations[n] for n in members]
        batch = batch_definition.get_batch(
            batch_parameters={"dataframe": frame[sorted(columns)] if columns else frame}
        )
        result = batch.validate(
            gx.ExpectationSuite(name=suite.name, expectations=expectations),
            result_format={"result_format": "COMPLETE"},
        )
        in_order = [members[k] for k in _gx_order(expectations)]
        for n, r in zip(in_order, result.results, strict=True):
            if r.expectation_config.type != suite.expectations[n].expectation_type:
                raise RuntimeError("Great Expectations returned results in an unexpected order")
            found[n] = r
        whole = whole or result
    assert whole is not None, "a suite always has expectations"
    whole.results = [found[n] for n in _gx_order(suite.expectations)]
    passed = sum(bool(r.success) for r in whole.results)
    whole.success = passed == len(whole.results)
    whole.statistics = {
        "evaluated_expectations": len(whole.results),
        "successful_expectations": passed,
        "unsuccessful_expectations": len(whole.results) - passed,
        "success_percent": 100 * passed / len(whole.results) if whole.results else None,
    }
    return whole


def _gx_order(expectations: list) -> list[int]:
    """The order Great Expectations reports results in: grouped by their `column`, in order of each
    column's first appearance, those without one together (Validator.process_expectations_for_validation)."""
    groups: dict[str, list[int]] = {}
    for n, expectation in enumerate(expectations):
        column = expectation.configuration.kwargs.get("column")
        groups.setdefault(column if isinstance(column, str) else "_nocolumn", []).append(n)
    return [n for members in groups.values() for n in members]


def _nanosecond_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns in nanoseconds where every value fits (years 1678 to 2261).

    Great Expectations compares dates to a range row by row in Python unless the column is
    datetime64[ns]; pandas 3 reads them as datetime64[us]. At 90,000 referrals that loop took 7.5
    of the run's 28 seconds. A column with a date outside that span keeps its unit (and the slow path)."""
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    converted = {}
    for name in frame.columns:
        column = frame[name]
        if not pd.api.types.is_datetime64_dtype(column.dtype) or column.dtype == "datetime64[ns]":
            continue
        first, last = column.min(), column.max()
        if pd.isna(first) or (first >= lo and last <= hi):
            converted[name] = column.astype("datetime64[ns]")
    return frame.assign(**converted) if converted else frame


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
    return column.split("__")[0] if column else None


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
    context, _ = _context()
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

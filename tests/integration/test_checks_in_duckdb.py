"""Checks run by Great Expectations' SQL engine on a staging table of the run's own DuckDB connection
(issue 14): passing checks are asked only whether they passed, failing ones give their rows in file
order, and the staging table is gone once the file is checked."""

from __future__ import annotations

import datetime as dt

import duckdb
import great_expectations.expectations as gxe
import pandas as pd
import pytest

from expectations import common, runner
from expectations.report import SAMPLE_LIMIT


def _meetings_context() -> runner.CheckContext:
    """What the forum-meeting checks need to know: one region, A, and the day of the check."""
    return runner.CheckContext(
        today=dt.date(2026, 5, 31),
        reference={"region_code": frozenset({"A"})},
        categories_by_type={},
        pcc_region={},
    )


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


def staged(con, frame: pd.DataFrame, expectations: list):
    suite = runner.gx.ExpectationSuite(name="t", expectations=expectations)
    runner._stage(con, frame, suite)
    try:
        return runner._validate_in_duckdb(suite, con).results
    finally:
        con.execute(f"DROP TABLE {runner.STAGING}")


def test_only_failed_checks_carry_their_failing_rows(con):
    frame = pd.DataFrame(
        {
            "source_row": [2, 3, 4, 5],
            "ref": ["AB1234AC", "AB\u0661\u0662\u0663\u0664AC", "bad", "AB1234AC\n"],
            "n": pd.array([1, 2, 3, None], dtype="Int64"),
        }
    )
    regex = common.rule(
        gxe.ExpectColumnValuesToMatchRegex, "r", column="ref", regex=r"^[A-Z]{2}\d{4}[A-Z]{2}$"
    )
    passing = common.rule(
        gxe.ExpectColumnValuesToBeBetween, "b", column="n", min_value=0, max_value=9
    )
    regex_result, between_result = staged(con, frame, [regex, passing])
    assert between_result.success and between_result.result == {}  # BOOLEAN_ONLY: no rows asked for
    # Arabic-Indic digits are digits, and Python's $ allows one final new line: only row 4 fails.
    assert not regex_result.success
    assert regex_result.result["unexpected_count"] == 1
    assert regex_result.result["unexpected_index_list"] == [{"source_row": 4, "ref": "bad"}]


def test_a_missing_value_against_an_expected_one_fails_as_in_pandas(con):
    frame = pd.DataFrame(
        {
            "source_row": [2, 3, 4],
            "state": pd.array([None, "ended", None], dtype="string"),
            "expected": pd.array(["completed", "ended", None], dtype="string"),
        }
    )
    equal = common.rule(
        gxe.ExpectColumnPairValuesToBeEqual,
        "e",
        column_A="state",
        column_B="expected",
        ignore_row_if="both_values_are_missing",
    )
    (result,) = staged(con, frame, [equal])
    assert [d["source_row"] for d in result.result["unexpected_index_list"]] == [2]


def test_a_compound_key_gives_its_duplicate_rows(con):
    """Rows 2 and 4 repeat (meeting 1, no organisation); row 5 has no key at all and is not checked."""
    parts = pd.DataFrame({"meeting": ["M1", "M1", "M1", None], "org": [None, "O1", None, None]})
    frame = pd.DataFrame({"source_row": [2, 3, 4, 5], common.KEY: common.compound_key(parts)})
    unique = common.rule(
        gxe.ExpectColumnValuesToBeUnique, "u", column=common.KEY, show_values=False
    )
    (result,) = staged(con, frame, [unique])
    assert sorted(d["source_row"] for d in result.result["unexpected_index_list"]) == [2, 4]
    assert runner._display_column(common.KEY) is None


def test_failing_rows_are_capped_and_the_count_is_not(con):
    rows = SAMPLE_LIMIT + 50
    frame = pd.DataFrame(
        {"source_row": range(2, rows + 2), "when": [dt.datetime(2020, 1, 1)] * rows}
    )
    later = common.rule(
        gxe.ExpectColumnValuesToBeBetween, "w", column="when", min_value=dt.datetime(2021, 6, 1)
    )
    (result,) = staged(con, frame, [later])
    assert result.result["unexpected_count"] == rows
    assert len(result.result["unexpected_index_list"]) == SAMPLE_LIMIT


def test_the_staging_table_is_dropped_once_checked(tmp_path):
    """Through validate(), on the caller's connection: the file's checks leave no table behind."""
    from ingest.sources import source
    from ingest.transform import to_typed

    layout = source("forum_meetings")
    ctx = _meetings_context()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        raw = pd.DataFrame({c.name: ["", ""] for c in layout.kept})
        frame = to_typed(layout, raw, b"key")
        report = runner.validate(layout, frame, ctx, con=con)
        tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    assert tables == []
    assert not report.success  # every required cell is empty
    assert report.validation is None  # no Data Docs asked for


def test_the_result_for_the_data_docs_comes_back_with_the_report(tmp_path):
    """Issue 15, item 4: each file's Great Expectations result is returned with its report (for the
    run to hand to build_data_docs), not kept in a module-level list; nothing is built from none."""
    from ingest.sources import source
    from ingest.transform import to_typed

    layout = source("forum_meetings")
    ctx = _meetings_context()
    frame = to_typed(layout, pd.DataFrame({c.name: [""] for c in layout.kept}), b"key")
    first = runner.validate(layout, frame, ctx, docs_for="20260531T000000Z-ab12-001")
    second = runner.validate(layout, frame, ctx, docs_for="20260531T000000Z-ab12-002")
    (key, result), (other_key, _) = first.validation, second.validation
    assert (key.batch_identifier, other_key.batch_identifier) == (
        "20260531T000000Z-ab12-001",
        "20260531T000000Z-ab12-002",
    )
    assert len(result.results) == len(first.results)
    assert not hasattr(runner, "_PENDING") and runner.build_data_docs(tmp_path, []) is None


def test_the_app_side_never_imports_great_expectations_or_its_duckdb_driver():
    """What the app imports (its pages, the pipeline it starts, the patterns that mask values) pulls in
    neither Great Expectations (5 to 8 s, ~260 MB) nor the SQLAlchemy driver its checks use."""
    import subprocess
    import sys

    code = (
        "import sys, dashboard.frame, dashboard.data, ingest.pipeline, expectations.patterns; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'great_expectations', 'duckdb_engine'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow  # runs `rpd ingest` in a process of its own
def test_rpd_ingest_of_a_valid_file_exits_without_a_nanobind_leak_report(tmp_path):
    """Nothing of DuckDB is left alive when a process that checked a file exits, so DuckDB's bindings
    (nanobind) print no "leaked N instances" report to stderr after `rpd ingest`'s work. The command
    is run through ingest.cli.main with Python's usual exit, since `rpd` itself (ingest.cli.entry)
    skips the clean-up in which nanobind would report: a connection left open would still hold the
    warehouse's lock in a process that goes on, such as the scheduler."""
    import os
    import subprocess
    import sys

    from tests import builders as b
    from tests.conftest import HASH_KEY

    contracts = b.write_csv(tmp_path / "contracts.csv", "contracts", [b.contract()])
    done = subprocess.run(
        [sys.executable, "-c", "from ingest.cli import main; main()", "ingest", str(contracts)],
        env=os.environ
        | {"RPD_DATA_DIR": str(tmp_path / "data"), "RPD_TODAY": b.TODAY, "RPD_HASH_KEY": HASH_KEY},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 loaded, 0 rejected" in done.stdout
    assert "nanobind" not in done.stderr, done.stderr

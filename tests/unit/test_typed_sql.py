"""Typing in DuckDB's SQL (ingest.typed_sql) gives what typing in pandas (ingest.transform) gives, cell
for cell, helper column for helper column: the large-file path and the strict path must never disagree
on what a file says."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pandas as pd
import pytest

from expectations.report import UNREADABLE
from ingest.sources import Column, Source
from ingest.transform import to_typed
from ingest.typed_sql import hmac_sql, typed_query

KEY = b"a key for the tests"

# Ordinary cells and the ones people send by mistake, for every type the SQL path types.
CELLS = {
    "code": ["PRJ_1", "  padded  ", "", "\u00a0nbsp\u3000", "a\tb"],
    "text": ["Probation practitioner's judgement", " x ", "", "é", "=1+2"],
    "crn": [
        "X123456",
        "x123456",
        " X123456 ",
        "X12345",
        "XX123456",
        "",
        "X\u0661\u0662\u0663\u0664\u0665\u0666",
        "Y6543210",
    ],
    "date": [
        "2026-05-31",
        "31/05/2026",
        "1/5/2026",
        "2026-02-30",
        "05/31/2026",
        "2026-05-31 00:00:00",
        "2026-05-31T00:00",
        "2026-05-31T10:00",
        "2026-5-31",
        "31-05-2026",
        "",
        "1899-12-31",
        "\u0662\u0660\u0662\u0666-\u0660\u0665-\u0663\u0661",
    ],
    "timestamp": [
        "2026-05-04T10:12:33+01:00",
        "2026-05-04T10:12:33Z",
        "2026-05-01T00:30:00+01:00",
        "2026-01-15T10:00:00+0000",
        "2026-05-04T10:12:33",
        "2026-05-04 10:12",
        "2026-05-04T10:12:33.250",
        "2026-05-04",
        "04/05/2026 10:12",
        "04/05/2026 10:12:59",
        "4/5/2026 9:05",
        "04/05/2026",
        "2026-05-04T24:00",
        "2026-05-04T23:60",
        "2026-05-04T10:12:33 Europe/London",
        "infinity",
        "2026-05-04T10",
        "",
    ],
    "integer": ["1,200", "7", "-3", "007", "12.5", "ten", "+5", "1,20", "", " 42 ", "-0"],
    "number": ["85", "85.5", "1,200.25", "90%", "-4.5", ".5", "5.", "1e3", "x", ""],
    "money": ["£1,234,567", "1234567", "1234.5", "-£5", "£-5", "12,3x4", "1,23", "1.234", ""],
    "yesno": ["yes", "Y", "TRUE", "1", "no", "n", "False", "0", "maybe", "", "Yes "],
    "answer": ["Yes", "not  sure", "Unsure", "N", "perhaps", "", "NOT\u00a0SURE"],
    "quarter": ["2026-q2", "2026-Q4", "", "q2"],
}


def _source(kinds: dict[str, str], **flags) -> Source:
    columns = tuple(
        Column(name, kind, False, "", identifier=kind == "crn", **flags)
        for name, kind in kinds.items()
    )
    return Source("test", "Test", "t", "", (columns[0].name,), (), "", columns)


def _typed_in_duckdb(source: Source, raw: pd.DataFrame) -> pd.DataFrame:
    con = duckdb.connect()
    con.register("raw", raw)
    return con.execute(typed_query(source, {c: f'"{c}"' for c in raw.columns}, KEY, "raw")).df()


def _same(pandas_value, sql_value) -> bool:
    if pd.isna(pandas_value) if not isinstance(pandas_value, list) else False:
        return pd.isna(sql_value)
    if isinstance(pandas_value, pd.Timestamp):
        return pd.Timestamp(sql_value) == pandas_value
    if isinstance(pandas_value, float):
        return float(sql_value) == pandas_value
    return pandas_value == sql_value


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_sql_types_every_cell_as_pandas_does(kind):
    """Each cell's typed value and its unreadable helper are the same in SQL as in pandas."""
    cells = CELLS[kind]
    source = _source({"c": kind})
    raw = pd.DataFrame({"c": [c.strip() for c in cells]}, dtype=object)
    expected = to_typed(source, raw, KEY)
    got = _typed_in_duckdb(source, pd.DataFrame({"c": cells}, dtype=object))
    columns = [c for c in expected.columns if c != "source_row"]
    assert sorted(got.columns) == sorted(columns)
    for column in columns:
        for n, cell in enumerate(cells):
            want, have = expected[column].iloc[n], got[column].iloc[n]
            assert _same(want, have), f"{kind} {cell!r} {column}: pandas {want!r}, SQL {have!r}"


def test_hmac_in_sql_equals_python_hmac():
    """The SQL HMAC is RFC 2104's, for short keys and for keys longer than a block (hashed first)."""
    con = duckdb.connect()
    for key in (b"k", b"x" * 100):
        for value in ("X123456", "é", ""):
            sql = con.execute(f"SELECT {hmac_sql('?', key)}", [value]).fetchone()[0]
            assert sql == hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def test_absent_column_reads_as_empty_cells():
    """A column the file may leave out types as empty, with no unreadable helper value."""
    source = _source({"a": "code", "b": "integer"}, may_be_absent=True)
    con = duckdb.connect()
    row = con.execute(typed_query(source, {"a": "a"}, KEY, "(SELECT 'x' AS a)")).fetchone()
    assert row == ("x", None, None)


def test_helpers_are_named_as_pandas_names_them():
    """Only typed columns get a helper, named <target>__unreadable."""
    source = _source({"a": "code", "b": "integer", "c": "timestamp"})
    got = _typed_in_duckdb(source, pd.DataFrame({"a": ["1"], "b": ["x"], "c": ["y"]}))
    assert list(got.columns) == ["a", "b", f"b{UNREADABLE}", "c", f"c{UNREADABLE}"]
    assert got.iloc[0].tolist()[2] == "x"

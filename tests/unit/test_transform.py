"""Reading cell text as typed values: what is accepted and what is reported as unreadable."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ingest.sources import Column
from ingest.transform import _parse, keyed_hash

KEY = b"k"


def parse(kind: str, *values: str) -> list:
    out = _parse(Column("c", kind, False, ""), pd.Series(list(values), dtype=str), KEY)
    return [v if isinstance(v, list) or not pd.isna(v) else None for v in out.tolist()]


def test_money_accepts_pounds_commas_and_pence():
    """£1,234,567, 1234567, 1234.5 and -£5 are amounts; 12,3x4 and 1,23 are not."""
    assert parse("money", "£1,234,567", "1234567", "1234.5", "-£5", "12,3x4", "1,23", "") == [
        1234567.0,
        1234567.0,
        1234.5,
        -5.0,
        None,
        None,
        None,
    ]


def test_integer_rejects_decimals_and_words():
    """Whole numbers with or without thousands commas; 12.5 and 'ten' are unreadable."""
    assert parse("integer", "1,200", "7", "-3", "12.5", "ten") == [1200, 7, -3, None, None]


def test_dates_iso_and_uk_order_but_not_impossible():
    """2026-05-31 and 31/05/2026 are the same day; 2026-02-30 and US-order 05/31/2026 are unreadable."""
    got = parse(
        "date", "2026-05-31", "31/05/2026", "2026-02-30", "05/31/2026", "2026-05-31 00:00:00"
    )
    assert got[:2] == [pd.Timestamp("2026-05-31")] * 2
    assert got[2:4] == [None, None]
    assert got[4] == pd.Timestamp("2026-05-31")


def test_timestamps_become_uk_local_time():
    """Times with an offset are converted to UK time (BST in May); times without one are already UK time."""
    got = parse(
        "timestamp",
        "2026-05-04T10:12:33+01:00",
        "04/05/2026 10:12",
        "2026-05-04T10:12:33Z",
        "2026-05-01T00:30:00+01:00",
    )
    assert got == [
        pd.Timestamp("2026-05-04 10:12:33"),
        pd.Timestamp("2026-05-04 10:12"),
        pd.Timestamp("2026-05-04 11:12:33"),
        pd.Timestamp("2026-05-01 00:30:00"),
    ]


def test_yes_no_words():
    """yes/no, true/false and Y/N in any case are read; 'maybe' is unreadable."""
    assert parse("yesno", "Yes", "no", "TRUE", "n", "maybe") == [True, False, True, False, None]


def test_lists_split_on_semicolons():
    """Items are split on ';' and trimmed; an empty cell is no list."""
    assert parse("list", "women; welsh", "", "housing") == [["women", "welsh"], None, ["housing"]]


def test_crn_is_hashed_and_bad_crn_unreadable():
    """A CRN becomes its keyed hash (case and spaces ignored); a malformed one becomes empty."""
    got = parse("crn", "x123456", "X123456", "12345")
    assert got[0] == got[1] and got[0] is not None and "123456" not in got[0]
    assert got[2] is None


def test_keyed_hash_depends_on_the_key():
    """The same CRN hashes differently under another key, so a leaked hash cannot be matched without it."""
    values = pd.Series(["X123456"])
    assert keyed_hash(values, b"one")[0] != keyed_hash(values, b"two")[0]
    assert len(keyed_hash(values, b"one")[0]) == 32


@pytest.mark.parametrize(
    ("quarter", "start"), [("2026-Q1", dt.date(2026, 1, 1)), ("2026-Q4", dt.date(2026, 10, 1))]
)
def test_quarter_start(quarter, start):
    """A calendar quarter label gives the first day of that quarter."""
    from ingest.sources import source
    from ingest.transform import to_typed
    from tests import builders as b

    raw = pd.DataFrame([b.kpi(quarter=quarter)])
    typed = to_typed(source("kpi_returns"), raw, KEY)
    assert typed["quarter_start"][0].date() == start
    assert typed["source_row"][0] == 2


def test_quarter_label_is_read_in_capitals():
    """A return written "2022-q2" is the quarter 2022-Q2: stored, keyed and shown as 2022-Q2."""
    from ingest.sources import source
    from ingest.transform import to_typed
    from tests import builders as b

    raw = pd.DataFrame([b.kpi(quarter="2022-q2")])
    typed = to_typed(source("kpi_returns"), raw, KEY)
    assert typed["quarter"][0] == "2022-Q2"
    assert typed["quarter_start"][0].date() == dt.date(2022, 4, 1)
    assert typed["quarter__unreadable"][0] is None

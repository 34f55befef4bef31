"""The checks' regular expressions run in DuckDB (RE2) exactly as Python's `re` runs them (issue 14):
the same text matches, Unicode digits and spaces, a final new line and all."""

from __future__ import annotations

import itertools
import re

import duckdb
import pytest

from expectations.patterns import FORMULA, IDENTIFIER, re2
from expectations.referrals import REFERRAL_REF

# The screening rule as it was written before, with a look-ahead RE2 cannot run.
LOOKAHEAD_FORMULA = r"^\s*(?:[=+@]|-(?!\s|$|[\d.,]*\d[\d.,]*%?$))"


def _in_duckdb(pattern: str, values: list[str]) -> list[bool]:
    """What DuckDB's `~` (the operator Great Expectations emits) says of each value."""
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (n INTEGER, v VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
        return [
            r[0] for r in con.execute("SELECT v ~ ? FROM t ORDER BY n", [re2(pattern)]).fetchall()
        ]


def test_formula_without_look_ahead_matches_what_the_look_ahead_matched():
    # Every string of up to 4 characters from the characters that decide it, after a leading "-".
    alphabet = ["5", ".", ",", "%", "\n", " ", "a", "=", "\u0663", "\xa0"]
    rests = ["".join(p) for n in range(5) for p in itertools.product(alphabet, repeat=n)]
    values = [f"-{r}" for r in rests] + [f" {r}" for r in rests[:2000]]
    expected = [bool(re.search(LOOKAHEAD_FORMULA, v)) for v in values]
    assert [bool(re.search(FORMULA, v)) for v in values] == expected
    assert _in_duckdb(FORMULA, values) == expected


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("AB1234AC", True),
        ("AB1234AC\n", True),  # Python's $ allows one final new line
        ("AB1234AC\n\n", False),
        ("AB\u0661\u0662\u0663\u0664AC", True),  # Arabic-Indic digits are \d in Python
        ("AI1234AC", False),
    ],
)
def test_anchored_pattern_with_digits(value, matches):
    assert bool(re.search(REFERRAL_REF, value)) is matches
    assert _in_duckdb(REFERRAL_REF, [value]) == [matches]


@pytest.mark.parametrize(
    "value",
    [
        "seen by x123456 today",
        "X123456",
        "ab 12 34 56 c",
        "AB123456C\n",
        "x1234567",
        "ref\xa0X123456\xa0",
        "\u0661X123456",
        "nothing here",
    ],
)
def test_identifier_pattern(value):
    assert _in_duckdb(IDENTIFIER.pattern, [value]) == [bool(IDENTIFIER.search(value))]


def test_spaces_beyond_ascii_count_as_spaces():
    assert _in_duckdb(FORMULA, ["\xa0=1", "\u2003@x", "\u200b=1"]) == [True, True, False]


def test_look_around_is_refused():
    with pytest.raises(ValueError, match="look-around"):
        re2(LOOKAHEAD_FORMULA)

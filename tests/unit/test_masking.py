"""masked(): what a value from a file looks like when it could identify someone, and nothing else changed."""

from __future__ import annotations

import pytest

from expectations.patterns import is_masked, masked, quoted, scrubbed
from expectations.report import CheckResult


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("W222222", "a value shaped like a case reference number (hidden)"),
        ("crn w222222", "a value shaped like a case reference number (hidden)"),
        ("2026-05-03 16:00 / W222222", "a value shaped like a case reference number (hidden)"),
        ("JK 12 34 56 C", "a value shaped like a National Insurance number (hidden)"),
        ("1980-02-01", "a date that could be a date of birth (hidden)"),
        ("01/02/1980", "a date that could be a date of birth (hidden)"),
        ("1 Feb 1979", "a date that could be a date of birth (hidden)"),
        ("12 MARCH 1990", "a date that could be a date of birth (hidden)"),
        ("01/02/80", "a date that could be a date of birth (hidden)"),
        ("2020-12-31T00:00:00", "a date that could be a date of birth (hidden)"),
    ],
)
def test_identifier_shaped_values_are_masked(text, shown):
    """CRNs and NI numbers in any capitals, and dates before 2021 in any common writing, are masked."""
    assert masked(text) == shown
    assert is_masked(shown)


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T10:00:00",  # an impossible date of the service's own years
        "06/26/2021",
        "2021-05-31",
        "01/02/26",
        "52000000",
        "900000000.0",
        "PRJ_0101",
        "CH1000001",
        "AB0001AC",
        "00000000-0000-4000-8000-000000002711",
        "£1.2m",
        "5 units 2019",
        "gotham",
    ],
)
def test_other_values_are_shown_as_they_are(text):
    """Values that cannot identify anyone (this service's dates, amounts, codes) are shown unchanged."""
    assert masked(text) == text
    assert quoted(text) == f"'{text}'"


def test_a_column_name_says_what_it_is():
    """A header or sheet name is masked as a name, not a value."""
    assert quoted("X123456", "column name") == (
        "a column name shaped like a case reference number (hidden)"
    )


def test_a_masked_found_value_is_not_quoted_in_the_message():
    """The message shows what a masked value looked like, unquoted, beside other values in quotes."""
    result = CheckResult(
        "expect_column_values_to_be_null",
        "referred_at",
        "Every value in 'x' must be a date.",
        success=False,
        rows_failing=2,
        failing_rows=(2, 3),
        found_values=(masked("W222222"), "soon"),
    )
    assert result.message() == (
        "Every value in 'x' must be a date. This is not so in 2 rows: rows 2 and 3 "
        "(found a value shaped like a case reference number (hidden) and 'soon')."
    )


def test_scrubbed_hides_any_identifier_left_in_a_message():
    """The last guard: a CRN or NI number anywhere in a message (a file name, say) becomes (hidden)."""
    assert scrubbed("The file is named 'X123456.csv' but it is a PDF; see ab 12 34 56 c.") == (
        "The file is named '(hidden).csv' but it is a PDF; see (hidden)."
    )
    assert scrubbed("rows 2 and 3 (found 'PRJ_0101')") == "rows 2 and 3 (found 'PRJ_0101')"

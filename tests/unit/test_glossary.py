"""The Glossary page's pure half (dashboard/glossary.py) on three terms: the search, in alphabetical order
whatever the order given, and the table downloaded. Values worked out by hand."""

from __future__ import annotations

from dashboard.glossary import Term, alphabetical, as_table, matching

TERMS = [
    Term("volume gap", "How far referrals fall short of the forecast.", "received / forecast - 1"),
    Term("Cap", "The most referrals a contract is paid for."),
    Term("Forecast", "The referrals a contract was let to expect (its volume, per month)."),
]


def test_alphabetical_ignores_capitals():
    assert [t.name for t in alphabetical(TERMS)] == ["Cap", "Forecast", "volume gap"]


def test_search_reads_names_and_definitions_ignoring_capitals():
    """'VOLUME' is in one name and one definition; 'cap' in a name only; an empty query finds all."""
    assert [t.name for t in matching("VOLUME", TERMS)] == ["Forecast", "volume gap"]
    assert [t.name for t in matching("cap", TERMS)] == ["Cap"]
    assert [t.name for t in matching("", TERMS)] == ["Cap", "Forecast", "volume gap"]
    assert matching("subsidy", TERMS) == []


def test_table_has_a_row_a_term_and_no_formula_left_empty():
    table = as_table(alphabetical(TERMS))
    assert list(table.columns) == ["Term", "Definition", "How it is worked out"]
    assert list(table["How it is worked out"]) == ["", "", "received / forecast - 1"]

"""The Glossary page, run by Streamlit's AppTest with and without a warehouse."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.glossary import TERMS, alphabetical, as_table
from dashboard.layout import safe_csv


def headings(at) -> list[str]:
    """The page's own headings (the sidebar's filters have headings too)."""
    return [h.value for h in at.main.header]


def test_renders_without_a_warehouse(tmp_path, page):
    """With nothing loaded the page still lists every term, alphabetically, and no empty-data message."""
    at = page("glossary", tmp_path)
    assert not at.exception
    assert at.title[0].value == "Glossary"
    assert headings(at) == sorted(TERMS, key=str.casefold)
    assert not at.info


def test_every_term_shows_its_definition_and_formula(small_warehouse, page):
    """On a loaded warehouse each term has its heading, its definition and, where it has one, its formula."""
    at = page("glossary", small_warehouse.data_dir)
    assert not at.exception
    assert set(headings(at)) == set(TERMS)
    text = [m.value for m in at.markdown]
    for t in TERMS.values():
        assert t.definition in text
        if t.formula:
            assert f"**How it is worked out:** {t.formula}" in text


def test_headings_carry_the_term_anchor(tmp_path, page):
    """Each heading's anchor is the term's own, so other pages can link to /glossary#volume-gap."""
    at = page("glossary", tmp_path)
    anchors = {h.value: h.proto.anchor for h in at.main.header}
    assert anchors["Volume gap"] == "volume-gap"
    assert anchors == {name: t.anchor for name, t in TERMS.items()}


def test_search_for_cap_shows_volume_cap_and_hides_unrelated_terms(tmp_path, page):
    """Searching "cap" keeps terms whose name or definition mentions it and hides the rest."""
    at = page("glossary", tmp_path)
    at.text_input(key="glossary_search").set_value("cap").run()
    shown = headings(at)
    assert "Volume cap" in shown
    assert "Unfunded demand" in shown  # "above the volume cap" is in its definition
    assert "TUPE" not in shown
    assert "Forecast" not in shown


@pytest.mark.parametrize("query", ["VOLUME CAP", "  volume cap "])
def test_search_ignores_case_and_surrounding_spaces(tmp_path, page, query):
    """The search does not care about capitals or spaces typed around the words."""
    at = page("glossary", tmp_path)
    at.text_input(key="glossary_search").set_value(query).run()
    assert headings(at) == ["Unfunded demand", "Volume cap"]  # its definition says "volume cap"


def test_search_with_no_match_says_so(tmp_path, page):
    """A search matching nothing shows no terms and says how to see them all again."""
    at = page("glossary", tmp_path)
    at.text_input(key="glossary_search").set_value("zebra crossing").run()
    assert not at.exception
    assert headings(at) == []
    assert "No term matches “zebra crossing”" in at.info[0].value
    assert "clear the search box" in at.info[0].value


def test_glossary_downloads_as_csv(tmp_path, page):
    """The download holds every term with its definition and formula, one row each."""
    at = page("glossary", tmp_path)
    button = at.get("download_button")[0]
    assert button.proto.label == "Download the glossary (CSV)"
    table = pd.read_csv(
        io.BytesIO(safe_csv(as_table(alphabetical(TERMS.values())))), keep_default_na=False
    )
    assert list(table.columns) == ["Term", "Definition", "How it is worked out"]
    assert len(table) == len(TERMS)
    gap = table.set_index("Term").loc["Volume gap"]
    assert gap["How it is worked out"] == TERMS["Volume gap"].formula

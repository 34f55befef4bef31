"""The Accessibility page, run by Streamlit's AppTest: the statement from dashboard/pages/accessibility.md."""

from __future__ import annotations

from pathlib import Path

from dashboard.pages.accessibility import statement_body

STATEMENT = Path(__file__).parents[2] / "dashboard" / "pages" / "accessibility.md"


def page_text(at) -> str:
    return "\n".join(m.value for m in at.main.markdown)


def test_renders_without_a_warehouse(tmp_path, page):
    """With nothing loaded the page still shows the statement under its title."""
    at = page("accessibility", tmp_path)
    assert not at.exception
    assert at.title[0].value == "Accessibility"
    assert "This accessibility statement applies to" in page_text(at)


def test_statement_has_the_gov_uk_sections_and_date(small_warehouse, page):
    """The statement has the GOV.UK sections, the known problems, a contact to set, and its date."""
    at = page("accessibility", small_warehouse.data_dir)
    assert not at.exception
    text = page_text(at)
    for heading in [
        "## What we do to make this service accessible",
        "## How accessible this service is",
        "## Reporting accessibility problems with this service",
        "### Compliance status",
        "#### Non-compliance with the accessibility regulations",
        "## Preparation of this accessibility statement",
    ]:
        assert heading in text
    assert "partially compliant with the [Web Content Accessibility Guidelines version 2.2]" in text
    assert "to be set by the deploying team" in text
    assert "This statement was prepared on 21 November 2026." in text


def test_page_shows_exactly_the_repository_document(tmp_path, page):
    """The page renders dashboard/pages/accessibility.md itself (less its top heading), so the two never differ."""
    at = page("accessibility", tmp_path)
    document = STATEMENT.read_text(encoding="utf-8")
    assert page_text(at) == statement_body(document)
    assert not statement_body(document).startswith("# ")
    assert "# Accessibility statement for" not in page_text(at)

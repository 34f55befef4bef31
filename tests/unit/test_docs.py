"""The documentation stays true to the code: every setting, source column and measure is documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest.sources import Column, Source, all_sources
from ingest.sources.docs import column_table, with_tables
from warehouse.measures import view_files
from warehouse.settings import Settings

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"


def test_every_setting_is_documented():
    """docs/settings.md has a row for every RPD_ setting the code declares."""
    text = (DOCS / "settings.md").read_text("utf-8")
    for name in Settings.__attrs_attrs__:
        assert f"`RPD_{name.name.upper()}`" in text, name.name


@pytest.mark.parametrize("source", list(all_sources().values()), ids=lambda s: s.name)
def test_every_source_column_is_in_the_data_contracts(source):
    """docs/data-contracts.md names every column of every accepted file."""
    text = (DOCS / "data-contracts.md").read_text("utf-8")
    assert source.title in text
    for column in source.columns:
        assert f"`{column.name}`" in text, column.name


def test_the_column_tables_are_written_from_the_layouts():
    """docs/data-contracts.md's column tables are what `make docs` writes from ingest/sources/*.toml."""
    text = (DOCS / "data-contracts.md").read_text("utf-8")
    assert with_tables(text) == text, "run `make docs`: the column tables differ from the layouts"


def test_a_table_edited_by_hand_is_written_back_and_the_text_around_it_kept():
    """Regenerating replaces only what lies between the markers: a hand edit to a cell is undone,
    an edit to the prose is kept."""
    text = (DOCS / "data-contracts.md").read_text("utf-8")
    edited = text.replace("| Short code of the indicator. |", "| The indicator's code. |").replace(
        "Not accepted, with the message", "Refused, with the message"
    )
    assert edited.count("The indicator's code.") == 1
    regenerated = with_tables(edited)
    assert "The indicator's code." not in regenerated
    assert "| `kpi_code` | code | required | Short code of the indicator. | `KPI1` |" in regenerated
    assert "Refused, with the message" in regenerated


def test_a_page_missing_a_tables_end_marker_is_refused():
    text = (DOCS / "data-contracts.md").read_text("utf-8")
    without = text.replace("<!-- end columns: forum_attendance -->", "")
    with pytest.raises(ValueError, match="the forum_attendance table once"):
        with_tables(without)


def test_a_column_table_says_what_is_hashed_dropped_and_may_be_left_out():
    layout = Source(
        name="demo",
        title="Demo",
        table="core_demo",
        description="",
        key=("ref",),
        replace_by=("ref",),
        replace_rule="",
        columns=(
            Column("ref", "code", True, "The reference.", example="R1"),
            Column("crn", "crn", True, "The person.", to="person_key", identifier=True),
            Column("staff", "text", False, "Who | when.", drop="Not needed.", example="a|b"),
            Column("late", "answer", False, "Added later.", may_be_absent=True, example="no"),
        ),
    )
    assert column_table(layout).splitlines() == [
        "| column | type | required | meaning | example |",
        "| --- | --- | --- | --- | --- |",
        "| `ref` | code | required | The reference. | `R1` |",
        "| `crn` | case reference number | required | The person. **Replaced by a keyed hash**"
        " (`person_key`) before anything is written. |  |",
        "| `staff` | text | optional | **Not kept.** Who \\| when. | `a\\|b` |",
        "| `late` | yes / no / not sure | optional, may be left out | Added later. | `no` |",
    ]


def test_every_measure_is_documented():
    """docs/measures.md describes every view and macro in warehouse/sql/."""
    text = (DOCS / "measures.md").read_text("utf-8")
    for name, sql in view_files():
        created = sql.split("CREATE OR REPLACE ", 1)[1].split()[1].split("(")[0]
        assert f"`{created}`" in text, name


def test_only_data_py_opens_the_warehouse_in_the_app():
    """docs/architecture.md: dashboard/data.py is the only module of the app that opens the warehouse
    (a DuckDB connection, or Warehouse.connect); pages ask it for rows."""
    opening = []
    for path in [ROOT / "streamlit_app.py", *sorted((ROOT / "dashboard").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
                # The flag store's SQLAlchemy engine (dashboard/flags/store.py) is not the warehouse.
                engine = isinstance(receiver, ast.Attribute | ast.Name) and (
                    getattr(receiver, "attr", None) == "engine"
                    or getattr(receiver, "id", None) == "engine"
                )
                if name == "connect" and not engine:
                    opening.append(path.relative_to(ROOT).as_posix())
    assert opening == ["dashboard/data.py"]

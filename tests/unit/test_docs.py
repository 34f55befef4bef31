"""The documentation stays true to the code: every setting, source column and measure is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import all_sources
from warehouse.measures import view_files
from warehouse.settings import Settings

DOCS = Path(__file__).parents[2] / "docs"


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


def test_every_measure_is_documented():
    """docs/measures.md describes every view and macro in warehouse/sql/."""
    text = (DOCS / "measures.md").read_text("utf-8")
    for name, sql in view_files():
        created = sql.split("CREATE OR REPLACE ", 1)[1].split()[1].split("(")[0]
        assert f"`{created}`" in text, name

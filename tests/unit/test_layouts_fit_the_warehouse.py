"""Every column a layout keeps has a place in its warehouse table; a layout that keeps one without
a place stops the load in plain English instead of losing the values."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pandas as pd
import pytest

from ingest.load import LayoutNotInWarehouse, replace_rows, table_columns
from ingest.sources import Column, all_sources, source
from warehouse.migrations import migrate


@pytest.fixture
def con():
    con = duckdb.connect()
    migrate(con)
    yield con
    con.close()


def test_every_kept_column_of_every_layout_is_in_its_table(con):
    for layout in all_sources().values():
        table = table_columns(con, layout.table)
        assert [c.target for c in layout.kept if c.target not in table] == [], layout.name


def test_a_kept_column_the_table_lacks_stops_the_load_and_loads_nothing(con):
    meetings = source("forum_meetings")
    moods = dataclasses.replace(
        meetings,
        columns=(
            *meetings.columns,
            Column("mood", "text", False, "How it went."),
            Column("weather", "text", False, "What the sky did.", to="sky"),
            Column("notes", "text", False, "Never kept.", drop="Not needed."),
        ),
    )
    frame = pd.DataFrame(
        {
            "meeting_id": ["H-2026-09"],
            "region_code": ["H"],
            "meeting_date": [dt.date(2026, 9, 15)],
            "format": ["online"],
            "topic": [None],
            "mood": ["good"],
            "sky": ["sunny"],
            "source_row": [2],
        }
    )
    with pytest.raises(LayoutNotInWarehouse) as refused:
        replace_rows(con, moods, frame, "file-1")
    assert str(refused.value) == (
        "The RPD forum meetings layout (ingest/sources/forum_meetings.toml) keeps the columns "
        "'mood', 'sky', which the warehouse table core_forum_meeting does not have, so the file's "
        "values would be lost. This is a fault in the monitor's setup, not in the file: add the "
        "column to the table with a schema step (warehouse/schema/), or mark it dropped in the "
        "layout. The refresh stopped and published nothing."
    )
    assert con.execute("SELECT count(*) FROM core_forum_meeting").fetchone() == (0,)
    # The same row under the real layout loads: only the missing columns were the fault.
    assert replace_rows(con, meetings, frame, "file-1") == (1, 0)

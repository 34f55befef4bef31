"""The Data status page's pure half (dashboard/charts/status.py) on three-row frames: each kind of file's
freshness against its own timetable, the list that says it, and the page's sentences. Values worked out by
hand. (finished_note is checked in tests/unit/test_run_log.py.)"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.charts import status as charts
from tests.conftest import make_settings
from warehouse.connection import RunningRefresh

# Monday 30 November 2026, noon in London (GMT, so noon UTC too).
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _table(tmp_path) -> pd.DataFrame:
    # Weekly on Mondays at 06:00, but the contract register monthly on the 1st at 06:00.
    settings = make_settings(
        tmp_path,
        RPD_SCHEDULE="0 6 * * mon",
        RPD_SOURCE_SCHEDULES="contract_register=0 6 1 * *",
    )
    found = pd.DataFrame(
        {
            "source": ["contract_register", "referrals", "kpi_returns"],
            "last_loaded_at": pd.to_datetime(
                ["2026-11-02 07:00", "2026-11-23 07:00", None], utc=True
            ),
            "last_file": pd.array(
                ["register.xlsx", "ref_2026.csv", None], dtype="str"
            ),  # as DuckDB gives it
            "files_rejected": [0, 2, 1],
        }
    )
    return charts.freshness_table(found, settings, NOW)


def test_each_kind_of_file_is_fresh_by_its_own_timetable(tmp_path):
    """The register (due 1 Nov) loaded 2 Nov is up to date; referrals (due this morning) last came a week
    ago; KPI returns were only ever rejected."""
    table = _table(tmp_path)
    assert list(table["Kind of file"]) == ["contract register", "referrals", "kpi returns"]
    assert list(table.Freshness) == [
        "Up to date",
        "No new file since the refresh due Mon 30 Nov 06:00",
        "Never loaded",
    ]
    assert list(table["Last loaded"]) == ["02 Nov 2026 07:00", "23 Nov 2026 07:00", "never"]
    assert list(table["Files rejected"]) == [0, 2, 1]


def test_freshness_list_says_each_kind_of_file_in_a_line(tmp_path):
    """File names are escaped as text (not read as Markdown); no rejection is not mentioned."""
    assert charts.freshness_list(_table(tmp_path)).splitlines() == [
        r"- **contract register**: up to date. Last loaded 02 Nov 2026 07:00 (register\.xlsx).",
        "- **referrals**: No new file since the refresh due Mon 30 Nov 06:00. Last loaded "
        r"23 Nov 2026 07:00 (ref\_2026\.csv); 2 file(s) rejected.",
        # Only ever rejected: no last file to name (it read "never (nan)" before).
        "- **kpi returns**: Never loaded. Last loaded never; 1 file(s) rejected.",
    ]


def test_running_note_says_since_when_and_who_when_known():
    """11:40 UTC on 30 November is 11:40 in London."""
    since = dt.datetime(2026, 11, 30, 11, 40, tzinfo=dt.UTC)
    assert charts.running_note(RunningRefresh(since, "Ada (administrator)")) == (
        "A refresh is running now since 11:40 on Mon 30 Nov, started by Ada (administrator), so "
        "Refresh now is unavailable until it has finished. The new data appears here when it has."
    )
    assert charts.running_note(RunningRefresh(None, None)).startswith(
        "A refresh is running now, so Refresh now"
    )


def test_disagreement_warning_agrees_with_its_count():
    assert charts.disagreement_warning(1).startswith(
        "1 organisation in the organisations file says in_supply_chain"
    )
    assert charts.disagreement_warning(1200).startswith(
        "1,200 organisations in the organisations file say in_supply_chain"
    )

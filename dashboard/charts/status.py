"""Data status, the pure half: query rows and run records -> the page's sentences and its freshness table.
No Streamlit here (dashboard/pages/status.py draws them); tests/unit/test_charts_status.py checks each on
small frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.text import md
from warehouse import timetable
from warehouse.connection import RunningRefresh
from warehouse.settings import LONDON, Settings
from warehouse.status import FinishedRun


def finished_note(run: FinishedRun) -> str:
    """'The refresh started 11:40 has finished: 1 file loaded, 2 rejected, 0 skipped (already loaded).'"""
    started = f"{run.started_at.astimezone(LONDON):%H:%M on %a %d %b}"
    if not (run.loaded or run.rejected or run.skipped):
        return f"The refresh started {started} has finished: no file was waiting in the landing folder."
    return (
        f"The refresh started {started} has finished: {run.loaded} file{'s' * (run.loaded != 1)} "
        f"loaded, {run.rejected} rejected, {run.skipped} skipped (already loaded). "
        "The tables below show the new data."
    )


def running_note(running: RunningRefresh) -> str:
    """The plain note shown (and Refresh now disabled) while any process refreshes."""
    since = f" since {running.since.astimezone(LONDON):%H:%M on %a %d %b}" if running.since else ""
    who = f", started by {running.started_by}" if running.started_by else ""
    return (
        f"A refresh is running now{since}{who}, so Refresh now is unavailable until it has "
        "finished. The new data appears here when it has."
    )


def disagreement_warning(found: int) -> str:
    """The warning for organisations whose in_supply_chain answer the contract register contradicts."""
    return (
        f"{found:,} organisation{'s' if found != 1 else ''} in the organisations file "
        f"{'say' if found != 1 else 'says'} in_supply_chain is yes or no, but the contract register "
        "says otherwise for the provider codes given. The register's answer is used. The Supply chains "
        "page lists them; correct the organisations file or the register."
    )


def freshness_table(found: pd.DataFrame, settings: Settings, now: dt.datetime) -> pd.DataFrame:
    """Each kind of file (rows of the source_freshness query): when one last loaded, and whether one has
    come since its refresh was last due before `now`, by its timetable in `settings`."""
    rows = []
    for r in found.itertuples():
        # NaT (a kind of file only ever rejected) is a datetime too, and has no time zone to convert.
        loaded = (
            r.last_loaded_at
            if isinstance(r.last_loaded_at, dt.datetime) and not pd.isna(r.last_loaded_at)
            else None
        )
        state = timetable.freshness(loaded, timetable.schedule_for(settings, r.source), now)
        rows.append(
            {
                "Kind of file": r.source.replace("_", " "),
                "Last loaded": f"{loaded.astimezone(LONDON):%d %b %Y %H:%M}" if loaded else "never",
                # A kind of file only ever rejected has no last file (NaN from DuckDB, which is truthy).
                "Last file": "" if pd.isna(r.last_file) else r.last_file,
                "Files rejected": int(r.files_rejected),
                "Freshness": state,
            }
        )
    return pd.DataFrame(rows)


def freshness_list(table: pd.DataFrame) -> str:
    """The freshness table as a Markdown list, one kind of file a line: a list rather than a table, as
    five columns would scroll sideways on a phone, out of keyboard reach."""
    return "\n".join(
        f"- **{row['Kind of file']}**: {row['Freshness'].lower() if row['Freshness'] == 'Up to date' else row['Freshness']}. "
        f"Last loaded {row['Last loaded']}"
        + (f" ({md(row['Last file'])})" if row["Last file"] else "")
        + (f"; {row['Files rejected']} file(s) rejected" if row["Files rejected"] else "")
        + "."
        for row in table.to_dict("records")
    )

"""The result of the last refresh, read from logs/runs.jsonl, as the Data status page reports it."""

from __future__ import annotations

import datetime as dt
import json

from dashboard.charts.status import finished_note
from warehouse.settings import LONDON
from warehouse.status import FinishedRun, last_run


def _record(run_id: str, started: str, outcomes: list[str], failure: str | None = None) -> str:
    files = [{"file_name": f"{n}.csv", "outcome": o} for n, o in enumerate(outcomes)]
    return json.dumps({"run_id": run_id, "started_at": started, "files": files, "failure": failure})


def test_last_run_counts_the_files_of_the_last_line(tmp_path):
    """Two runs logged: the second's two loaded, one rejected and one skipped files are counted."""
    (tmp_path / "runs.jsonl").write_text(
        _record("r1", "2026-11-30T09:00:00+00:00", ["loaded"])
        + "\n"
        + _record("r2", "2026-11-30T11:40:00+00:00", ["loaded", "rejected", "loaded", "skipped"])
        + "\nnot json\n"
    )
    assert last_run(tmp_path) == FinishedRun(
        "r2", dt.datetime(2026, 11, 30, 11, 40, tzinfo=dt.UTC), 2, 1, 1, None
    )
    assert last_run(tmp_path / "nowhere") is None


def test_finished_note_in_words():
    """30 Nov 2026 is in GMT, so 11:40 UTC is 11:40 in London; one file is 'file', none says so."""
    started = dt.datetime(2026, 11, 30, 11, 40, tzinfo=dt.UTC)
    assert started.astimezone(LONDON).hour == 11
    assert finished_note(FinishedRun("r", started, 1, 2, 0, None)) == (
        "The refresh started 11:40 on Mon 30 Nov has finished: 1 file loaded, 2 rejected, "
        "0 skipped (already loaded). The tables below show the new data."
    )
    assert finished_note(FinishedRun("r", started, 0, 0, 0, None)) == (
        "The refresh started 11:40 on Mon 30 Nov has finished: no file was waiting in the landing folder."
    )

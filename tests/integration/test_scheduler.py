"""The refresh timetable: trigger times in Europe/London across the clock changes, catch-up after
downtime without running twice, clean stop on SIGTERM, and a killed refresh publishing nothing."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.schedule import BadSchedule, jobs, needs_catch_up, parse_cron, previous_fire
from tests import builders as b
from tests.conftest import make_settings, snapshot
from tests.integration.test_concurrency import READER, env_for
from warehouse.connection import Warehouse
from warehouse.settings import LONDON

UTC = dt.UTC
RPD = str(Path(sys.executable).with_name("rpd"))


def rpd_schedule(data: Path) -> subprocess.Popen:
    """`rpd schedule` started on the data folder `data`, its log (standard error) read as text."""
    return subprocess.Popen(
        [RPD, "schedule"],
        env=env_for(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def next_fires(expression: str, start: dt.datetime, n: int) -> list[dt.datetime]:
    trigger, fires, previous = parse_cron(expression), [], None
    now = start
    for _ in range(n):
        fire = trigger.get_next_fire_time(previous, now)
        fires.append(fire)
        previous, now = fire, fire + dt.timedelta(seconds=1)
    return fires


def test_weekly_trigger_keeps_six_am_across_the_march_clock_change():
    """Mondays 06:00 London stay 06:00 local when BST starts on 28 March 2027 (06:00 then 05:00 UTC)."""
    fires = next_fires("0 6 * * mon", dt.datetime(2027, 3, 20, tzinfo=LONDON), 2)
    assert [f.date() for f in fires] == [dt.date(2027, 3, 22), dt.date(2027, 3, 29)]
    assert all(f.hour == 6 and f.strftime("%a") == "Mon" for f in fires)
    assert [f.astimezone(UTC).hour for f in fires] == [6, 5]


def test_weekly_trigger_keeps_six_am_across_the_october_clock_change():
    """When BST ends on 31 October 2027 the Monday run moves from 05:00 to 06:00 UTC, staying 06:00 in London."""
    fires = next_fires("0 6 * * mon", dt.datetime(2027, 10, 23, tzinfo=LONDON), 2)
    assert [f.date() for f in fires] == [dt.date(2027, 10, 25), dt.date(2027, 11, 1)]
    assert [f.astimezone(UTC).hour for f in fires] == [5, 6]


def test_numeric_weekdays_are_refused():
    """'0 6 * * 0' would fire on Mondays in APScheduler 3, so numbers for weekdays are refused with the reason."""
    with pytest.raises(BadSchedule, match="write days of the week as names"):
        parse_cron("0 6 * * 0")
    with pytest.raises(BadSchedule, match="five fields"):
        parse_cron("every monday")


def test_previous_fire_and_catch_up():
    """A run is owed when the last due time came after the last success, and not otherwise."""
    trigger = parse_cron("0 6 * * mon")
    now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=LONDON)  # a Saturday
    due = previous_fire(trigger, now)
    assert due == dt.datetime(2026, 11, 16, 6, 0, tzinfo=LONDON)
    assert needs_catch_up(None, due)
    assert needs_catch_up(dt.datetime(2026, 11, 9, 6, 1, tzinfo=LONDON), due)
    assert not needs_catch_up(dt.datetime(2026, 11, 16, 6, 2, tzinfo=LONDON), due)


def test_per_source_schedules(tmp_path):
    """A kind of file with its own timetable leaves the default job, which keeps unrecognised files."""
    settings = make_settings(tmp_path, RPD_SOURCE_SCHEDULES="contracts=0 7 1 * *")
    found = {j.name: j for j in jobs(settings)}
    assert found["contracts"].sources == {"contracts"} and found["contracts"].cron == "0 7 1 * *"
    assert "contracts" not in found["all"].sources and "unrecognised" in found["all"].sources
    with pytest.raises(BadSchedule, match="'referals', which is not a kind of file"):
        jobs(make_settings(tmp_path, RPD_SOURCE_SCHEDULES="referals=0 7 * * mon"))


def schedule_runs(settings) -> list[str]:
    con = Warehouse.from_settings(settings).connect()
    try:
        return [
            r[0]
            for r in con.execute(
                "SELECT trigger FROM meta_ingest_run WHERE trigger LIKE 'schedule%'"
            ).fetchall()
        ]
    finally:
        con.close()


@pytest.mark.slow
def test_scheduler_catches_up_once_beside_a_reader_and_stops_cleanly(tmp_path):
    """Started after a missed Monday, the scheduler refreshes at once while two processes read without error;
    SIGTERM stops it; restarted, it does not run the same refresh again."""
    data = tmp_path / "data"
    settings = make_settings(data)
    from ingest.pipeline import refresh

    refresh(settings, [b.write_csv(tmp_path / "c1.csv", "contracts", [b.contract()])])
    b.write_csv(
        settings.dir("landing") / "c2.csv", "contracts", [b.contract(contract_ref="PRJ_0002")]
    )
    stop = tmp_path / "stop"
    # Two reading processes stand in for two app processes serving the same warehouse (scaling out).
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(settings.dir("warehouse")), str(stop)],
            env=env_for(data),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    scheduler = rpd_schedule(data)
    try:
        for _ in range(240):
            if Warehouse.from_settings(settings).current().number >= 2:
                break
            time.sleep(0.25)
        assert schedule_runs(settings) == ["schedule:all"]
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=60) == 0
        restarted = rpd_schedule(data)
        # Wait until it has started (it logs "next at" once its signal handlers are in place: on a
        # loaded machine the imports alone can take longer than a fixed sleep), then long enough
        # for a wrong catch-up run to have started and published.
        for line in restarted.stderr:
            if "next at" in line:
                break
        time.sleep(8)
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(timeout=60) == 0
        assert schedule_runs(settings) == ["schedule:all"]
    finally:
        scheduler.kill()
        stop.touch()
        outputs = [r.communicate(timeout=60)[0] for r in readers]
    for out in outputs:
        result = json.loads(out)
        assert result["errors"] == []
        assert result["final"] == 2


@pytest.mark.slow
@pytest.mark.parametrize("delay", [2.0, 9.0])
def test_refresh_killed_part_way_publishes_nothing(tmp_path, delay):
    """An `rpd ingest` killed with SIGKILL leaves the warehouse exactly as before, and the next run succeeds."""
    from ingest.demo.landing import write_demo_files
    from ingest.pipeline import refresh

    data = tmp_path / "data"
    settings = make_settings(data)
    files = write_demo_files(tmp_path / "demo", today=settings.today_london, referrals_scale=0.05)
    register = next(p for p in files if p.name == "contract_register.xlsx")
    refresh(settings, [register])
    before, version = snapshot(settings), Warehouse.from_settings(settings).current()
    proc = subprocess.Popen(
        [RPD, "ingest", str(tmp_path / "demo")],
        env=env_for(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.kill()
    proc.wait()
    current = Warehouse.from_settings(settings).current()
    if current.number == version.number:  # killed before publishing: nothing of the run is visible
        assert snapshot(settings) == before
    else:  # it had already published: the whole run is visible
        assert current.number == version.number + 1
    report = refresh(settings, [tmp_path / "demo"])
    assert not report.rejected
    assert Warehouse.from_settings(settings).current().number > version.number


def test_freshness_against_the_timetable():
    """A kind of file is up to date if one loaded since its refresh was last due, and says when it was due if not."""
    from warehouse.timetable import freshness

    now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=LONDON)  # Saturday; last due Monday 16 Nov 06:00
    assert (
        freshness(dt.datetime(2026, 11, 16, 6, 5, tzinfo=LONDON), "0 6 * * mon", now)
        == "Up to date"
    )
    assert freshness(dt.datetime(2026, 11, 13, 9, 0, tzinfo=LONDON), "0 6 * * mon", now) == (
        "No new file since the refresh due Mon 16 Nov 06:00"
    )
    assert freshness(None, "0 6 * * mon", now) == "Never loaded"
    # A monthly timetable (1st at 07:00) does not call a file from 2 November stale.
    assert (
        freshness(dt.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON), "0 7 1 * *", now) == "Up to date"
    )


@pytest.fixture
def own_signals():
    """serve() installs SIGTERM and SIGINT handlers in this process: put pytest's back afterwards."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def _sigterm(*_args, **_kwargs) -> None:
    import os

    os.kill(os.getpid(), signal.SIGTERM)


@pytest.mark.parametrize(
    "moment", ["before serve", "catch-up check", "before start", "inside start", "running"]
)
def test_sigterm_at_any_moment_of_start_up_stops_serve_cleanly(
    tmp_path, monkeypatch, own_signals, moment
):
    """SIGTERM before serve() (seen by the command's early handler), while it checks what is owed,
    just before the scheduler starts, while it starts, or once it runs: serve() returns without an
    error within seconds, and no refresh starts (nothing is owed, or the signal came first)."""
    import threading

    from apscheduler.events import EVENT_SCHEDULER_START
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import BaseScheduler

    from ingest import schedule

    ran = []
    monkeypatch.setattr(schedule, "run_job", lambda settings, job: ran.append(job.name))
    last = dt.datetime.now(UTC)  # nothing owed, except where the check itself is interrupted
    monkeypatch.setattr(schedule, "last_success", lambda settings, job: last)
    stopping: list[int] = []
    if moment == "before serve":
        stopping.append(signal.SIGTERM)
    elif moment == "catch-up check":
        monkeypatch.setattr(schedule, "last_success", lambda settings, job: _sigterm())
    elif moment == "before start":
        start = BackgroundScheduler.start
        monkeypatch.setattr(BackgroundScheduler, "start", lambda self: (_sigterm(), start(self))[1])
    elif moment == "inside start":  # once the scheduler counts as running
        dispatch = BaseScheduler._dispatch_event

        def signal_then_dispatch(self, event):
            if event.code == EVENT_SCHEDULER_START:
                _sigterm()
            return dispatch(self, event)

        monkeypatch.setattr(BaseScheduler, "_dispatch_event", signal_then_dispatch)
    else:
        threading.Timer(1.0, _sigterm).start()
    began = time.monotonic()
    schedule.serve(make_settings(tmp_path / "data"), stopping=stopping)
    assert time.monotonic() - began < 10
    assert stopping == [signal.SIGTERM] and ran == []


@pytest.mark.slow
@pytest.mark.parametrize("after", ["starting", "starting+0.5s", "starting+1.5s", "next at"])
def test_sigterm_during_start_up_of_rpd_schedule_exits_0_without_traceback(tmp_path, after):
    """`rpd schedule` sent SIGTERM as soon as it logs "starting", half a second and a second and a
    half later (while it imports and checks what is owed), or once it logs its timetable: status 0,
    and no traceback in what it wrote."""
    proc = rpd_schedule(tmp_path / "data")
    try:
        wanted, _, delay = after.partition("+")
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if wanted in line:
                break
        time.sleep(float(delay.removesuffix("s") or 0))
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=120)[1]
    finally:
        proc.kill()
    assert proc.returncode == 0, "".join(seen) + rest
    assert "Traceback" not in "".join(seen) + rest


def test_a_one_off_job_removed_as_the_scheduler_stops_is_not_an_error():
    """shutdown() marks the scheduler stopped before it takes its job-store lock, so the scheduler's
    thread may then remove a one-off job it has just handed out (a catch-up): APScheduler's own
    scheduler raises JobLookupError there (a traceback at exit, seen in a full run); ours does not.
    A job that is really unknown to a running scheduler is still an error."""
    from apscheduler.jobstores.base import JobLookupError
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_RUNNING, STATE_STOPPED

    from ingest.schedule import Scheduler

    for kind, raises in ((BackgroundScheduler, True), (Scheduler, False)):
        scheduler = kind(timezone=LONDON)
        scheduler.start(paused=True)
        scheduler.add_job(print, id="catch-up-all")
        scheduler.state = STATE_STOPPED  # the first thing shutdown() does, before its lock
        try:
            scheduler.remove_job("catch-up-all")
        except JobLookupError:
            assert raises, kind.__name__
        else:
            assert not raises, kind.__name__
        scheduler.state = STATE_RUNNING
        with pytest.raises(JobLookupError):
            scheduler.remove_job("no-such-job")
        scheduler.shutdown(wait=False)

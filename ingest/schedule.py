"""`rpd schedule`: the one long-running process that refreshes the warehouse on a timetable.

APScheduler wiring only; the work is `ingest.pipeline.refresh`. Decisions, each from STACK-NOTES.md:
- One scheduler process. The jobs live in memory, not a shared job store: the warehouse's own run
  history (meta_ingest_run) is the record of what ran, so a restart can never run a job twice.
- On start, a schedule whose last due time has passed since its last successful run is run at once
  (catch-up): a run missed while the process was down is not forgotten, and several missed runs
  become one. While running, misfires are coalesced with hours of grace.
- Times are Europe/London; day-of-week must be written as names (in APScheduler 3, 0 is Monday).
- SIGTERM stops taking new work and lets a refresh in progress finish; a refresh that is killed
  anyway publishes nothing, so the warehouse stays as it was. A SIGTERM during start-up (before the
  scheduler runs) is remembered and honoured as soon as it can be: the process exits 0 either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from dataclasses import dataclass

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger

from ingest.pipeline import RefreshFailed, refresh
from warehouse.connection import NoWarehouse, RefreshInProgress, Warehouse
from warehouse.settings import LONDON, Settings
from warehouse.timetable import BadSchedule, parse_cron, previous_fire, source_schedules

__all__ = ["BadSchedule", "Job", "jobs", "needs_catch_up", "parse_cron", "previous_fire", "serve"]

log = logging.getLogger("rpd.schedule")
GRACE_SECONDS = 6 * 3600
TRIGGER = "schedule"


@dataclass(frozen=True)
class Job:
    name: str  # "all" or a source name
    cron: str
    sources: frozenset[str] | None  # None: every kind of file

    def trigger(self) -> CronTrigger:
        return parse_cron(self.cron)


def jobs(settings: Settings) -> list[Job]:
    """The default schedule for all files, plus any per-source schedules (RPD_SOURCE_SCHEDULES)."""
    from ingest.sources import all_sources

    per_source = source_schedules(settings)
    for name in per_source:
        if name not in all_sources():
            raise BadSchedule(
                f"RPD_SOURCE_SCHEDULES names '{name}', which is not a kind of file ({', '.join(all_sources())})."
            )
    found = [Job(name, cron, frozenset({name})) for name, cron in per_source.items()]
    others = frozenset(all_sources()) - set(per_source)
    found.insert(
        0, Job("all", settings.schedule, None if not per_source else others | {"unrecognised"})
    )
    for job in found:
        job.trigger()  # fail at start, with the setting named, not at the first fire
    return found


def last_success(settings: Settings, job: Job) -> dt.datetime | None:
    """When this job last finished a run that was not refused, from the published warehouse's run history."""
    warehouse = Warehouse.from_settings(settings)
    try:
        con = warehouse.connect()
    except NoWarehouse:
        return None
    try:
        row = con.execute(
            "SELECT max(finished_at) FROM meta_ingest_run WHERE trigger = ?",
            [f"{TRIGGER}:{job.name}"],
        ).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def needs_catch_up(last: dt.datetime | None, due: dt.datetime | None) -> bool:
    """A run is owed if the schedule was due since the last successful run (or there never was one)."""
    return due is not None and (last is None or last < due)


def run_job(settings: Settings, job: Job) -> None:
    """One scheduled refresh. Waits for another refresh (the CLI, the app's button) rather than failing."""
    try:
        report = refresh(
            settings,
            trigger=f"{TRIGGER}:{job.name}",
            lock_timeout=GRACE_SECONDS,
            sources=job.sources,
        )
    except RefreshInProgress:
        log.warning(
            "job %s skipped: another refresh held the lock for %s s", job.name, GRACE_SECONDS
        )
        return
    except RefreshFailed as e:
        log.error("job %s failed: %s", job.name, e)
        return
    log.info(
        "job %s: %s, %d files, %d rows, version %s",
        job.name,
        report.outcome,
        len(report.files),
        report.rows_loaded,
        report.version,
    )


class Scheduler(BackgroundScheduler):
    """APScheduler's BackgroundScheduler, stopping quietly at any moment. shutdown() marks the scheduler
    stopped before it takes its job-store lock, and remove_job() of a stopped scheduler looks only at
    jobs not yet started; so a one-off job (a catch-up) that the scheduler's thread removes just after
    handing it out, as a signal stops us, raised JobLookupError there: a traceback at exit. Once
    stopped, every job is gone with the process anyway."""

    def remove_job(self, job_id: str, jobstore: str | None = None) -> None:
        try:
            super().remove_job(job_id, jobstore)
        except JobLookupError:
            if self.state != STATE_STOPPED:
                raise


def build(settings: Settings, scheduler: BackgroundScheduler | None = None) -> BackgroundScheduler:
    scheduler = scheduler or Scheduler(timezone=LONDON)
    for job in jobs(settings):
        scheduler.add_job(
            run_job,
            job.trigger(),
            args=[settings, job],
            id=job.name,
            name=f"refresh {job.name}",
            coalesce=True,
            misfire_grace_time=GRACE_SECONDS,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


def serve(
    settings: Settings, now: dt.datetime | None = None, stopping: list[int] | None = None
) -> None:
    """Run until SIGTERM or SIGINT: catch up what is owed, then follow the timetable.

    A signal only appends its number to `stopping` (a handler that takes a lock, as shutting a
    scheduler down does, can deadlock on the code it interrupted). So a signal at any moment stops
    it without an error: during start-up the next step sees it and returns before the timetable
    starts; afterwards the main thread, checking every half second, shuts the scheduler down."""
    stopping = [] if stopping is None else stopping
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
    scheduler = build(settings)
    now = now or dt.datetime.now(LONDON)
    for job in jobs(settings):
        if stopping:
            break
        due = previous_fire(job.trigger(), now)
        if needs_catch_up(last_success(settings, job), due):
            log.info("job %s was due at %s and has not run since: running it now", job.name, due)
            scheduler.add_job(
                run_job, args=[settings, job], id=f"catch-up-{job.name}", max_instances=1
            )
    if stopping:
        log.info("stopped (signal %s) before the timetable started", stopping[0])
        return
    for job in scheduler.get_jobs():
        log.info("%s: next at %s", job.name, getattr(job, "next_run_time", None))
    scheduler.start()
    while not stopping:
        time.sleep(0.5)
    log.info("stopping (signal %s): a refresh in progress is allowed to finish", stopping[0])
    scheduler.shutdown(wait=True)  # joins the scheduler's thread; a running refresh finishes first

"""Refresh timetables: crontab lines in Europe/London, shared by the scheduler (which runs them) and
the app (which warns when a kind of file has not arrived since its refresh was due)."""

from __future__ import annotations

import datetime as dt
import re

from apscheduler.triggers.cron import CronTrigger

from warehouse.settings import LONDON, Settings


class BadSchedule(ValueError):
    """A schedule setting that cannot be used; str() says why in plain English."""


def parse_cron(expression: str) -> CronTrigger:
    """A five-field crontab line in Europe/London; numeric days of the week are refused (0 is Monday in APScheduler)."""
    fields = expression.split()
    if len(fields) != 5:
        raise BadSchedule(
            f"'{expression}' is not a schedule: write five fields, e.g. '0 6 * * mon' (Mondays at 06:00)."
        )
    if re.search(r"\d", fields[4]):
        raise BadSchedule(
            f"'{expression}': write days of the week as names (mon, tue, ... sun), not numbers: "
            "the scheduler counts 0 as Monday, unlike cron."
        )
    try:
        return CronTrigger.from_crontab(expression, timezone=LONDON)
    except ValueError as e:
        raise BadSchedule(f"'{expression}' is not a schedule ({e}).") from None


def source_schedules(settings: Settings) -> dict[str, str]:
    """RPD_SOURCE_SCHEDULES as {kind of file: crontab line}."""
    found = {}
    for part in filter(None, (p.strip() for p in (settings.source_schedules or "").split(";"))):
        name, _, cron = part.partition("=")
        found[name.strip()] = cron.strip()
    return found


def schedule_for(settings: Settings, source: str) -> str:
    """The crontab line a kind of file is refreshed on."""
    return source_schedules(settings).get(source, settings.schedule)


def previous_fire(trigger: CronTrigger, now: dt.datetime) -> dt.datetime | None:
    """The last time at or before `now` the trigger was due (None if not within a year)."""
    for days in (8, 35, 370):
        fire, last = trigger.get_next_fire_time(None, now - dt.timedelta(days=days)), None
        while fire is not None and fire <= now:
            last = fire
            fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
        if last is not None:
            return last
    return None


def freshness(last_loaded: dt.datetime | None, cron: str, now: dt.datetime) -> str:
    """In words: whether a file of this kind has loaded since its refresh was last due."""
    if last_loaded is None:
        return "Never loaded"
    due = previous_fire(parse_cron(cron), now)
    if due is not None and last_loaded < due:
        return f"No new file since the refresh due {due.astimezone(LONDON):%a %d %b %H:%M}"
    return "Up to date"

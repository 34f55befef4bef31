"""Opening the warehouse for reading, and publishing a new version of it.

DuckDB lets one process hold a database file for writing, and a reader in another process blocks
that writer (see STACK-NOTES.md). So the warehouse is a series of immutable, numbered files:

    warehouse/rpd-000007.duckdb   a published version (never written again)
    warehouse/CURRENT             JSON naming the current version, replaced atomically
    warehouse/refresh.lock        held by whoever is building the next version
    warehouse/refresh.running     JSON: who holds the lock and since when (for the app's note)

A writer copies the current version to a new number, changes the copy, runs CHECKPOINT, closes it
and only then replaces CURRENT. A reader opens whatever CURRENT names, read-only. Readers never
block the writer (they hold other files), never see a half-written version (CURRENT moves last),
and see new data the next time they ask. A crash before CURRENT moves leaves an orphan file that
the next writer deletes.

A run that changes no data (every file rejected or skipped, or nothing to do) still publishes, so its
record is kept, but its version then takes the place of the one it was copied from (retire()): the
copy holds the same data and more history. So every version kept on disk holds different data, and
RPD_KEEP_VERSIONS counts data changes: no number of such runs pushes real data out of rollback's reach.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import filelock

from warehouse.migrations import migrate
from warehouse.settings import LONDON, Settings

POINTER = "CURRENT"
LOCK = "refresh.lock"
RUNNING = "refresh.running"
PREFIX = "rpd-"
SUFFIX = ".duckdb"


class NoWarehouse(RuntimeError):
    """Nothing has been published yet."""


class RefreshInProgress(RuntimeError):
    """Another process is building the next version."""


@dataclass(frozen=True)
class RunningRefresh:
    """The refresh holding the lock now: since when, and who started it (when it said)."""

    since: dt.datetime | None
    started_by: str | None


@dataclass(frozen=True)
class Version:
    number: int
    path: Path
    published_at: dt.datetime

    @property
    def label(self) -> str:
        return f"version {self.number}, published {self.published_at.astimezone(LONDON):%a %d %b %Y %H:%M}"


def _file_name(number: int) -> str:
    return f"{PREFIX}{number:06d}{SUFFIX}"


def _number(path: Path) -> int | None:
    stem = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
    return (
        int(stem)
        if path.name.startswith(PREFIX) and path.name.endswith(SUFFIX) and stem.isdigit()
        else None
    )


class Warehouse:
    """The folder of published versions. Cheap to create; holds no connection."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.schema_steps_applied: list[str] = []  # by the last new_version()

    @classmethod
    def from_settings(cls, settings: Settings) -> Warehouse:
        return cls(settings.dir("warehouse"))

    # -- reading -------------------------------------------------------------------------------
    def current(self) -> Version | None:
        """The published version readers should use, or None before the first publish."""
        try:
            raw = json.loads((self.directory / POINTER).read_text("utf-8"))
        except FileNotFoundError:
            return None
        return Version(
            raw["number"],
            self.directory / raw["file"],
            dt.datetime.fromisoformat(raw["published_at"]),
        )

    def connect(self, version: Version | None = None) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the current (or a given) version. Give each thread its own cursor()."""
        version = version or self.current()
        if version is None:
            raise NoWarehouse(
                "No data has been loaded yet. Run `rpd demo` for the demo data, or `rpd ingest` with your files."
            )
        return duckdb.connect(str(version.path), read_only=True)

    def previous(self, version: Version) -> Version | None:
        """The newest version older than `version` still on disk (for 'change since the last refresh')."""
        older = [n for n in self.versions() if n < version.number]
        if not older:
            return None
        path = self.directory / _file_name(older[-1])
        return Version(older[-1], path, dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC))

    def versions(self) -> list[int]:
        """Numbers of the version files on disk, oldest first."""
        if not self.directory.exists():
            return []
        return sorted(
            n for p in self.directory.glob(f"{PREFIX}*{SUFFIX}") if (n := _number(p)) is not None
        )

    def running(self) -> RunningRefresh | None:
        """The refresh any process (scheduler, CLI, the app's button) is running now, or None."""
        # A shared, non-blocking flock: probes never hold each other off (an exclusive probe, caught by
        # another probe, looked like a running refresh: two presses then started two refreshes), and
        # filelock's exclusive flock of a refresh conflicts with it.
        try:
            fd = os.open(self.directory / LOCK, os.O_RDONLY)
        except FileNotFoundError:
            return None  # no refresh has ever run here
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held by a refresh
        else:
            return None
        finally:
            os.close(fd)  # also lets go of the shared lock, if it was won
        try:  # written just after the lock was taken: may be missing for a moment, or from an older version
            raw = json.loads((self.directory / RUNNING).read_text("utf-8"))
            return RunningRefresh(dt.datetime.fromisoformat(raw["since"]), raw.get("started_by"))
        except (OSError, ValueError, KeyError, TypeError):
            return RunningRefresh(None, None)

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def refresh_lock(self, timeout: float = 0, started_by: str | None = None) -> Iterator[None]:
        """One refresh at a time, across processes (the CLI, the scheduler and the app's button).

        While held, refresh.running says since when and who started it, for running()."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.directory / LOCK))
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise RefreshInProgress(
                "Another refresh is already running, so this one did not start. Try again when it has finished."
            ) from None
        try:
            holder = {"since": dt.datetime.now(dt.UTC).isoformat(), "started_by": started_by}
            (self.directory / RUNNING).write_text(json.dumps(holder), "utf-8")
            yield
        finally:
            (self.directory / RUNNING).unlink(missing_ok=True)
            lock.release()

    @contextmanager
    def new_version(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Build the next version from a copy of the current one, and publish it if the block succeeds.

        Call inside refresh_lock(). If the block raises, or the process dies, nothing is published.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        current = self.current()
        self._delete_orphans(current)
        # Never a number used before: the app caches under a version's file name, and a rollback
        # deletes the newest file, so the files on disk alone could hand its number out again.
        number = max([0, *self.versions(), self._highest()]) + 1
        path = self.directory / _file_name(number)
        if current is not None:
            shutil.copyfile(current.path, path)
        con = duckdb.connect(str(path))
        try:
            self.schema_steps_applied = migrate(con)
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            _remove_version_files(path)
            raise
        con.close()
        self._publish(number, path)

    def _publish(self, number: int, path: Path) -> None:
        _fsync(path)
        record = {
            "number": number,
            "file": path.name,
            "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "highest": max(number, self._highest()),  # the highest number ever published
        }
        tmp = self.directory / f".{POINTER}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), "utf-8")
        _fsync(tmp)
        os.replace(tmp, self.directory / POINTER)
        _fsync(self.directory)

    def _highest(self) -> int:
        """The highest version number ever published here (0 before the first publish)."""
        try:
            raw = json.loads((self.directory / POINTER).read_text("utf-8"))
        except FileNotFoundError:
            return 0
        return int(raw.get("highest", raw["number"]))  # a pointer written before this was kept

    def _delete_orphans(self, current: Version | None) -> None:
        """Remove versions newer than CURRENT, with their log and the folder where DuckDB spilled to
        disk (`<file>.tmp`, gigabytes for a large file): left by a writer that died before publishing."""
        newest = current.number if current else 0
        for n in self.versions():
            if n > newest:
                _remove_version_files(self.directory / _file_name(n))
        for spill in self.directory.glob(f"{PREFIX}*{SUFFIX}.tmp"):
            number = _number(spill.with_name(spill.name.removesuffix(".tmp")))
            if number is not None and number > newest:
                shutil.rmtree(spill, ignore_errors=True)

    def retire(self, replaced: Version) -> None:
        """Delete the version the current one was copied from, when the run that published it changed no
        data: the current version holds the same data and a longer history. Call inside refresh_lock(),
        after publishing; a crash before it only leaves one version more on disk."""
        current = self.current()
        if current is not None and replaced.number < current.number:
            (self.directory / _file_name(replaced.number)).unlink(missing_ok=True)

    def prune(self, keep: int) -> list[int]:
        """Delete all but the newest `keep` published versions. Readers holding one keep reading it (Linux)."""
        current = self.current()
        if current is None:
            return []
        old = [n for n in self.versions() if n <= current.number][: -max(keep, 1)]
        for n in old:
            (self.directory / _file_name(n)).unlink(missing_ok=True)
        return old

    def rollback(self) -> Version:
        """Point CURRENT back at the previous version still on disk (call inside refresh_lock())."""
        current = self.current()
        older = [n for n in self.versions() if current and n < current.number]
        if current is None or not older:
            raise NoWarehouse("There is no earlier version to go back to.")
        self._publish(older[-1], self.directory / _file_name(older[-1]))
        (self.directory / _file_name(current.number)).unlink(missing_ok=True)
        version = self.current()
        assert version is not None
        return version


def _remove_version_files(path: Path) -> None:
    """A version file that was never published, its write-ahead log and its spill folder."""
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
    shutil.rmtree(f"{path}.tmp", ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

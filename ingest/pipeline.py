"""refresh(): the one path by which files reach the warehouse. The CLI, the demo, the scheduler and
the tests all call it.

For each run: take the refresh lock, copy the current warehouse version, and for each file in load
order read -> recognise -> replace identifiers -> type -> check -> load (one transaction per file,
so a file is loaded whole or not at all). Then publish the new version, and only after that move
files out of the landing folder. A crash at any point leaves the previous version current.

A run that loads no file and applies no schema step changes no data: it is published all the same
(its record, rejections and summary belong in the history), and its version then replaces the one it
was copied from, so that it takes no place in the rollback window (Warehouse.retire).
"""

from __future__ import annotations

import datetime as dt
import errno
import getpass
import hashlib
import importlib
import json
import logging
import os
import secrets
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from expectations.patterns import IDENTIFYING, quoted, scrubbed
from expectations.report import STAGING
from ingest import staged
from ingest.identify import identify, normalise, personal_columns, resembled
from ingest.load import check_context, record_checks, replace_rows
from ingest.read import TEXT_SUFFIXES, RejectedFile, read_table
from ingest.sources import LOAD_ORDER, Source, all_sources
from ingest.summary import flag_lines, what_changed
from ingest.transform import HEADER_ROWS, keyed_hash
from warehouse.connection import Warehouse
from warehouse.measures import create_views, keep_previous, materialise
from warehouse.refdata import load_reference_data
from warehouse.settings import LONDON, Settings

log = logging.getLogger(__name__)
# Files in a folder with other endings (a README, a script) are listed as skipped, not rejected.
# .xls and .tsv are read so that their senders get a helpful rejection instead of silence.
DATA_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xls", ".xlsm", ".ods"}
# Longest file name, in bytes, on the usual file systems (ext4, XFS, APFS): copies are named to fit.
NAME_MAX = 255
# Errors that stop the whole run: a full disk fails every file after it, so one file is not to blame.
DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
LEFT_IN_PLACE = "The file was left where it is, to be tried again once that folder can be written."


# The steps of a run whose time is recorded (RunReport.seconds, the run log's "seconds"), in run order.
STEPS = (
    "new version",  # copying the current version and loading the reference data into the copy
    "scanning files",  # hashing and counting the lines of each CSV file, or reading it whole
    "reading and typing",  # DuckDB (or ingest.read) reading each file and typing its cells in SQL
    "importing the checks",  # waiting for what is left of Great Expectations' import (in a thread)
    "checks",  # deriving the checked columns and running the source's suite
    "kept copies",  # writing each file's archive or quarantine copy
    "loading",  # replacing the rows a file brings, and recording its checks
    "measures",  # storing every measure, the previous version's headline and the run's summary
    "publishing",  # the new version made current, and older ones retired and pruned
    "data docs",  # Great Expectations' Data Docs of the run
)


@dataclass
class FileOutcome:
    file_name: str
    outcome: str  # loaded | rejected | skipped
    message: str
    source: str | None = None
    rows_in_file: int = 0
    rows_loaded: int = 0
    rows_replaced: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    kept_as: str | None = None


@dataclass
class RunReport:
    run_id: str
    trigger: str
    started_at: dt.datetime
    started_by: str = ""
    files: list[FileOutcome] = field(default_factory=list)
    finished_at: dt.datetime | None = None
    version: int | None = None
    data_docs: Path | None = None
    failure: str | None = None
    # Great Expectations' results of the files checked in this run, for its Data Docs.
    validations: list = field(default_factory=list, repr=False)
    # Seconds spent in each step of the run (STEPS), kept in the run log: where a run's time goes.
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        assert step in STEPS, step
        self.seconds[step] = self.seconds.get(step, 0.0) + seconds

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        """Add the time spent in the block to `step`, even if it raises."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.add(step, time.monotonic() - start)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == "rejected"]

    @property
    def outcome(self) -> str:
        if self.failure:
            return "failed"
        if not self.files:
            return "nothing to do"
        return "some files rejected" if self.rejected else "succeeded"

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def files_loaded(self) -> int:
        return sum(f.outcome == "loaded" for f in self.files)


@dataclass
class _Received:
    path: Path
    data: bytes
    sha256: str
    source: Source | None = None
    raw: pd.DataFrame | None = None
    error: str | None = None
    not_data: bool = False
    left_in_place: bool = False  # no copy could be kept: it must not leave the landing folder
    headers: list[str] = field(default_factory=list)  # as written in the file
    # The source the file resembles, when it was refused as not quite one (columns missing or added).
    layout: Source | None = None
    size: int = 0  # bytes
    # Set for a CSV file DuckDB is to read (ingest.staged): its bytes are then never held (`data` is empty).
    scanned: staged.Scanned | None = None


def landing_files(folder: Path) -> list[Path]:
    """Files waiting in a folder (not hidden, not our own reports), oldest name first."""
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".report.txt")
    )


def refresh(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    trigger: str = "cli",
    started_by: str | None = None,
    lock_timeout: float | None = None,
    sources: frozenset[str] | None = None,
) -> RunReport:
    """Check and load files (default: everything in the landing folder). Publishes one new version,
    which replaces the current one if the run changed no data (see the module's docstring).

    `started_by` says who started the run, for its record (default: worked out from `trigger`).
    With `sources`, only files recognised as those kinds (and unrecognised ones if "unrecognised" is
    among them) are taken; the rest stay where they are for their own schedule."""
    warehouse = Warehouse.from_settings(settings)
    landing = settings.dir("landing")
    files: list[tuple[Path, bool]] = []
    for p in paths if paths is not None else [landing]:
        files += [(f, True) for f in landing_files(p)] if p.is_dir() else [(p, False)]
    started = dt.datetime.now(dt.UTC)
    report = RunReport(
        run_id=f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}",
        trigger=trigger,
        started_at=started,
        started_by=started_by or started_by_label(trigger),
    )
    timer = time.monotonic()
    key = settings.resolved_hash_key()
    timeout = settings.lock_timeout_seconds if lock_timeout is None else lock_timeout
    try:
        with warehouse.refresh_lock(timeout, report.started_by), _checks_warmed_up(files):
            previous = warehouse.current()
            step = time.monotonic()
            with warehouse.new_version() as con:
                report.add("new version", time.monotonic() - step)
                with report.timed("new version"):
                    con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit}'")
                    con.execute("BEGIN")
                    load_reference_data(con)
                    create_views(con)
                    con.execute("COMMIT")
                with report.timed("scanning files"):
                    received = [_receive(p, from_folder) for p, from_folder in files]
                if sources is not None:
                    received = [
                        r
                        for r in received
                        if (r.source.name if r.source else "unrecognised") in sources
                    ]
                received.sort(
                    key=lambda r: (LOAD_ORDER.index(r.source.name) if r.source else -1, r.path.name)
                )
                for n, item in enumerate(received, start=1):
                    file_id = f"{report.run_id}-{n:03d}"
                    report.files.append(_process(con, settings, report, item, file_id, key))
                step = time.monotonic()
                con.execute("BEGIN")
                materialise(con)
                con.execute("COMMIT")
                report.finished_at = dt.datetime.now(dt.UTC)
                con.execute(
                    "INSERT INTO meta_ingest_run (run_id, trigger, started_at, finished_at, outcome, "
                    "files_seen, files_loaded, files_rejected, files_skipped, rows_loaded, duration_s, "
                    "started_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        report.run_id,
                        trigger,
                        report.started_at,
                        report.finished_at,
                        report.outcome,
                        len(report.files),
                        report.files_loaded,
                        len(report.rejected),
                        sum(f.outcome == "skipped" for f in report.files),
                        report.rows_loaded,
                        time.monotonic() - timer,
                        report.started_by,
                    ],
                )
                if previous is None or report.files_loaded or warehouse.schema_steps_applied:
                    # A run that loaded nothing is retired below: the version it was copied from keeps
                    # its place as the previous one, and the copy already holds its previous measures.
                    keep_previous(con, previous.path if previous else None)
                summary = what_changed(
                    con, previous.path if previous else None, _summary_header(report)
                ) + "\n".join(
                    [
                        "",
                        *flag_lines(settings, previous.published_at if previous else None, con),
                        "",
                    ]
                )
                con.execute("INSERT INTO meta_run_summary VALUES (?, ?)", [report.run_id, summary])
                report.add("measures", time.monotonic() - step)
                step = time.monotonic()
            report.add("publishing", time.monotonic() - step)
            current = warehouse.current()
            report.version = current.number if current else None
            with report.timed("data docs"):
                report.data_docs = _data_docs(settings, report)
            try:
                _write_summary(settings, report, summary)
            except OSError as e:  # published already: the summary is also in the warehouse
                log.warning("The summary of run %s could not be written: %s", report.run_id, e)
            if (
                previous is not None
                and not report.files_loaded
                and not warehouse.schema_steps_applied
            ):
                warehouse.retire(previous)
            with report.timed("publishing"):
                warehouse.prune(settings.keep_versions)
            # Only now that the run is published may received files leave the landing folder.
            for item in received:
                if _is_under(item.path, landing) and not (item.not_data or item.left_in_place):
                    item.path.unlink(missing_ok=True)
    except Exception as e:
        # Nothing was published; the last good version stays current. Record why, outside the warehouse.
        plain = _storage_problem(e)
        report.failure = scrubbed(plain or f"{type(e).__name__}: {e}")
        try:
            _log_run(settings, report)
        except OSError:
            log.error("run %s failed and could not be logged: %s", report.run_id, report.failure)
        if plain:
            raise RefreshFailed(plain) from e
        raise
    _log_run(settings, report)
    return report


@contextmanager
def _checks_warmed_up(files: list[tuple[Path, bool]]) -> Iterator[None]:
    """Import Great Expectations (seconds of Python) in a thread while the run copies the warehouse
    and DuckDB reads the first file, when some file may be checked (any file given by name, or of a
    data file's kind in a folder): the checks' first use then waits only for what is left of it.
    The thread is waited for on the way out, so no import is left running when the run ends."""
    thread = None
    if any(not from_folder or p.suffix.lower() in DATA_SUFFIXES for p, from_folder in files):
        thread = threading.Thread(target=importlib.import_module, args=("expectations.runner",))
        thread.start()
    try:
        yield
    finally:
        if thread is not None:
            thread.join()


class RefreshFailed(RuntimeError):
    """A run stopped by a full disk or a folder it cannot write; nothing was published. str() is plain English."""


def _storage_problem(e: BaseException) -> str | None:
    """A plain-English account of a disk or folder problem, or None if `e` is something else."""
    text = str(e)
    full = ("No space left", "File too large", "Disk quota")
    if isinstance(e, OSError):
        target = getattr(e, "filename2", None) or e.filename
        where = f" {target}" if target else ""
        detail = f"could not write{where} ({e.strerror or text})"
        is_full = e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    elif isinstance(e, duckdb.Error) and any(f in text for f in (*full, "Could not write")):
        detail = (
            "could not write the new warehouse version ("
            + next((f for f in full if f in text), "write failed")
            + ")"
        )
        is_full = any(f in text for f in full)
    else:
        return None
    if is_full:
        hint = "The disk (or the space this service may use) is full: free some space, then run it again."
    elif isinstance(e, OSError) and e.errno == errno.ENAMETOOLONG:
        hint = (
            f"A name in that path is longer than the file system allows (at most {NAME_MAX} bytes): "
            "set a shorter folder (`rpd settings` lists the folders), then run it again."
        )
    else:
        hint = (
            "Check that the folder exists, is a folder, and that this service may write to it "
            "(`rpd settings` lists the folders), then run it again."
        )
    return (
        f"The refresh stopped and published nothing: {detail}. The app still shows the data of the "
        f"last refresh, and no file was removed from the landing folder, so nothing is lost. {hint}"
    )


def started_by_label(trigger: str) -> str:
    """Who started a run, in words, for a trigger that does not say more (the app passes the user)."""
    if trigger.startswith("schedule"):
        job = trigger.partition(":")[2]
        return "the scheduler" + (f" ({job.replace('_', ' ')})" if job and job != "all" else "")
    command = {"cli": "rpd ingest", "demo": "rpd demo", "upgrade": "rpd upgrade"}.get(trigger)
    if command is None:
        return trigger
    try:
        account = f", account {getpass.getuser()}"
    except (KeyError, OSError):  # no name for this user id (a bare container)
        account = ""
    return f"the command line ({command}{account})"


def _summary_header(report: RunReport) -> str:
    started = report.started_at.astimezone(LONDON)
    return (
        f"# What changed: refresh of {started:%a %d %b %Y %H:%M} (started by {report.started_by})\n\n"
        f"{len(report.files)} file(s): {report.files_loaded} loaded, {len(report.rejected)} rejected; "
        f"{report.rows_loaded:,} rows loaded."
    )


def _write_summary(settings: Settings, report: RunReport, summary: str) -> None:
    folder = settings.dir("reports") / report.run_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.md").write_text(summary, "utf-8")


def _data_docs(settings: Settings, report: RunReport) -> Path | None:
    """Great Expectations' Data Docs for the files checked in this run, kept under reports/RUN/."""
    if not report.validations:
        return None
    from expectations import build_data_docs

    try:
        return build_data_docs(
            settings.dir("reports") / report.run_id / "data-docs", report.validations
        )
    except Exception as e:  # noqa: BLE001 - the docs are an artefact; the run has already been published
        log.warning("Data Docs for run %s could not be written: %s", report.run_id, e)
        return None


def _receive(path: Path, from_folder: bool) -> _Received:
    """Recognise a file; errors are kept for _process to report. A CSV file of a source checked in
    DuckDB is only scanned (its hash, size, lines and header), to be read by DuckDB when its turn
    comes; any other file is read whole (_read_whole)."""
    if from_folder and path.suffix.lower() not in DATA_SUFFIXES:
        return _Received(path, b"", "", error=None, not_data=True)
    item = _Received(path, b"", "")
    if path.suffix.lower() in TEXT_SUFFIXES:
        try:
            scanned = staged.scan(path)
        except OSError as e:
            item.error = f"The file could not be opened ({e.strerror})."
            return item
        if scanned.headers:
            try:
                found = identify(scanned.headers)
            except RejectedFile:
                found = None  # the whole file is read below, which words the rejection
            if found is not None and staged.can_open(path):
                item.sha256, item.size, item.scanned = scanned.sha256, scanned.size, scanned
                item.source, item.headers = found, scanned.headers
                return item
    _read_whole(item)
    return item


def _read_whole(item: _Received) -> None:
    """Read the file's bytes and its cells as text (ingest.read) into `item`."""
    item.scanned = None
    try:
        item.data = item.path.read_bytes()
    except OSError as e:
        item.error = f"The file could not be opened ({e.strerror})."
        return
    item.sha256, item.size = hashlib.sha256(item.data).hexdigest(), len(item.data)
    try:
        # Messages quote the file's name: give the reader the name as it may be shown and stored.
        table = read_table(item.path.with_name(shown_name(item.path)), item.data, _is_known_header)
        item.raw = table.frame.rename(columns=normalise)
        item.headers = table.headers
        item.source = identify(table.headers)
    except RejectedFile as e:
        item.error = str(e)
        item.layout = resembled(item.headers) if item.headers else None


def _is_known_header(headers: list[str]) -> bool:
    names = {normalise(h) for h in headers}
    return any(len(names & set(s.headers)) >= len(s.headers) // 2 for s in all_sources().values())


def _process(
    con, settings: Settings, run: RunReport, item: _Received, file_id: str, key: bytes
) -> FileOutcome:
    name = shown_name(item.path)
    received_at = dt.datetime.now(dt.UTC)
    outcome = FileOutcome(
        name, "rejected", item.error or "", source=item.source.name if item.source else None
    )
    already = con.execute(
        "SELECT f.file_name, r.started_at FROM meta_ingest_file f JOIN meta_ingest_run r USING (run_id) "
        "WHERE f.file_sha256 = ? AND f.outcome = 'loaded' ORDER BY r.started_at LIMIT 1",
        [item.sha256],
    ).fetchone()
    if item.not_data:
        outcome.outcome = "skipped"
        outcome.message = "Not a data file (only .csv and .xlsx files are read); left where it is."
    elif already and not item.error:
        outcome.outcome = "skipped"
        outcome.message = f"Identical to '{already[0]}', already loaded; nothing changed."
    elif item.error is None and item.source is not None:
        typed_rows = None
        if item.scanned is not None:
            with run.timed("reading and typing"):
                typed_rows = staged.read_typed(con, item.path, item.source, item.scanned, key)
            if typed_rows is None:
                # Not one well-formed line per row: ingest.read says why, or numbers the rows.
                with run.timed("scanning files"):
                    _read_whole(item)
                outcome.message = item.error or ""
        if item.error is None and item.source is not None:
            outcome = _check_and_load(con, settings, run, item, file_id, key, outcome, typed_rows)
    outcome.message = scrubbed(outcome.message)
    if outcome.outcome == "rejected" and not item.left_in_place:
        outcome.kept_as, problem = _try_keep(
            con, "quarantine", settings, run, item, file_id, key, report=outcome.message
        )
        if problem:
            outcome.message += f" No copy of the file was kept: {problem}. {LEFT_IN_PLACE}"
    con.execute(
        "INSERT INTO meta_ingest_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            run.run_id,
            name,
            item.sha256,
            item.size,
            outcome.source,
            outcome.outcome,
            outcome.rows_in_file,
            outcome.rows_loaded,
            outcome.rows_replaced,
            outcome.checks_passed,
            outcome.checks_failed,
            outcome.message,
            outcome.kept_as,
            received_at,
        ],
    )
    return outcome


def _check_and_load(
    con, settings, run, item: _Received, file_id, key, outcome: FileOutcome, typed_rows: int | None
) -> FileOutcome:
    """Check the file and load it if it passes: its rows typed in SQL (by DuckDB straight from the
    file, `typed_rows` of them, or from the text ingest.read gave when `typed_rows` is None), derived
    and checked in the staging table, and loaded from there."""
    with run.timed("importing the checks"):  # slow to import: only when checking
        from expectations import drop_staging, validate_typed

    source = item.source
    assert source is not None
    try:
        if typed_rows is None:
            assert item.raw is not None
            with run.timed("reading and typing"):
                typed_rows = staged.typed_from_frame(con, source, item.raw, key)
        outcome.rows_in_file = typed_rows
        if not typed_rows:
            outcome.message = "The file has a header row but no data rows."
            return outcome
        with run.timed("checks"):
            ctx = check_context(con, settings.today_london)
            report = validate_typed(
                source, staged.TYPED, ctx, con=con, first_row=HEADER_ROWS + 1, docs_for=file_id
            )
        return _keep_and_load(con, settings, run, item, file_id, key, outcome, report)
    finally:
        staged.drop(con)
        drop_staging(con)


def _keep_and_load(
    con, settings, run, item: _Received, file_id, key, outcome: FileOutcome, report
) -> FileOutcome:
    """Record the checks; if they passed, keep the file's copy and load its rows from the staging
    table, in one transaction."""
    source = item.source
    assert source is not None
    run.validations.append(report.validation)
    outcome.checks_passed = sum(r.success for r in report.results)
    outcome.checks_failed = len(report.failed)
    # The archive copy is written before loading: a file is loaded only if its copy is kept.
    problem = None
    if report.success:
        outcome.kept_as, problem = _try_keep(con, "archive", settings, run, item, file_id, key)
    with run.timed("loading"):
        con.execute("BEGIN")
        try:
            record_checks(con, run.run_id, file_id, report)
            if problem:
                outcome.message = (
                    f"The file passed its checks but was not loaded, because no copy of it could be "
                    f"kept: {problem}. {LEFT_IN_PLACE}"
                )
            elif report.success:
                inserted, deleted = replace_rows(con, source, STAGING, file_id)
                outcome.outcome, outcome.rows_loaded, outcome.rows_replaced = (
                    "loaded",
                    inserted,
                    deleted,
                )
                outcome.message = f"Loaded {inserted:,} rows as {source.title}" + (
                    f", replacing {deleted:,} earlier rows." if deleted else "."
                )
            else:
                outcome.message = (
                    f"Rejected: this {source.title} file failed its checks. " + report.summary()
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return outcome


def sanitised(item: _Received, key: bytes, scan: bool = True) -> pd.DataFrame | None:
    """The file as kept by the product: only the columns its source knows, case references hashed, other
    identifiers and dropped columns blanked. None when nothing may be kept (unreadable, or of no kind
    we recognise, so no column is known to be free of personal details).

    scan=False skips looking for identifiers inside other cells: for an accepted file the checks have
    already found none in its text columns, and every other column held a readable date or number."""
    source = item.source or item.layout
    if item.raw is None or source is None:
        return None
    return _sanitise(item.raw, source, key, scan)


def _sanitise(frame: pd.DataFrame, source: Source, key: bytes, scan: bool) -> pd.DataFrame:
    """sanitised() of a frame of the file's text (all of it, or a batch of its rows)."""
    frame = frame.copy()
    allowed = tuple(c.name for c in source.columns if c.identifier)
    known = [n for n, column in enumerate(frame.columns) if column in source.headers]
    frame = frame.iloc[:, known]
    for position, column in enumerate(
        frame.columns
    ):  # by position: a rejected file may repeat a header
        spec = next(c for c in source.columns if c.name == column)
        values = frame.iloc[:, position].astype(str)
        if spec.identifier:
            text = values.str.strip().str.upper()
            frame.iloc[:, position] = keyed_hash(text, key).where(text != "", "")
        elif spec.drop or personal_columns([column], allowed):
            frame.iloc[:, position] = "[removed]"
        elif scan:
            frame.iloc[:, position] = values.str.replace(IDENTIFYING, " [removed] ", regex=True)
    return frame


def _not_kept(item: _Received) -> str:
    """What the report says of the columns (or the file) the kept copy leaves out."""
    source = item.source or item.layout
    if item.raw is None and item.scanned is None:
        return "The file itself was not kept: it could not be read, so we could not remove any personal details from it."
    if source is None:
        return (
            "The file itself was not kept: we could not tell what kind of file it is, so we could not tell "
            "which of its columns might hold personal details."
        )
    others = [h for h in item.headers if normalise(h) not in source.headers]
    if not others:
        return ""
    return (
        f"The copy keeps only the columns of a {source.title} file. Not kept, as they may hold personal "
        f"details: {', '.join(quoted(h, 'column name') for h in others)}."
    )


def _keep(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    item: _Received,
    file_id: str,
    key: bytes,
    report: str | None = None,
) -> str | None:
    """Write the sanitised copy (and, for a rejection, its report) under folder. Returns the copy's path.

    Copies are named NNN-<name>, NNN being the file's place in the run, so files of the same name never
    overwrite each other's copy."""
    folder.mkdir(parents=True, exist_ok=True)
    scan = report is not None
    stem = _copy_stem(file_id, item.path)
    kept = None
    if item.scanned is not None and item.source is not None:
        kept = folder / f"{stem}.csv"
        source = item.source
        staged.write_copy(
            con,
            item.path,
            source,
            item.headers,
            key,
            kept,
            scan=scan,
            sanitise=lambda frame: _sanitise(frame, source, key, scan),
        )
    elif (copy := sanitised(item, key, scan=scan)) is not None:
        kept = folder / f"{stem}.csv"
        copy.to_csv(kept, index=False, encoding="utf-8")
    if report is not None:
        note = "\n\n".join(part for part in (report, _not_kept(item)) if part)
        (folder / f"{stem}.report.txt").write_text(f"{shown_name(item.path)}\n\n{note}\n", "utf-8")
    return str(kept or folder / f"{stem}.report.txt")


def _try_keep(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    settings: Settings,
    run: RunReport,
    item: _Received,
    file_id: str,
    key: bytes,
    report: str | None = None,
) -> tuple[str | None, str | None]:
    """_keep in the archive or quarantine folder; returns (copy, None), or (None, why not) if the folder
    cannot be written. Then the file is marked to stay where it is. A full disk still stops the run."""
    folder = settings.dir(kind)
    try:
        with run.timed("kept copies"):
            return _keep(con, folder / run.run_id, item, file_id, key, report=report), None
    except OSError as e:
        if e.errno in DISK_FULL:
            raise
        log.warning("no copy of file %s could be kept in %s: %s", file_id, folder, e)
        item.left_in_place = True
        return None, f"the {kind} folder {folder} could not be written ({e.strerror or e})"


def shown_name(path: Path) -> str:
    """A file's name as shown and stored (in messages, the run's records and log, and its copies' names):
    bytes that are not UTF-8, control characters (a new line, a terminal escape) and invisible
    formatting (right-to-left overrides) become U+FFFD, and identifiers (hidden)."""
    text = os.fsencode(path.name).decode("utf-8", errors="replace")
    # A case reference or NI number in a name (`referrals-X123456.csv`) is hidden like any in a message.
    return scrubbed(
        "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in text)
    )


def _copy_stem(file_id: str, path: Path) -> str:
    """NNN-<name without its ending>, cut (never inside a character) so that the longest copy name,
    NNN-<stem>.report.txt, fits in NAME_MAX bytes; the report's first line gives the full name."""
    prefix = f"{file_id.rsplit('-', 1)[-1]}-"
    room = NAME_MAX - len(prefix) - len(".report.txt")
    stem = Path(shown_name(path)).stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return prefix + stem


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _log_run(settings: Settings, report: RunReport) -> None:
    folder = settings.dir("logs")
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "run_id": report.run_id,
        "trigger": report.trigger,
        "started_by": report.started_by,
        "outcome": report.outcome,
        "version": report.version,
        "data_docs": str(report.data_docs) if report.data_docs else None,
        "failure": report.failure,
        "started_at": report.started_at.isoformat(),
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "files": [asdict(f) for f in report.files],
        "seconds": {
            step: round(report.seconds[step], 3) for step in STEPS if step in report.seconds
        },
    }
    with (folder / "runs.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")

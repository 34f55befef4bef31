"""refresh(): the one path by which files reach the warehouse. The CLI, the demo, the scheduler and
the tests all call it.

For each run: take the refresh lock, copy the current warehouse version, and for each file in load
order read -> recognise -> replace identifiers -> type -> check -> load (one transaction per file,
so a file is loaded whole or not at all). Then publish the new version, and only after that move
files out of the landing folder. A crash at any point leaves the previous version current.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from expectations.patterns import IDENTIFIER
from expectations.report import PENDING_DOCS
from ingest.identify import identify, normalise, personal_columns
from ingest.load import check_context, record_checks, replace_rows, with_lead_provider
from ingest.read import RejectedFile, read_table
from ingest.sources import LOAD_ORDER, Source, all_sources
from ingest.summary import flag_lines, what_changed
from ingest.transform import keyed_hash, to_typed
from warehouse.connection import Warehouse
from warehouse.measures import create_views, materialise
from warehouse.refdata import load_reference_data
from warehouse.settings import LONDON, Settings

log = logging.getLogger(__name__)
# Files in a folder with other endings (a README, a script) are listed as skipped, not rejected.
# .xls and .tsv are read so that their senders get a helpful rejection instead of silence.
DATA_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xls", ".xlsm", ".ods"}


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
    files: list[FileOutcome] = field(default_factory=list)
    finished_at: dt.datetime | None = None
    version: int | None = None
    data_docs: Path | None = None
    failure: str | None = None

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


@dataclass
class _Received:
    path: Path
    data: bytes
    sha256: str
    source: Source | None = None
    raw: pd.DataFrame | None = None
    error: str | None = None
    not_data: bool = False


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
    lock_timeout: float | None = None,
    sources: frozenset[str] | None = None,
) -> RunReport:
    """Check and load files (default: everything in the landing folder). Publishes one new version.

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
    )
    timer = time.monotonic()
    key = settings.resolved_hash_key()
    timeout = settings.lock_timeout_seconds if lock_timeout is None else lock_timeout
    try:
        with warehouse.refresh_lock(timeout):
            PENDING_DOCS.clear()  # results of an earlier run that died before its docs were built
            previous = warehouse.current()
            with warehouse.new_version() as con:
                con.execute("BEGIN")
                load_reference_data(con)
                create_views(con)
                con.execute("COMMIT")
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
                con.execute("BEGIN")
                materialise(con)
                con.execute("COMMIT")
                report.finished_at = dt.datetime.now(dt.UTC)
                con.execute(
                    "INSERT INTO meta_ingest_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        report.run_id,
                        trigger,
                        report.started_at,
                        report.finished_at,
                        report.outcome,
                        len(report.files),
                        sum(f.outcome == "loaded" for f in report.files),
                        len(report.rejected),
                        sum(f.outcome == "skipped" for f in report.files),
                        report.rows_loaded,
                        time.monotonic() - timer,
                    ],
                )
                summary = what_changed(
                    con, previous.path if previous else None, _summary_header(report)
                ) + "\n".join(
                    ["", *flag_lines(settings, previous.published_at if previous else None), ""]
                )
                con.execute("INSERT INTO meta_run_summary VALUES (?, ?)", [report.run_id, summary])
            current = warehouse.current()
            report.version = current.number if current else None
            report.data_docs = _data_docs(settings, report)
            _write_summary(settings, report, summary)
            warehouse.prune(settings.keep_versions)
            # Only now that the run is published may received files leave the landing folder.
            for item in received:
                if _is_under(item.path, landing) and not item.not_data:
                    item.path.unlink(missing_ok=True)
    except Exception as e:
        # Nothing was published; the last good version stays current. Record why, outside the warehouse.
        plain = _storage_problem(e)
        report.failure = plain or f"{type(e).__name__}: {e}"
        try:
            _log_run(settings, report)
        except OSError:
            log.error("run %s failed and could not be logged: %s", report.run_id, report.failure)
        if plain:
            raise RefreshFailed(plain) from e
        raise
    _log_run(settings, report)
    return report


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
    hint = (
        "The disk (or the space this service may use) is full: free some space, then run it again."
        if is_full
        else "Check that the folder exists, is a folder, and that this service may write to it "
        "(`rpd settings` lists the folders), then run it again."
    )
    return (
        f"The refresh stopped and published nothing: {detail}. The app still shows the data of the "
        f"last refresh, and no file was removed from the landing folder, so nothing is lost. {hint}"
    )


def _summary_header(report: RunReport) -> str:
    started = report.started_at.astimezone(LONDON)
    loaded = sum(f.outcome == "loaded" for f in report.files)
    return (
        f"# What changed: refresh of {started:%a %d %b %Y %H:%M} ({report.trigger})\n\n"
        f"{len(report.files)} file(s): {loaded} loaded, {len(report.rejected)} rejected; "
        f"{report.rows_loaded:,} rows loaded."
    )


def _write_summary(settings: Settings, report: RunReport, summary: str) -> None:
    folder = settings.dir("reports") / report.run_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.md").write_text(summary, "utf-8")


def _data_docs(settings: Settings, report: RunReport) -> Path | None:
    """Great Expectations' Data Docs for the files checked in this run, kept under reports/RUN/."""
    if not any(f.checks_passed or f.checks_failed for f in report.files):
        return None
    from expectations import build_data_docs

    try:
        return build_data_docs(settings.dir("reports") / report.run_id / "data-docs")
    except Exception as e:  # noqa: BLE001 - the docs are an artefact; the run has already been published
        log.warning("Data Docs for run %s could not be written: %s", report.run_id, e)
        return None


def _receive(path: Path, from_folder: bool) -> _Received:
    """Read a file and recognise it; errors are kept for _process to report."""
    if from_folder and path.suffix.lower() not in DATA_SUFFIXES:
        return _Received(path, b"", "", error=None, not_data=True)
    try:
        data = path.read_bytes()
    except OSError as e:
        return _Received(path, b"", "", error=f"The file could not be opened ({e.strerror}).")
    item = _Received(path, data, hashlib.sha256(data).hexdigest())
    try:
        table = read_table(path, data, _is_known_header)
        item.raw = table.frame.rename(columns=normalise)
        item.source = identify(table.headers)
    except RejectedFile as e:
        item.error = str(e)
    return item


def _is_known_header(headers: list[str]) -> bool:
    names = {normalise(h) for h in headers}
    return any(len(names & set(s.headers)) >= len(s.headers) // 2 for s in all_sources().values())


def _process(
    con, settings: Settings, run: RunReport, item: _Received, file_id: str, key: bytes
) -> FileOutcome:
    name = item.path.name
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
    elif item.error is None and item.source is not None and item.raw is not None:
        outcome = _check_and_load(con, settings, run, item, file_id, key, outcome)
    if outcome.outcome == "rejected":
        outcome.kept_as = _keep(
            settings.dir("quarantine") / run.run_id, item, file_id, key, report=outcome.message
        )
    con.execute(
        "INSERT INTO meta_ingest_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            run.run_id,
            name,
            item.sha256,
            len(item.data),
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
    con, settings, run, item: _Received, file_id, key, outcome: FileOutcome
) -> FileOutcome:
    from expectations import validate  # imported here: Great Expectations is slow to import

    source, raw = item.source, item.raw
    assert source is not None and raw is not None
    outcome.rows_in_file = len(raw)
    if not len(raw):
        outcome.message = "The file has a header row but no data rows."
        return outcome
    ctx = check_context(con, settings.today_london)
    typed = with_lead_provider(source, to_typed(source, raw, key), ctx)
    report = validate(source, typed, ctx, docs_for=file_id)
    outcome.checks_passed = sum(r.success for r in report.results)
    outcome.checks_failed = len(report.failed)
    con.execute("BEGIN")
    try:
        record_checks(con, run.run_id, file_id, report)
        if report.success:
            inserted, deleted = replace_rows(con, source, typed, file_id)
            outcome.outcome, outcome.rows_loaded, outcome.rows_replaced = (
                "loaded",
                inserted,
                deleted,
            )
            outcome.message = f"Loaded {inserted:,} rows as {source.title}" + (
                f", replacing {deleted:,} earlier rows." if deleted else "."
            )
            outcome.kept_as = _keep(settings.dir("archive") / run.run_id, item, file_id, key)
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
    """The file as kept by the product: case references hashed, other identifiers and dropped columns blanked.

    scan=False skips looking for identifiers inside other cells: for an accepted file the checks have
    already found none in its text columns, and every other column held a readable date or number."""
    if item.raw is None:
        return None
    frame = item.raw.copy()
    source = item.source
    allowed = tuple(c.name for c in source.columns if c.identifier) if source else ()
    for position, column in enumerate(
        frame.columns
    ):  # by position: a rejected file may repeat a header
        spec = next((c for c in source.columns if c.name == column), None) if source else None
        values = frame.iloc[:, position].astype(str)
        if spec is not None and spec.identifier:
            text = values.str.strip().str.upper()
            frame.iloc[:, position] = keyed_hash(text, key).where(text != "", "")
        elif (spec is not None and spec.drop) or personal_columns([column], allowed):
            frame.iloc[:, position] = "[removed]"
        elif scan:
            frame.iloc[:, position] = values.str.replace(IDENTIFIER, " [removed] ", regex=True)
    return frame


def _keep(
    folder: Path, item: _Received, file_id: str, key: bytes, report: str | None = None
) -> str | None:
    """Write the sanitised copy (and, for a rejection, its report) under folder. Returns the copy's path.

    Copies are named NNN-<name>, NNN being the file's place in the run, so files of the same name never
    overwrite each other's copy."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = sanitised(item, key, scan=report is not None)
    stem = f"{file_id.rsplit('-', 1)[-1]}-{item.path.stem}"
    kept = None
    if copy is not None:
        kept = folder / f"{stem}.csv"
        copy.to_csv(kept, index=False, encoding="utf-8")
    if report is not None:
        note = (
            report
            if copy is not None
            else (
                report
                + "\n\nThe file itself was not kept: it could not be read, so we could not remove any personal details from it."
            )
        )
        (folder / f"{stem}.report.txt").write_text(f"{item.path.name}\n\n{note}\n", "utf-8")
    return str(kept or folder / f"{stem}.report.txt")


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
        "outcome": report.outcome,
        "version": report.version,
        "data_docs": str(report.data_docs) if report.data_docs else None,
        "failure": report.failure,
        "started_at": report.started_at.isoformat(),
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "files": [asdict(f) for f in report.files],
    }
    with (folder / "runs.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")

"""The `rpd` command: ingest files, build the demo, see what is loaded."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path

import click

from warehouse.connection import NoWarehouse, RefreshInProgress, Warehouse
from warehouse.settings import (
    LONDON,
    Settings,
    SettingsError,
    keep_files_private,
    load_settings,
    settings_help,
)


@click.group(
    help="RPD contract and engagement monitor. Settings come from RPD_ environment variables (`rpd settings`)."
)
@click.pass_context
def main(ctx: click.Context) -> None:
    keep_files_private()
    try:
        ctx.obj = load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _print_run(report) -> None:
    for f in report.files:
        mark = {"loaded": "LOADED  ", "skipped": "SKIPPED ", "rejected": "REJECTED"}[f.outcome]
        click.echo(f"{mark} {f.file_name}: {f.message}")
        if f.outcome == "rejected" and f.kept_as:
            click.echo(f"         (kept with its report in {Path(f.kept_as).parent})")
    loaded = sum(f.outcome == "loaded" for f in report.files)
    click.echo(
        f"\n{len(report.files)} file(s): {loaded} loaded, {len(report.rejected)} rejected, "
        f"{len(report.files) - loaded - len(report.rejected)} skipped; {report.rows_loaded:,} rows loaded. "
        f"Warehouse version {report.version}."
    )


def _refresh(settings: Settings, paths, trigger: str, started_by: str | None = None):
    from ingest.load import LayoutNotInWarehouse
    from ingest.pipeline import RefreshFailed, refresh

    try:
        return refresh(settings, paths, trigger=trigger, started_by=started_by)
    except (RefreshInProgress, RefreshFailed, LayoutNotInWarehouse) as e:
        raise click.ClickException(str(e)) from None


@main.command(
    help="Check and load files, or every file in folders (default: the landing folder). "
    "Exits with status 1 if any file was rejected."
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--started-by",
    hidden=True,
    help="The app's Refresh now button: the signed-in user who pressed it, recorded with the run.",
)
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], started_by: str | None) -> None:
    report = _refresh(settings, list(paths) or None, "app" if started_by else "cli", started_by)
    if not report.files:
        click.echo(f"No files to load in {settings.dir('landing')}.")
    _print_run(report)
    sys.exit(1 if report.rejected else 0)


@main.command(
    help="Write the demo files (synthetic data on the real contract register) and load them."
)
@click.option(
    "--if-missing", is_flag=True, help="Do nothing if a warehouse has already been published."
)
@click.option(
    "--scale", default=1.0, show_default=True, help="Multiply the number of demo referrals."
)
@click.pass_obj
def demo(settings: Settings, if_missing: bool, scale: float) -> None:
    from ingest.demo.landing import write_demo_files

    if if_missing and Warehouse.from_settings(settings).current() is not None:
        click.echo("A warehouse exists already; demo not rebuilt (run `rpd demo` to rebuild it).")
        _upgrade(settings)
        return
    folder = settings.dir("landing") / "demo"
    click.echo(f"Writing demo files to {folder} ...")
    files = write_demo_files(folder, today=settings.today_london, referrals_scale=scale)
    click.echo(f"Checking and loading {len(files)} demo files (the same path as real files) ...")
    report = _refresh(settings, [folder], "demo")
    _print_run(report)
    sys.exit(1 if report.rejected else 0)


def _upgrade(settings: Settings) -> None:
    report = _refresh(settings, [], "upgrade")
    click.echo(f"Schema and measures brought up to date in warehouse version {report.version}.")


@main.command(
    help="Publish a new warehouse version with this code's schema and measures, loading no files."
)
@click.pass_obj
def upgrade(settings: Settings) -> None:
    _upgrade(settings)


@main.command(help="What is loaded, from which files, and when.")
@click.pass_obj
def status(settings: Settings) -> None:
    from warehouse.status import loaded_tables, recent_files

    warehouse = Warehouse.from_settings(settings)
    try:
        con = warehouse.connect()
    except NoWarehouse as e:
        raise click.ClickException(str(e)) from None
    version = warehouse.current()
    assert version is not None
    click.echo(f"Warehouse {version.label} ({version.path})\n")
    click.echo("Table                     Rows  Files  Last loaded")
    for t in loaded_tables(con):
        when = (
            t.last_loaded.astimezone(LONDON).strftime("%d %b %Y %H:%M")
            if t.last_loaded
            else "never"
        )
        click.echo(f"{t.table:<22} {t.rows:>7,} {t.files:>6}  {when}")
    click.echo("\nLatest files:")
    for f in recent_files(con, limit=15):
        click.echo(
            f"  {f.received_at.astimezone(LONDON):%d %b %H:%M}  {f.outcome:<8} {f.file_name} ({f.source or 'not recognised'})"
        )
    con.close()


@main.command(help="Go back to the previous published warehouse version.")
@click.pass_obj
def rollback(settings: Settings) -> None:
    warehouse = Warehouse.from_settings(settings)
    try:
        with warehouse.refresh_lock(settings.lock_timeout_seconds):
            version = warehouse.rollback()
    except (NoWarehouse, RefreshInProgress) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Now serving {version.label}.")


@main.command(
    help="Run the refresh timetable (RPD_SCHEDULE) until stopped; catches up a run missed while down."
)
@click.pass_obj
def schedule(settings: Settings) -> None:
    import signal

    # Before the slow imports below: a SIGTERM from here on is remembered, and serve() honours it.
    stopping: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, frame: stopping.append(number))
    folder = settings.dir("logs")
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        handlers=[logging.StreamHandler(), logging.FileHandler(folder / "scheduler.log")],
    )
    logging.getLogger("rpd.schedule").info("starting")
    from ingest.schedule import BadSchedule, serve

    try:
        serve(settings, stopping=stopping)
    except BadSchedule as e:
        raise click.ClickException(str(e)) from None


@main.command(name="settings", help="List every RPD_ setting with its default and meaning.")
def show_settings() -> None:
    click.echo(settings_help())


def entry() -> None:
    """The `rpd` program: main(), then the process ends without Python's clean-up of its modules.

    Tearing down the modules a refresh imports (Great Expectations and all it brings) takes half a
    second or more and does nothing a finished command needs: its output and logs are flushed here,
    every warehouse connection is closed by then, and a process stopped at any moment leaves the
    warehouse as it was or as it became (docs/reliability.md's crash trials). An error that is not
    the command's own (a traceback) ends the process the usual way."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as stop:
        code = stop.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`rpd status | head`): nothing more can be said.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    logging.shutdown()
    os._exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    entry()

__all__ = ["entry", "main"]

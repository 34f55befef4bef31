"""Numbered migrations of the flag store (Alembic), applied when the store opens.

Each migration is a file `versions/NNNN_name.py` whose `revision` is "NNNN" and whose
`down_revision` is the number before it, so the steps form one line. A migration only adds (a column,
a table, an index): flags are never rewritten, and an applied migration is never edited. To add one,
copy the newest file, number it one more, and write its `upgrade()` with Alembic's `op` for both
SQLite and PostgreSQL; `tests/integration/test_flag_migrations.py` checks the result matches the
tables `dashboard/flags/store.py` reads.

The store records where it is, as the warehouse records its schema steps (`meta_migration`):
`flag_schema_version` is Alembic's own table (the revision the store is at), and `flag_migration`
keeps one row per step with its name, when, and how (`applied`, or `recognised` for a store that
already had that schema).

A store made before there were migrations (by SQLAlchemy's `create_all`) has the three flag tables
and no version table: it is recognised as migration 0001, which creates exactly that schema, and
stamped there without touching a row; later migrations then apply to it as to any store.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.runtime.migration import MigrationInfo

FOLDER = Path(__file__).parent  # env.py and versions/, shipped inside the package
VERSION_TABLE = "flag_schema_version"
FIRST = "0001"  # the schema every store made by create_all has
_BEFORE_MIGRATIONS = {"flag", "flag_reference", "flag_event"}
_log = logging.getLogger("rpd.flags")

migration_log = sa.Table(
    "flag_migration",
    sa.MetaData(),
    sa.Column("step", sa.String(32), nullable=False),  # the revision, "0001"
    sa.Column("name", sa.String(100), nullable=False),  # its file, "0001_initial_schema"
    sa.Column("how", sa.String(10), nullable=False),  # applied | recognised
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


def migrate(con: sa.Connection) -> list[str]:
    """Bring the store on `con` to the newest migration, inside the caller's transaction (which holds
    the set-up lock); returns the names of the steps applied or recognised now."""
    tables = set(sa.inspect(con).get_table_names())
    if VERSION_TABLE in tables and _version(con) == newest():
        return []  # the usual case, answered without importing Alembic (about a second)
    migration_log.create(con, checkfirst=True)
    done: list[str] = []
    with _quiet(logging.getLogger("alembic")):
        # Imported here: Alembic's first import logs a line for each of its plugins.
        from alembic import command
        from alembic.config import Config

        config = Config()  # no alembic.ini: everything it would say is here
        config.set_main_option("script_location", str(FOLDER))
        config.attributes.update(connection=con, done=done)
        if VERSION_TABLE not in tables and tables >= _BEFORE_MIGRATIONS:
            command.stamp(config, FIRST)
        command.upgrade(config, "head")
    for name in done:
        _log.info("flags store: migration %s done", name)
    return done


def newest() -> str:
    """The newest migration's number, from the file names (the numbers run in one line, so it is
    Alembic's head; a test checks)."""
    return max(path.name.split("_", 1)[0] for path in FOLDER.glob("versions/[0-9]*_*.py"))


def _version(con: sa.Connection) -> str | None:
    number = sa.column("version_num", sa.String)
    return con.execute(sa.select(sa.func.max(number)).select_from(sa.table(VERSION_TABLE))).scalar()


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Alembic's own information lines (its plugins, its guess about transactions: wrong here, where
    every step runs in the caller's transaction) would fill the scheduler's log at every start."""
    before = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)


def record(con: sa.Connection, step: MigrationInfo, done: list[str]) -> None:
    """One row in flag_migration for each revision a step reached (called by env.py's
    `on_version_apply` hook, in the same transaction as the step), and its name in `done`."""
    for revision in step.up_revision_ids:
        name = next(FOLDER.glob(f"versions/{revision}_*.py")).stem
        con.execute(
            migration_log.insert().values(
                step=revision,
                name=name,
                how="recognised" if step.is_stamp else "applied",
                applied_at=dt.datetime.now(dt.UTC),
            )
        )
        done.append(name)

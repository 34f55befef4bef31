"""Alembic's environment for the flag store: run only by `dashboard.flags.migrations.migrate`, on the
connection (and inside the transaction) it is given. There is no alembic.ini and no other way in."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo

from dashboard.flags.migrations import VERSION_TABLE, record

connection = context.config.attributes["connection"]
done: list[str] = context.config.attributes["done"]


def _record(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    record(connection, step, done)


context.configure(
    connection=connection,
    version_table=VERSION_TABLE,
    on_version_apply=_record,
)
with context.begin_transaction():
    context.run_migrations()

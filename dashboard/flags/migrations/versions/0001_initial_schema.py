"""The flag store as it was before migrations: flags, their reference lists and their events, each
append-only (triggers refuse an update or a delete in both databases).

Exactly what `create_all` made until now, so a store made by it is recognised as this step. Written
out in full here, not read from the store's tables, so it never changes when they do.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

TABLES = ("flag", "flag_reference", "flag_event")


def upgrade() -> None:
    op.create_table(
        "flag",
        sa.Column("flag_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_ref", sa.String(100), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("region_code", sa.String(10), nullable=False),
        sa.Column("provider_code", sa.String(100), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("provider_count", sa.Integer, nullable=False),
        sa.Column("warehouse_count", sa.Integer, nullable=False),
        sa.Column("warehouse_version", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("references_supplied", sa.Integer, nullable=False),
        sa.Column("raised_by", sa.String(320), nullable=False),
        sa.Column("raised_by_name", sa.String(200), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.Date, nullable=False),
    )
    op.create_table(
        "flag_event",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("flag_id", sa.Integer, sa.ForeignKey("flag.flag_id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user", sa.String(320), nullable=False),
        sa.Column("by_name", sa.String(200), nullable=False),
        sa.Column("by_role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("response", sa.Text, nullable=False),
    )
    op.create_index("ix_flag_event_flag_id", "flag_event", ["flag_id"])
    op.create_table(
        "flag_reference",
        sa.Column("flag_id", sa.Integer, sa.ForeignKey("flag.flag_id"), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("found_in", sa.String(20), nullable=False),
    )
    op.create_index("ix_flag_reference_flag_id", "flag_reference", ["flag_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            for verb in ("update", "delete"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'flags are append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            """CREATE OR REPLACE FUNCTION flags_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'flags are append-only'; END $$ LANGUAGE plpgsql"""
        )
        for table in TABLES:
            op.execute(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION flags_append_only()"
            )


def downgrade() -> None:
    raise NotImplementedError("Flags are never dropped: restore a backup of the store instead.")

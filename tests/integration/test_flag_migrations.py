"""The flag store's numbered migrations (dashboard/flags/migrations), on SQLite and PostgreSQL: an
empty store is made by them and recorded at the newest; a store made before migrations (by
`create_all`, with flags in it) is recognised as migration 0001 and keeps every flag; the tables the
migrations make are the ones the store reads."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from dashboard.flags import migrations
from dashboard.flags.store import FlagStore, metadata
from tests.integration.test_flag_store import ACME_FACTS, MINE, PROVIDER, RAISED, RPD, new_flag
from tests.postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

HEAD = ScriptDirectory(str(migrations.FOLDER)).get_current_head()

# What the store's set-up ran before there were migrations (metadata.create_all, then the triggers),
# as SQLAlchemy 2.1 emitted it for each database (they differ in the autoincrementing key and the
# timestamp with its zone). Frozen here: it is the past, not the code.
_SERIAL = {"sqlite": "INTEGER", "postgresql": "SERIAL"}
_TIMESTAMP = {"sqlite": "DATETIME", "postgresql": "TIMESTAMP WITH TIME ZONE"}


def _before_migrations(dialect: str) -> list[str]:
    serial, timestamp = _SERIAL[dialect], _TIMESTAMP[dialect]
    tables = [
        f"""CREATE TABLE flag (
            flag_id {serial} NOT NULL, contract_ref VARCHAR(100) NOT NULL, month DATE NOT NULL,
            region_code VARCHAR(10) NOT NULL, provider_code VARCHAR(100) NOT NULL,
            category VARCHAR(30) NOT NULL, provider_count INTEGER NOT NULL,
            warehouse_count INTEGER NOT NULL, warehouse_version INTEGER NOT NULL,
            comment TEXT NOT NULL, references_supplied INTEGER NOT NULL,
            raised_by VARCHAR(320) NOT NULL, raised_by_name VARCHAR(200) NOT NULL,
            raised_at {timestamp} NOT NULL, respond_by DATE NOT NULL, PRIMARY KEY (flag_id))""",
        f"""CREATE TABLE flag_event (
            event_id {serial} NOT NULL, flag_id INTEGER NOT NULL,
            at {timestamp} NOT NULL, by_user VARCHAR(320) NOT NULL, by_name VARCHAR(200) NOT NULL,
            by_role VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, response TEXT NOT NULL,
            PRIMARY KEY (event_id), FOREIGN KEY(flag_id) REFERENCES flag (flag_id))""",
        "CREATE INDEX ix_flag_event_flag_id ON flag_event (flag_id)",
        """CREATE TABLE flag_reference (
            flag_id INTEGER NOT NULL, reference VARCHAR(20) NOT NULL, found_in VARCHAR(20) NOT NULL,
            FOREIGN KEY(flag_id) REFERENCES flag (flag_id))""",
        "CREATE INDEX ix_flag_reference_flag_id ON flag_reference (flag_id)",
    ]
    names = ("flag", "flag_reference", "flag_event")
    if dialect == "sqlite":
        return tables + [
            f"CREATE TRIGGER IF NOT EXISTS {t}_no_{verb} BEFORE {verb.upper()} ON {t} "
            "BEGIN SELECT RAISE(ABORT, 'flags are append-only'); END"
            for t in names
            for verb in ("update", "delete")
        ]
    return [
        *tables,
        """CREATE OR REPLACE FUNCTION flags_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'flags are append-only'; END $$ LANGUAGE plpgsql""",
        *[
            f"CREATE OR REPLACE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION flags_append_only()"
            for t in names
        ],
    ]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'flags.sqlite'}"
    return request.getfixturevalue("postgres_url")


def _opened(url: str) -> FlagStore:
    return FlagStore(url)  # not from_settings: its cache would hand back a store already open


def _recorded(engine: sa.Engine) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The version Alembic records, and the migration log (step, name, how), oldest first."""
    with engine.connect() as con:
        version = [
            r[0] for r in con.execute(sa.text("SELECT version_num FROM flag_schema_version"))
        ]
        log = [
            tuple(r)
            for r in con.execute(
                sa.text("SELECT step, name, how FROM flag_migration ORDER BY applied_at")
            )
        ]
    return version, log


def test_an_empty_store_is_made_by_the_migrations_and_recorded_at_the_newest(url):
    store = _opened(url)
    try:
        assert HEAD == "0001" == migrations.newest()
        assert _recorded(store.engine) == (["0001"], [("0001", "0001_initial_schema", "applied")])
        flag_id = store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)
        assert flag_id == 1
    finally:
        store.engine.dispose()
    again = _opened(url)  # a restart applies nothing more
    try:
        assert _recorded(again.engine) == (["0001"], [("0001", "0001_initial_schema", "applied")])
        assert again.counts() == {"flags": 1, "events": 1}
    finally:
        again.engine.dispose()


def test_a_store_made_before_migrations_is_recognised_and_keeps_its_flags(url):
    """One flag, raised and then put under review, with a reference list of two, written by the
    set-up and SQL of the store before migrations. After opening it: the same flag, events and
    references, the schema recorded as 0001 (recognised, nothing applied), and the store works on."""
    legacy = sa.create_engine(url)
    raised_at = dt.datetime(2026, 12, 23, 10, 30, tzinfo=dt.UTC)
    with legacy.begin() as con:
        for statement in _before_migrations(legacy.dialect.name):
            con.execute(sa.text(statement))
        con.execute(
            sa.text(
                "INSERT INTO flag (contract_ref, month, region_code, provider_code, category, "
                "provider_count, warehouse_count, warehouse_version, comment, references_supplied, "
                "raised_by, raised_by_name, raised_at, respond_by) VALUES ('PRJ_0001', :month, 'B', "
                "'ACME', 'missing', 4, 3, 7, 'You show three.', 2, 'pat@acme.example', "
                "'Pat at Acme', :raised_at, :respond_by)"
            ),
            {
                "month": dt.date(2026, 11, 1),
                "raised_at": raised_at,
                "respond_by": dt.date(2027, 1, 11),
            },
        )
        con.execute(
            sa.text(
                "INSERT INTO flag_reference (flag_id, reference, found_in) VALUES "
                "(1, 'AB0001AC', 'provider_only'), (1, 'AB0002AC', 'both')"
            )
        )
        con.execute(
            sa.text(
                "INSERT INTO flag_event (flag_id, at, by_user, by_name, by_role, status, response) "
                "VALUES (1, :at, 'pat@acme.example', 'Pat at Acme', 'provider', 'open', ''), "
                "(1, :at, 'rhys@justice.example', 'Rhys', 'rpd', 'under_review', 'Looking.')"
            ),
            {"at": raised_at},
        )
    legacy.dispose()

    store = _opened(url)
    try:
        assert _recorded(store.engine) == (
            ["0001"],
            [("0001", "0001_initial_schema", "recognised")],
        )
        assert store.counts() == {"flags": 1, "events": 2}
        row = store.flags(PROVIDER, MINE, today=dt.date(2027, 1, 4)).iloc[0]
        assert (row.flag_id, row.contract_ref, row.month, row.provider_count) == (
            1,
            "PRJ_0001",
            dt.date(2026, 11, 1),
            4,
        )
        assert (row.status, row.latest_response, row.respond_by) == (
            "under_review",
            "Looking.",
            dt.date(2027, 1, 11),
        )
        assert str(row.raised_at) == "2026-12-23 10:30:00+00:00"
        refs = store.references(PROVIDER, 1, MINE)
        assert list(refs.itertuples(index=False, name=None)) == [
            ("AB0002AC", "both"),
            ("AB0001AC", "provider_only"),
        ]
        # It works on: the next flag is number 2, and nothing may be changed.
        assert (
            store.raise_flag(PROVIDER, new_flag(provider_count=5), ACME_FACTS, MINE, now=RAISED)
            == 2
        )
        store.review(RPD, 1, "resolved", "Added the fourth.", ["PRJ_0001"], now=RAISED)
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            store.engine.begin() as con,
        ):
            con.execute(sa.text("DELETE FROM flag_event"))
        assert store.counts() == {"flags": 2, "events": 4}
    finally:
        store.engine.dispose()


def _schema(engine: sa.Engine) -> dict:
    """Every flag table's columns, keys and indexes, as the database reports them."""
    inspector = sa.inspect(engine)
    found = {}
    for table in ("flag", "flag_reference", "flag_event"):
        found[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("autoincrement"))
                for c in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": [
                (f["constrained_columns"], f["referred_table"], f["referred_columns"])
                for f in inspector.get_foreign_keys(table)
            ],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)
            ),
        }
    return found


def test_the_migrations_make_the_tables_the_store_reads(url, tmp_path, request):
    """A change to the store's tables (dashboard/flags/store.py) without a migration fails here."""
    store = _opened(url)
    try:
        migrated = _schema(store.engine)
    finally:
        store.engine.dispose()
    if url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'create_all.sqlite'}"
    else:
        server = request.getfixturevalue("postgres_server")
        other = server.create_database()
    engine = sa.create_engine(other)
    try:
        metadata.create_all(engine)
        assert migrated == _schema(engine)
    finally:
        engine.dispose()
        if not url.startswith("sqlite"):
            server.drop_database(other)


def test_a_store_already_at_the_newest_migration_opens_without_alembic(tmp_path):
    """Alembic costs about a second to import: a process opening an up-to-date store (every open but
    the first after an upgrade) must not pay it. Measured in a fresh process."""
    url = f"sqlite:///{tmp_path / 'flags.sqlite'}"
    _opened(url).engine.dispose()
    code = (
        "import sys; from dashboard.flags.store import FlagStore; "
        f"FlagStore({url!r}); print('alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


def test_a_migration_that_fails_leaves_the_store_as_it_was(url, monkeypatch):
    """Every step runs in the transaction that holds the set-up lock: one failing after its DDL
    leaves no table behind (not even the version table), and the next open starts again cleanly."""
    applied = migrations.record

    def fails(con, step, done):
        applied(con, step, done)
        raise RuntimeError("the step failed")

    monkeypatch.setattr(migrations, "record", fails)
    with pytest.raises(RuntimeError, match="the step failed"):
        _opened(url)
    engine = sa.create_engine(url)
    try:
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    monkeypatch.undo()
    store = _opened(url)
    try:
        assert _recorded(store.engine) == (["0001"], [("0001", "0001_initial_schema", "applied")])
    finally:
        store.engine.dispose()

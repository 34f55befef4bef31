"""A published version stores every measure as a table whose rows are exactly what its view gives."""

from __future__ import annotations

import shutil

import duckdb

from tests import builders as b
from tests.conftest import make_settings
from warehouse.connection import Warehouse
from warehouse.measures import create_views, view_names


def rows(con, name: str) -> list[str]:
    return sorted(map(repr, con.execute(f"SELECT * FROM {name}").fetchall()))  # noqa: S608 -- our view names


def test_published_measures_are_tables_equal_to_their_views(demo_warehouse, tmp_path):
    version = Warehouse.from_settings(demo_warehouse.settings).current()
    copy = tmp_path / "copy.duckdb"
    shutil.copy(version.path, copy)
    con = duckdb.connect(str(copy))
    try:
        kinds = dict(
            con.execute(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE 'mart_%'"
            ).fetchall()
        )
        assert {name: kinds.get(name) for name in view_names()} == dict.fromkeys(
            view_names(), "BASE TABLE"
        )
        stored = {name: rows(con, name) for name in view_names()}
        create_views(con)  # back to views, computed afresh from the core tables
        assert con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'mart_%' AND table_type = 'VIEW'"
        ).fetchone()[0] == len(view_names())
        for name in view_names():
            assert rows(con, name) == stored[name], name
            assert stored[name] or name == "mart_forum_quarterly", (
                f"{name} is empty on the demo data"
            )
    finally:
        con.close()


def test_a_version_published_with_views_refreshes(small_warehouse, tmp_path):
    """A warehouse published before measures were materialised (its marts are views) takes the next
    refresh: DuckDB refuses DROP TABLE on a view, which once failed every refresh after an upgrade."""
    from ingest.pipeline import refresh

    data_dir = tmp_path / "data"
    shutil.copytree(small_warehouse.data_dir, data_dir)
    settings = make_settings(data_dir)
    store = Warehouse.from_settings(settings)
    before = store.current()
    con = duckdb.connect(str(before.path))
    try:
        create_views(con)  # as the older code left it
        assert con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'mart_%' AND table_type = 'VIEW'"
        ).fetchone()[0] == len(view_names())
    finally:
        con.close()
    more = tmp_path / "more-referrals.csv"
    b.write_csv(more, "referrals_performance_report", [b.referral(4)])
    report = refresh(settings, [more], trigger="test")
    assert report.outcome == "succeeded", report
    after = store.current()
    assert after.number == before.number + 1
    con = duckdb.connect(str(after.path), read_only=True)
    try:
        kinds = {
            name: kind
            for name, kind in con.execute(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE 'mart_%'"
            ).fetchall()
        }
        assert kinds == dict.fromkeys(view_names(), "BASE TABLE")
    finally:
        con.close()

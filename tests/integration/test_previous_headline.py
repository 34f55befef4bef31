"""The Overview's "since the last version" reads the previous version's rows stored in the current version
when it was published (warehouse.measures.keep_previous), never an older version's file."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.users import demo_user
from tests import builders as b
from tests.conftest import make_settings
from warehouse.connection import Warehouse

# All referrals of the builder arrive on 4 May 2026, the as-of day: the default 12 months start June 2025.
PARAMS = {"region": None, "pcc": None, "lot": None, "provider": None, "since": dt.date(2025, 6, 1)}


def rows(version, name: str):
    st.session_state[data.USER_KEY] = demo_user("demo-national")
    return data.query(version, name, **PARAMS)


def headline(version, name: str):
    return rows(version, name).iloc[0]


def test_previous_headline_is_stored_at_publish(tmp_path):
    """Version 1 holds 3 referrals of May 2026; version 2's file replaces that month with 2: version 2's
    stored previous headline says 3, even
    after version 1's file is deleted; version 1 has no previous version (its stored
    rows are empty, so the headline has no row)."""
    from ingest.pipeline import refresh

    settings = make_settings(tmp_path / "data")
    first = tmp_path / "first"
    b.write_csv(first / "contracts.csv", "contracts", [b.contract()])
    b.write_csv(
        first / "referrals.csv", "referrals_performance_report", [b.referral(n) for n in (1, 2, 3)]
    )
    refresh(settings, [first])
    warehouse = Warehouse.from_settings(settings)
    one = warehouse.current()
    assert headline(one, "overview_headline").received == 3
    assert rows(one, "overview_previous_headline").empty  # nothing before it: no change shown

    second = tmp_path / "second"
    b.write_csv(
        second / "referrals.csv", "referrals_performance_report", [b.referral(n) for n in (4, 5)]
    )
    refresh(settings, [second])
    two = warehouse.current()
    assert two.number > one.number
    assert warehouse.prune(1) == [one.number]  # the first version's file is gone
    assert not one.path.exists()
    assert headline(two, "overview_headline").received == 2
    before = headline(two, "overview_previous_headline")
    assert (before.contracts, before.received) == (1, 3)


def test_a_run_that_loads_nothing_keeps_the_previous_headline(tmp_path):
    """A refresh whose only file is rejected publishes a copy and retires the version it copied: the
    previous headline is still that of the version before, not a copy of itself."""
    from ingest.pipeline import refresh

    settings = make_settings(tmp_path / "data")
    first = tmp_path / "first"
    b.write_csv(first / "contracts.csv", "contracts", [b.contract()])
    b.write_csv(first / "referrals.csv", "referrals_performance_report", [b.referral(1)])
    refresh(settings, [first])
    second = tmp_path / "second"
    b.write_csv(
        second / "referrals.csv", "referrals_performance_report", [b.referral(n) for n in (2, 3)]
    )
    refresh(settings, [second])
    (tmp_path / "third").mkdir()
    (tmp_path / "third" / "unknown.csv").write_text("colour,shape\nred,square\n")
    report = refresh(settings, [tmp_path / "third"])
    assert report.files_loaded == 0
    now = Warehouse.from_settings(settings).current()
    assert headline(now, "overview_headline").received == 2  # the second file replaced May's one
    assert headline(now, "overview_previous_headline").received == 1


def test_previous_measures_with_other_columns_are_stored_empty(tmp_path):
    """Version 1's mart_contract is given a column this code's has not (as older code's might have):
    version 2 stores previous_mart_contract empty, with this code's columns, so the Overview's previous
    headline reads no row instead of failing; a version without the stored tables counts as built by
    older code (warehouse.measures.missing names them)."""
    import shutil

    import duckdb

    from ingest.pipeline import refresh
    from warehouse.measures import missing

    settings = make_settings(tmp_path / "data")
    first = tmp_path / "first"
    b.write_csv(first / "contracts.csv", "contracts", [b.contract()])
    b.write_csv(first / "referrals.csv", "referrals_performance_report", [b.referral(1)])
    refresh(settings, [first])
    warehouse = Warehouse.from_settings(settings)
    one = warehouse.current()
    with duckdb.connect(str(one.path)) as con:
        con.execute("ALTER TABLE mart_contract ADD COLUMN made_by_older_code INTEGER")
    second = tmp_path / "second"
    b.write_csv(second / "referrals.csv", "referrals_performance_report", [b.referral(2)])
    refresh(settings, [second])
    two = warehouse.current()
    with duckdb.connect(str(two.path), read_only=True) as con:
        columns = [r[0] for r in con.execute("DESCRIBE previous_mart_contract").fetchall()]
        assert columns == [r[0] for r in con.execute("DESCRIBE mart_contract").fetchall()]
        assert con.execute("SELECT count(*) FROM previous_mart_contract").fetchone() == (0,)
        assert missing(con) == []
    assert rows(two, "overview_previous_headline").iloc[0].contracts == 0
    older = tmp_path / "older.duckdb"  # a copy: the app's cached connection holds version 2 open
    shutil.copyfile(two.path, older)
    with duckdb.connect(str(older)) as con:
        con.execute("DROP TABLE previous_mart_contract")
        assert missing(con) == ["previous_mart_contract"]

"""A page that fails reading the warehouse: the upgrade notice only for a version published by older
code (a schema step or a measure of this code missing), any other failure a plain error, logged."""

from __future__ import annotations

import logging
import shutil

import duckdb
import pytest

from dashboard import data
from warehouse.connection import Warehouse

UPGRADE_NOTICE = (
    "This page needs data that the current warehouse version does not have yet: it was published "
    "by an older version of this service. It will appear after the next refresh (or run `rpd upgrade`)."
)
PAGE_FAILED = (
    "This page cannot be shown: reading its data failed. The error has been logged for the "
    "service administrator; if it happens again, please tell them."
)
FILTERS_FAILED = (
    "The filters cannot be shown: reading their choices failed. The error has been logged for the "
    "service administrator."
)


@pytest.fixture
def data_dir(small_warehouse, tmp_path):
    """A copy of the small warehouse of this test's own (cached query results are per version file)."""
    return shutil.copytree(small_warehouse.data_dir, tmp_path / "data")


def edit_current_version(data_dir, *statements: str) -> None:
    version = Warehouse(data_dir / "warehouse").current()
    assert version is not None
    con = duckdb.connect(str(version.path))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def test_a_version_published_before_a_schema_step_gets_the_upgrade_notice(data_dir, page):
    """The version lacks schema step 007 and a measure table the Overview reads: the notice."""
    edit_current_version(
        data_dir, "DELETE FROM meta_migration WHERE step = 7", "DROP TABLE mart_contract_attention"
    )
    at = page("overview", data_dir)
    assert not at.exception
    assert [e.value for e in at.error] == [UPGRADE_NOTICE]


def test_a_version_without_a_measure_of_this_code_gets_the_upgrade_notice(data_dir, page):
    """Every schema step recorded, but a measure added since (a view of warehouse/sql) is missing."""
    edit_current_version(data_dir, "DROP TABLE mart_contract_attention")
    at = page("overview", data_dir)
    assert not at.exception
    assert [e.value for e in at.error] == [UPGRADE_NOTICE]


def test_a_typo_in_a_query_is_an_error_not_an_upgrade_notice(data_dir, page, monkeypatch, caplog):
    """A current version and a query naming a table that never existed: a plain error, logged."""
    typo = data.QUERIES["overview_attention"].replace(
        "mart_contract_attention", "mart_contract_atention"
    )
    monkeypatch.setitem(data.QUERIES, "overview_attention", typo)
    with caplog.at_level(logging.ERROR, logger="dashboard.frame"):
        at = page("overview", data_dir)
    assert not at.exception
    assert [e.value for e in at.error] == [PAGE_FAILED]
    [record] = [r for r in caplog.records if r.name == "dashboard.frame"]
    assert record.getMessage() == (
        "page dashboard.pages.overview failed reading warehouse version 1"
    )
    assert "mart_contract_atention" in str(record.exc_info[1])  # the cause, for the administrator


def test_a_typo_in_a_filter_query_is_an_error_not_dropped_in_silence(
    data_dir, page, monkeypatch, caplog
):
    """The filters failing (before this they were dropped in silence) say so in the sidebar; the page,
    which names the filters' choices too, says it cannot be shown. No upgrade notice."""
    typo = data.QUERIES["filter_lots"].replace("DISTINCT lot", "DISTINCT lott")
    monkeypatch.setitem(data.QUERIES, "filter_lots", typo)
    with caplog.at_level(logging.ERROR, logger="dashboard.frame"):
        at = page("overview", data_dir)
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == [FILTERS_FAILED]
    assert [e.value for e in at.main.error] == [PAGE_FAILED]
    assert [r.getMessage() for r in caplog.records if r.name == "dashboard.frame"] == [
        "the filters failed reading warehouse version 1",
        "page dashboard.pages.overview failed reading warehouse version 1",
    ]


def test_an_older_version_without_the_previous_headline_shows_the_overview_without_it(
    data_dir, page
):
    """A version published before the previous version's measures were stored in it: the Overview
    shows its headline with no change since the last version, and no error (data.query_unless_older)."""
    edit_current_version(data_dir, "DROP TABLE previous_mart_contract")
    at = page("overview", data_dir)
    assert not at.exception and not at.error
    received = next(m for m in at.metric if m.label == "Referrals received")
    assert received.value and received.delta in (None, "")


def test_a_typo_in_the_previous_headline_is_an_error_not_left_out(
    data_dir, page, monkeypatch, caplog
):
    """The same query failing on a version of this code is a fault: a plain error, logged."""
    typo = data.QUERIES["overview_previous_headline"].replace(
        "previous_mart_contract", "previous_mart_contrct"
    )
    assert typo != data.QUERIES["overview_previous_headline"]
    monkeypatch.setitem(data.QUERIES, "overview_previous_headline", typo)
    with caplog.at_level(logging.ERROR, logger="dashboard.frame"):
        at = page("overview", data_dir)
    assert not at.exception
    assert [e.value for e in at.error] == [PAGE_FAILED]
    assert "previous_mart_contrct" in str(caplog.records[-1].exc_info[1])


def test_status_leaves_out_the_disagreements_an_older_version_lacks(data_dir, page):
    """Data status on a version published before supply chains were read from the register (no
    mart_organisation_role): the page is shown without its Warnings, and with no error."""
    edit_current_version(data_dir, "DROP TABLE mart_organisation_role")
    at = page("status", data_dir)
    assert not at.exception and not at.error
    assert "Warnings" not in [h.value for h in at.header]


def test_status_reports_a_typo_in_the_disagreements_query(data_dir, page, monkeypatch):
    """On a version of this code the same failure is a fault: the page says it cannot be shown."""
    typo = data.QUERIES["supply_chain_disagreements"].replace(
        "mart_organisation_role", "mart_organisation_rle"
    )
    monkeypatch.setitem(data.QUERIES, "supply_chain_disagreements", typo)
    at = page("status", data_dir)
    assert not at.exception
    assert [e.value for e in at.error] == [PAGE_FAILED]

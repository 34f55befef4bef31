"""Access is enforced where data is read: every named query, run as every demo user through
dashboard.data.query, returns only the rows that user may see (or is refused), whatever the page asks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit as st

from dashboard import data
from dashboard.queries import Guard
from dashboard.users import DEMO_USERS, demo_user
from tests.access_data import (
    CONTRACTS,
    ORGANISATIONS,
    QUERY_DEFAULTS,
    RUN_BY,
    VISIBLE,
    VISIBLE_REGIONS,
    words_of,
)
from warehouse.access import AccessRefused
from warehouse.connection import Warehouse

BASE = QUERY_DEFAULTS
GROUPS = ["region", "pcc", "lot", "provider", "contract"]


def runs(name: str, base: dict = BASE):
    """Every way a page can call a query: each contract (or none), each grouping, each allowed value."""
    sql = data.QUERIES[name]
    contracts = [None, *CONTRACTS] if "$contract" in sql else [None]
    groups = GROUPS if "$group" in sql else [None]
    for contract in contracts:
        for group in groups:
            yield base | {"contract": contract, "group": group}


def text_of(frame: pd.DataFrame) -> str:
    return "\n".join(str(v) for v in frame.astype(str).to_numpy().ravel())


def as_user(user_id: str):
    st.session_state[data.USER_KEY] = demo_user(user_id)


@pytest.fixture
def version(access_warehouse):
    return Warehouse.from_settings(access_warehouse.settings).current()


@pytest.fixture
def run_id(access_warehouse) -> str:
    """The warehouse's one refresh (its "What changed" summary is a query's parameter)."""
    con = Warehouse.from_settings(access_warehouse.settings).connect()
    try:
        return con.execute("SELECT run_id FROM meta_run_summary").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("user_id", [u.id for u in DEMO_USERS])
def test_every_query_returns_only_what_the_user_may_see(version, run_id, user_id):
    user = demo_user(user_id)
    as_user(user_id)
    hidden_contracts = set(CONTRACTS) - VISIBLE[user_id]
    hidden_orgs = [
        name
        for region, (_, name) in ORGANISATIONS.items()
        if region not in VISIBLE_REGIONS[user_id]
    ]
    seen = ""
    for name in data.QUERIES:
        needs = data.GUARDS[name].needs
        if data.GUARDS[name] is Guard.OPERATIONS:
            continue  # operations queries take page-specific arguments; their refusal is tested below
        for params in runs(name, BASE | {"run_id": run_id}):
            if needs is not None and not user.may(needs):
                with pytest.raises(AccessRefused):
                    data.query(version, name, **params)
                continue
            found = text_of(data.query(version, name, **params))
            seen += found
            for contract in hidden_contracts:
                for word in words_of(contract):
                    assert word not in found, f"{name} {params} shows {word!r} to {user_id}"
            for org in hidden_orgs:
                assert org not in found, f"{name} shows {org!r} to {user_id}"
    # Not over-restricted either: everything the user may see shows up somewhere.
    for contract in VISIBLE[user_id]:
        assert contract in seen, f"{user_id} never sees {contract}"
    for region in VISIBLE_REGIONS[user_id]:
        assert ORGANISATIONS[region][1] in seen, f"{user_id} never sees the {region} organisation"


@pytest.mark.parametrize("user_id", [u.id for u in DEMO_USERS])
def test_the_what_changed_summary_only_for_those_who_read_every_contract(version, run_id, user_id):
    """It gives figures of every contract: the national commissioner reads it; RPD teams and
    providers get nothing; administrators (no contract figures) are refused."""
    user = demo_user(user_id)
    as_user(user_id)
    if not user.may("contracts"):
        with pytest.raises(AccessRefused):
            data.query(version, "run_summary", run_id=run_id)
        return
    found = data.query(version, "run_summary", run_id=run_id).summary_md.tolist()
    if user.sees_everything:
        assert len(found) == 1 and found[0].startswith("# What changed: refresh of ")
    else:
        assert found == []


@pytest.mark.parametrize("user_id", [u.id for u in DEMO_USERS])
def test_operations_queries_only_for_roles_that_run_the_service(version, user_id):
    user = demo_user(user_id)
    as_user(user_id)
    if user.may("operations"):
        assert not data.query(version, "loaded_tables").empty
    else:
        with pytest.raises(AccessRefused):
            data.query(version, "loaded_tables")


# The operations queries that take arguments, with one a page passes (files of every outcome).
OPERATIONS_ARGUMENTS = {"recent_files": (["loaded", "rejected", "skipped"],)}


@pytest.mark.parametrize("user_id", [None, *(u.id for u in DEMO_USERS)])
def test_every_declared_query_runs_for_exactly_the_roles_of_its_declaration(
    version, run_id, user_id
):
    """Each named query, whatever its declaration, runs for the roles RUN_BY gives its kind and is
    refused to every other role and to nobody signed in (who may run only the public ones)."""
    if user_id is None:
        st.session_state.pop(data.USER_KEY, None)
    else:
        as_user(user_id)
    role = demo_user(user_id).role if user_id else None
    assert {guard.value for guard in Guard} == set(RUN_BY)  # the table covers every declaration
    for name, guard in data.GUARDS.items():
        if guard is Guard.OPERATIONS:
            args, params = OPERATIONS_ARGUMENTS.get(name, ()), {}
        else:
            args, params = (), next(runs(name, BASE | {"run_id": run_id}))
        if guard is Guard.PUBLIC or role in RUN_BY[guard.value]:
            assert isinstance(data.query(version, name, *args, **params), pd.DataFrame), name
        else:
            with pytest.raises(AccessRefused, match="may not see this information"):
                data.query(version, name, *args, **params)


def test_a_page_cannot_widen_the_users_contracts(version):
    """Passing allowed=None (everything) from a page is overwritten by the user's own restriction."""
    as_user("demo-provider-nottingham-womens-centre")
    shown = data.query(version, "flag_contracts", allowed=None)
    assert list(shown.contract_ref) == ["EM_WOMEN"]
    assert data.query(
        version,
        "flag_month_references",
        contract="NW_WOMEN",
        month=dt.date(2026, 5, 1),
        allowed=None,
    ).empty


def test_nobody_signed_in_sees_nothing(version):
    st.session_state.pop(data.USER_KEY, None)
    with pytest.raises(AccessRefused):
        data.query(version, "flag_contracts")
    assert not data.query(version, "data_as_of").empty  # the as-of date is public


def test_the_provider_sees_contracts_it_subcontracts_on(version):
    as_user("demo-provider-lancashire-women")
    assert data.allowed_contracts(version, demo_user("demo-provider-lancashire-women")) == [
        "NW_ACC",
        "NW_WOMEN",
    ]
    refs = data.query(
        version, "flag_month_references", contract="NW_ACC", month=dt.date(2026, 5, 1)
    ).referral_ref
    assert list(refs) == ["AC0001AC", "AC0002AC"]

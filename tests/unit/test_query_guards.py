"""Each named query declares how it is guarded, and a query whose SQL disagrees with its declaration
is refused when the queries are registered, before any page can run it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.queries import (
    Guard,
    by_contract,
    by_region,
    merged,
    operations,
    public,
    registered,
)


def module(**queries):
    return SimpleNamespace(__name__="dashboard.queries.example", QUERIES=queries)


def test_every_registered_query_declares_a_guard_its_sql_agrees_with():
    """The app's own queries all register; each kind of declaration is in use."""
    found = registered()
    assert {query.guard for query in found.values()} == set(Guard)
    assert found["data_as_of"].guard is Guard.PUBLIC
    assert found["loaded_tables"].guard is Guard.OPERATIONS
    assert found["run_summary"].guard is Guard.BY_CONTRACT
    assert found["engagement_forums"].guard is Guard.BY_REGION


def test_a_by_contract_query_without_allowed_is_refused():
    with pytest.raises(ValueError, match=r"^query mine is declared BY_CONTRACT") as refused:
        merged([module(mine=by_contract("SELECT contract_ref FROM mart_contract"))])
    assert str(refused.value) == (
        "query mine is declared BY_CONTRACT but its SQL does not take $allowed, "
        "so the user's limit would not be applied"
    )


def test_a_by_region_query_without_regions_is_refused():
    with pytest.raises(
        ValueError, match=r"^query orgs is declared BY_REGION but its SQL does not take \$regions,"
    ):
        merged([module(orgs=by_region("SELECT name FROM core_organisation"))])


@pytest.mark.parametrize("declare", [public, operations], ids=["public", "operations"])
def test_a_national_query_that_takes_a_users_limit_is_refused(declare):
    """A query declared national but written with $allowed would be run with the parameter unbound."""
    sql = "SELECT contract_ref FROM mart_contract WHERE list_contains($allowed, contract_ref)"
    with pytest.raises(ValueError, match=r"^query mine is declared") as refused:
        merged([module(mine=declare(sql))])
    assert str(refused.value) == (
        f"query mine is declared {declare(sql).guard.name} but its SQL takes $allowed: "
        "declare the guard that parameter belongs to"
    )


def test_a_by_contract_query_that_also_takes_regions_is_refused():
    sql = "SELECT 1 WHERE list_contains($allowed, a) AND list_contains($regions, b)"
    with pytest.raises(ValueError, match=r"takes \$regions: declare the guard"):
        merged([module(both=by_contract(sql))])


def test_a_parameter_named_like_a_limit_is_not_taken_for_it():
    """$allowed_regions is not $allowed: the parameter is read as a whole name, not a substring."""
    with pytest.raises(ValueError, match="does not take \\$allowed"):
        merged([module(mine=by_contract("SELECT 1 WHERE $allowed_regions IS NULL"))])


def test_a_query_without_a_declaration_is_refused():
    with pytest.raises(TypeError) as refused:
        merged([module(bare="SELECT 1")])
    assert str(refused.value) == (
        "query bare in dashboard.queries.example declares no guard: write it as "
        "public(sql), operations(sql), by_contract(sql) or by_region(sql)"
    )


def test_a_name_defined_twice_is_refused():
    with pytest.raises(ValueError, match=r"^query as_of is defined twice$"):
        merged([module(as_of=public("SELECT 1")), module(as_of=public("SELECT 2"))])

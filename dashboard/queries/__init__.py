"""Named read-only SQL, one module per page. Values are bound as parameters, never formatted in.

Each query declares how it is guarded (`by_contract(sql)` and the like, see Guard), and `registered()`
refuses one whose SQL disagrees with its declaration. Every query that honours the shared filters
takes the scope parameters first, in the order of `dashboard.scope.Scope.params()`, and filters
contracts with SCOPE_FILTER on the alias `c` (mart_contract).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from types import ModuleType

# The shared filters, applied to mart_contract aliased `c`: region, PCC area, lot, lead provider.
SCOPE_FILTER = """
    (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region)
    AND (CAST($pcc AS VARCHAR) IS NULL OR list_contains(c.pcc_area_codes, $pcc))
    AND (CAST($lot AS VARCHAR) IS NULL OR c.lot = $lot)
    AND (CAST($provider AS VARCHAR) IS NULL OR c.lead_provider_code = $provider)
    AND (CAST($allowed AS VARCHAR[]) IS NULL OR list_contains(CAST($allowed AS VARCHAR[]), c.contract_ref))
"""

# The user's own restriction, bound by dashboard.data.query from their role (never from the page):
# $allowed, the contracts they may read (NULL: every contract); $regions, the regions whose
# organisations and forums they may read (NULL: every region).
ALLOWED = (
    "(CAST($allowed AS VARCHAR[]) IS NULL OR list_contains(CAST($allowed AS VARCHAR[]), {col}))"
)
REGIONS = (
    "(CAST($regions AS VARCHAR[]) IS NULL OR list_contains(CAST($regions AS VARCHAR[]), {col}))"
)
# The region chosen in the filters, within the regions the user may read: for organisation and forum rows.
IN_REGION = "(CAST($region AS VARCHAR) IS NULL OR {col} = $region) AND " + REGIONS


def case_label(column: str, labels: dict[str, str]) -> str:
    """SQL turning a code column into its label (codes and labels are constants of this package)."""
    whens = " ".join(
        f"WHEN '{k}' THEN '{v.replace(chr(39), chr(39) * 2)}'" for k, v in labels.items()
    )
    return f"CASE {column} {whens} END"


def case_order(column: str, labels: dict[str, str]) -> str:
    """SQL giving a code column's place in the order of `labels`, for ORDER BY."""
    return (
        f"CASE {column} " + " ".join(f"WHEN '{k}' THEN {n}" for n, k in enumerate(labels)) + " END"
    )


# An organisation's income band (core_organisation aliased `o`) in words.
INCOME_BAND = """CASE o.income_band WHEN 'under_10k' THEN 'Under £10k' WHEN '10k_100k' THEN '£10k to £100k'
    WHEN '100k_500k' THEN '£100k to £500k' WHEN '500k_1m' THEN '£500k to £1m' WHEN '1m_10m' THEN '£1m to £10m'
    WHEN 'over_10m' THEN 'Over £10m' ELSE o.income_band END"""

# Kinds of organisation (segments of the engagement and supply-chain marts) that both the Engagement
# coverage and the Supply chains pages show, in the order shown.
ORGANISATION_KINDS = {
    "small": "Small (income under £100k)",
    "women": "Women's specialist",
    "racially_minoritised_led": "Led by and for racially minoritised people",
    "welsh": "Welsh organisations (Wales only)",
}


class Guard(Enum):
    """How a named query is guarded, declared with its SQL: who may run it, and which of the user's
    limits dashboard.data.query binds into it. PUBLIC and OPERATIONS queries are national (their rows
    are not limited by the user); BY_CONTRACT and BY_REGION ones are limited to what the user may read."""

    PUBLIC = "public"  # no contract or organisation rows (the data's as-of day): anyone, even before sign-in
    OPERATIONS = "operations"  # files, checks and runs, of every region: roles that run the service
    BY_CONTRACT = "contracts"  # contract figures: only the user's contracts ($allowed)
    BY_REGION = "regions"  # organisations and forums: only the user's regions ($regions)

    @property
    def needs(self) -> str | None:
        """The permission (warehouse.access.PERMISSIONS) a user needs to run such a query."""
        return _NEEDS[self]

    @property
    def parameter(self) -> str | None:
        """The parameter through which the user's limit is bound, which the SQL must take."""
        return _PARAMETER.get(self)


_NEEDS = {
    Guard.PUBLIC: None,
    Guard.OPERATIONS: "operations",
    Guard.BY_CONTRACT: "contracts",
    Guard.BY_REGION: "engagement",
}
_PARAMETER = {Guard.BY_CONTRACT: "allowed", Guard.BY_REGION: "regions"}
_NAMED_PARAMETER = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class Query:
    """A named query's guard and its SQL."""

    guard: Guard
    sql: str


# How each page module declares a query: QUERIES = {"name": by_contract("SELECT ...")}.
def public(sql: str) -> Query:
    return Query(Guard.PUBLIC, sql)


def operations(sql: str) -> Query:
    return Query(Guard.OPERATIONS, sql)


def by_contract(sql: str) -> Query:
    return Query(Guard.BY_CONTRACT, sql)


def by_region(sql: str) -> Query:
    return Query(Guard.BY_REGION, sql)


def refusal(name: str, query: Query) -> str | None:
    """Why a query's SQL disagrees with its declared guard (None if it agrees): a query limited by
    the user must take that limit's parameter, and no query may take another guard's parameter
    (dashboard.data.query would leave it unbound, or bind a limit the declaration does not say)."""
    taken = set(_NAMED_PARAMETER.findall(query.sql))
    wanted = query.guard.parameter
    if wanted is not None and wanted not in taken:
        return (
            f"query {name} is declared {query.guard.name} but its SQL does not take ${wanted}, "
            "so the user's limit would not be applied"
        )
    stray = sorted(p for p in _PARAMETER.values() if p != wanted and p in taken)
    if stray:
        return (
            f"query {name} is declared {query.guard.name} but its SQL takes "
            f"{' and '.join('$' + p for p in stray)}: declare the guard that parameter belongs to"
        )
    return None


def merged(modules: Iterable[ModuleType]) -> dict[str, Query]:
    """The QUERIES of the modules, merged; a name defined twice, a value that is not a Query, or a
    query whose SQL disagrees with its declared guard is refused."""
    found: dict[str, Query] = {}
    for module in modules:
        for name, query in getattr(module, "QUERIES", {}).items():
            if name in found:
                raise ValueError(f"query {name} is defined twice")
            if not isinstance(query, Query):
                raise TypeError(
                    f"query {name} in {module.__name__} declares no guard: write it as "
                    "public(sql), operations(sql), by_contract(sql) or by_region(sql)"
                )
            problem = refusal(name, query)
            if problem is not None:
                raise ValueError(problem)
            found[name] = query
    return found


def registered() -> dict[str, Query]:
    """Every page module's named queries, each checked against its declared guard."""
    return merged(
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    )


def all_queries() -> dict[str, str]:
    """Every named query's SQL, by name (for callers that only run them: the measure tests, bench)."""
    return {name: query.sql for name, query in registered().items()}

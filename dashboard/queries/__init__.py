"""Named read-only SQL, one module per page. Values are bound as parameters, never formatted in.

Every query that honours the shared filters takes the scope parameters first, in the order of
`dashboard.scope.Scope.params()`, and filters contracts with SCOPE_FILTER on the alias `c` (mart_contract).
"""

from __future__ import annotations

import importlib
import pkgutil

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

# Queries that return no contract or organisation rows, by what they need. Every other query must
# use $allowed (contract figures) or $regions (organisations and forums): all_queries() checks.
PUBLIC = {"data_as_of"}
OPERATIONS = {
    "loaded_tables",
    "recent_files",
    "failed_checks",
    "last_run",
    "run_history",
    "source_freshness",
    "supply_chain_disagreements",
}
# The permission (warehouse.access.PERMISSIONS) each kind of query needs.
NEEDS = {
    "public": None,
    "operations": "operations",
    "contracts": "contracts",
    "regions": "engagement",
}


def kind(name: str, sql: str) -> str:
    """Which rule guards a query: public, operations, contracts ($allowed) or regions ($regions)."""
    if "$allowed" in sql:
        return "contracts"
    if "$regions" in sql:
        return "regions"
    if name in PUBLIC:
        return "public"
    if name in OPERATIONS:
        return "operations"
    raise ValueError(
        f"query {name} reads data but is guarded by neither $allowed nor $regions, "
        "and is not listed as PUBLIC or OPERATIONS"
    )


def all_queries() -> dict[str, str]:
    """Every page module's QUERIES, merged; a name defined twice is an error."""
    merged: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, sql in getattr(module, "QUERIES", {}).items():
            if name in merged:
                raise ValueError(f"query {name} is defined twice")
            kind(name, sql)  # every query declares how it is guarded
            merged[name] = sql
    return merged

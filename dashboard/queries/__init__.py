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
"""


def all_queries() -> dict[str, str]:
    """Every page module's QUERIES, merged; a name defined twice is an error."""
    merged: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, sql in getattr(module, "QUERIES", {}).items():
            if name in merged:
                raise ValueError(f"query {name} is defined twice")
            merged[name] = sql
    return merged

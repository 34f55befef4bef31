"""Queries every page uses: the filter options and the data's as-of day."""

from __future__ import annotations

# ruff: noqa: S608 -- only the constant access fragment is formatted in; values are bound parameters.
from dashboard.queries import ALLOWED, by_contract, public

# The filter options are those of the contracts the user may read.
_MINE = f"(SELECT * FROM mart_contract c WHERE {ALLOWED.format(col='c.contract_ref')})"

QUERIES = {
    "data_as_of": public("SELECT as_of_date, provisional_month FROM mart_data_as_of"),
    "filter_regions": by_contract(f"""
        SELECT region_code, region_name FROM ref_region
        WHERE region_code IN (SELECT region_code FROM {_MINE})
        ORDER BY region_name
    """),
    "filter_pcc_areas": by_contract(f"""
        SELECT pcc_area_code, pcc_area_name, region_code FROM ref_pcc_area
        WHERE region_code IN (SELECT region_code FROM {_MINE})
        ORDER BY pcc_area_name
    """),
    "filter_lots": by_contract(
        f"SELECT DISTINCT lot FROM {_MINE} WHERE lot IS NOT NULL ORDER BY lot"
    ),
    "filter_providers": by_contract(f"""
        SELECT DISTINCT lead_provider_code, lead_provider_name, region_code FROM {_MINE}
        ORDER BY lead_provider_name
    """),
}

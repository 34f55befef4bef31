"""Queries every page uses: the filter options and the data's as-of day."""

from __future__ import annotations

QUERIES = {
    "data_as_of": "SELECT as_of_date, provisional_month FROM mart_data_as_of",
    "filter_regions": "SELECT region_code, region_name FROM ref_region ORDER BY region_name",
    "filter_pcc_areas": "SELECT pcc_area_code, pcc_area_name, region_code FROM ref_pcc_area ORDER BY pcc_area_name",
    "filter_lots": "SELECT DISTINCT lot FROM mart_contract WHERE lot IS NOT NULL ORDER BY lot",
    "filter_providers": """
        SELECT DISTINCT lead_provider_code, lead_provider_name, region_code FROM mart_contract
        ORDER BY lead_provider_name
    """,
}

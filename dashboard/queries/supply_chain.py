"""Queries of the Supply chains page: who leads and who subcontracts in each region's supply chains, and the
contracts ending soon with the organisations to reach first. Organisations belong to regions ($regions); the
contracts ending soon are contract rows ($allowed). Only the region filter applies."""

# ruff: noqa: S608 -- only constant SQL fragments of this package (filters, labels) are formatted in;
# every value is a bound parameter.

from __future__ import annotations

from dashboard.queries import (
    ALLOWED,
    IN_REGION,
    INCOME_BAND,
    ORGANISATION_KINDS,
    by_contract,
    by_region,
    case_label,
    case_order,
)

_REGION = IN_REGION

# Kinds of organisation of mart_supply_chain_diversity, in the order shown.
SEGMENTS = {
    "all": "All organisations",
    "under_10k": "Income under £10k",
    "10k_100k": "Income £10k to £100k",
    "100k_1m": "Income £100k to £1m",
    "over_1m": "Income over £1m",
    **ORGANISATION_KINDS,
}
_LABEL = case_label("d.segment", SEGMENTS)
_ORDER = case_order("d.segment", SEGMENTS)

QUERIES = {
    "supply_chain_diversity": by_region(f"""
        SELECT d.region_code, r.region_name, d.segment, {_LABEL} AS segment_name, d.known, d.leads,
               d.subcontractors, d.supply_chain, d.known_pct, d.supply_chain_pct, d.lead_pct,
               d.providers_not_in_register
        FROM mart_supply_chain_diversity d JOIN ref_region r USING (region_code)
        WHERE {_REGION.format(col="d.region_code")}
        ORDER BY r.region_name, {_ORDER}
    """),
    # Organisations whose own in_supply_chain answer differs from the contract register's.
    "supply_chain_contradictions": by_region(f"""
        SELECT o.org_name, o.org_id,
               CASE WHEN o.stated_in_supply_chain THEN 'yes' ELSE 'no' END AS stated,
               o.derived_role, o.contracts_led, o.contracts_subcontracted
        FROM mart_organisation_role o
        WHERE o.contradicts AND EXISTS (
            SELECT 1 FROM unnest(o.regions_served) AS s(region_code)
            WHERE {_REGION.format(col="s.region_code")})
        ORDER BY o.org_name, o.org_id
    """),
    "recommissioning_contracts": by_contract(f"""
        SELECT c.contract_ref, m.contract_label, c.region_code, c.lot, c.lead_provider_name, c.end_date,
               c.months_left, array_to_string(c.service_categories, '; ') AS service_categories,
               (SELECT count(*) FROM mart_recommissioning_outreach o WHERE o.contract_ref = c.contract_ref)
                   AS organisations_to_reach
        FROM mart_recommissioning c JOIN mart_contract m USING (contract_ref)
        WHERE (CAST($region AS VARCHAR) IS NULL OR c.region_code = $region)
          AND {ALLOWED.format(col="c.contract_ref")}
        ORDER BY c.end_date, c.contract_ref
    """),
    "recommissioning_outreach": by_region(f"""
        SELECT o.contract_ref, c.contract_label, o.org_name, o.org_id, {INCOME_BAND} AS income_band,
               coalesce(replace(array_to_string(o.specialisms, ', '), '_', ' '), '') AS specialisms,
               CASE WHEN o.on_dynamic_framework THEN 'yes' ELSE 'no' END AS on_dynamic_framework,
               array_to_string(o.shared_categories, '; ') AS works_in
        FROM mart_recommissioning_outreach o JOIN mart_contract c USING (contract_ref)
        WHERE {_REGION.format(col="o.region_code")}
        ORDER BY o.contract_ref, o.org_name, o.org_id
    """),
}

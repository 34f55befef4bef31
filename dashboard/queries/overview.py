"""Queries of the Overview page. Scope parameters first (SCOPE_FILTER on mart_contract c), then $since."""

from __future__ import annotations

# S608: the f-strings below join constant SQL fragments of this package; no value is ever formatted in.
# ruff: noqa: S608
from dashboard.queries import SCOPE_FILTER, by_contract
from dashboard.queries.subsidy import SUBSIDY_HEADLINE
from warehouse.measures import on_previous

# Contracts in scope: those matching the filters that were open at some time in the period.
IN_SCOPE = f"""
    SELECT c.* FROM mart_contract c, mart_data_as_of a
    WHERE {SCOPE_FILTER}
      AND c.start_date <= a.as_of_date AND (c.end_date IS NULL OR c.end_date >= CAST($since AS DATE))
"""

QUERIES = {
    # One row: the headline figures for the scope and period. contracts_below counts the attention list's
    # is_well_below (the threshold is mart_thresholds.well_below_pct). The subsidy figures are the Subsidy page's own
    # headline (SUBSIDY_HEADLINE): the same stored measure and the same quarter, whatever the period.
    "overview_headline": by_contract(f"""
        WITH c AS ({IN_SCOPE}),
        v AS (
            SELECT sum(g.received) AS received, sum(g.forecast) AS forecast
            FROM mart_volume_gap g JOIN c USING (contract_ref)
            WHERE g.month >= CAST($since AS DATE)
        ),
        att AS (
            SELECT count(*) FILTER (WHERE t.is_well_below) AS contracts_below
            FROM mart_contract_attention t JOIN c USING (contract_ref)
        ),
        sub AS ({SUBSIDY_HEADLINE})
        SELECT (SELECT count(*) FROM c) AS contracts,
               coalesce(v.received, 0) AS received, coalesce(v.forecast, 0) AS forecast,
               CASE WHEN v.forecast > 0 THEN 100.0 * (v.received - v.forecast) / v.forecast END AS gap_pct,
               att.contracts_below,
               sub.quarter AS subsidy_quarter, sub.contracts_subsidised, sub.shortfall_gbp,
               p.quarter, p.last3_start, p.last_complete_month, p.provisional_month, t.well_below_pct
        FROM v, att, sub, mart_reporting_periods p, mart_thresholds t
    """),
    # All 12 regions, with received vs forecast over the period for the contracts in scope there.
    "overview_regions": by_contract(f"""
        WITH c AS ({IN_SCOPE}),
        g AS (
            SELECT c.region_code, count(DISTINCT c.contract_ref) AS contracts,
                   sum(g.received) AS received, sum(g.forecast) AS forecast,
                   bool_or(g.is_provisional) AS has_provisional
            FROM c JOIN mart_volume_gap g USING (contract_ref)
            WHERE g.month >= CAST($since AS DATE)
            GROUP BY c.region_code
        )
        SELECT r.region_code, r.region_name, coalesce(g.contracts, 0) AS contracts,
               coalesce(g.received, 0) AS received, g.forecast,
               CASE WHEN g.forecast > 0 THEN 100.0 * (g.received - g.forecast) / g.forecast END AS gap_pct,
               coalesce(g.has_provisional, false) AS has_provisional
        FROM ref_region r LEFT JOIN g USING (region_code)
        ORDER BY r.region_code
    """),
    # Every contract in scope with at least one reason, highest score first.
    "overview_attention": by_contract(f"""
        WITH c AS ({IN_SCOPE})
        SELECT t.contract_ref, c.intervention_title, c.contract_label, c.region_name, c.lot, c.lead_provider_name,
               t.score, t.reasons, t.volume_points, t.subsidy_points, t.cap_points
        FROM mart_contract_attention t JOIN c USING (contract_ref)
        WHERE t.score > 0
        ORDER BY t.score DESC, t.contract_ref
    """),
}

# The same headline over the previous version's rows, stored in this version when it was published
# (warehouse.measures.keep_previous): "since the last version" never opens an older version's file.
QUERIES["overview_previous_headline"] = by_contract(on_previous(QUERIES["overview_headline"].sql))

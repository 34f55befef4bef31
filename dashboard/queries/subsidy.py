"""Queries of the Subsidy signals page. Each takes the scope parameters ($region, $pcc, $lot, $provider)."""

# ruff: noqa: S608 -- only constant SQL fragments of this package (filters, labels) are formatted in;
# every value is a bound parameter.

from __future__ import annotations

from dashboard.queries import SCOPE_FILTER

# Per quarter in the period: returns due and in, and the totals of the returns in. Only the latest
# quarter that has ended can be provisional: when a contract in scope owes a return for it and has
# not sent one. Quarters come from the returns due, so a quarter with none in still shows.
_QUARTERS = f"""
    WITH scoped AS (SELECT c.contract_ref FROM mart_contract c WHERE {SCOPE_FILTER}),
    due AS (
        SELECT s.quarter, s.quarter_start, count(*) AS returns_due,
               count(*) FILTER (WHERE s.has_return) AS returns_in, bool_or(s.is_latest_quarter) AS is_latest
        FROM mart_financial_return_status s JOIN scoped USING (contract_ref)
        GROUP BY ALL
    ), money AS (
        SELECT q.quarter, sum(q.shortfall_gbp) AS shortfall_gbp, sum(q.other_funding_gbp) AS other_funding_gbp,
               count(*) FILTER (WHERE q.is_subsidy_signal) AS contracts_with_signal
        FROM mart_subsidy_quarterly q JOIN scoped USING (contract_ref)
        GROUP BY ALL
    )
    SELECT d.quarter, d.quarter_start, d.returns_due, d.returns_in,
           coalesce(m.contracts_with_signal, 0) AS contracts_with_signal,
           coalesce(m.shortfall_gbp, 0)::DOUBLE AS shortfall_gbp,
           coalesce(m.other_funding_gbp, 0)::DOUBLE AS other_funding_gbp,
           d.is_latest AND d.returns_in < d.returns_due AS is_provisional
    FROM due d LEFT JOIN money m USING (quarter)
"""

QUERIES = {
    "subsidy_quarters": f"""
        SELECT * FROM ({_QUARTERS})
        WHERE quarter_start >= date_trunc('quarter', CAST($since AS DATE))
        ORDER BY quarter_start
    """,
    # The latest quarter whose returns are all in (for the scope), whatever the period chosen.
    "subsidy_latest_complete_quarter": f"""
        SELECT quarter, quarter_start FROM ({_QUARTERS})
        WHERE NOT is_provisional ORDER BY quarter_start DESC LIMIT 1
    """,
    # Contracts returning the given quarter and those with a signal, by lot and by lead provider sector.
    "subsidy_split": f"""
        WITH q AS (
            SELECT c.lot, c.lead_provider_sector, s.is_subsidy_signal, s.shortfall_gbp, s.other_funding_gbp
            FROM mart_subsidy_quarterly s JOIN mart_contract c USING (contract_ref)
            WHERE s.quarter = $quarter AND {SCOPE_FILTER}
        )
        SELECT 'Lot' AS split, coalesce(lot, 'Unknown lot') AS "group", count(*) AS contracts_returned,
               count(*) FILTER (WHERE is_subsidy_signal) AS contracts_with_signal,
               sum(shortfall_gbp)::DOUBLE AS shortfall_gbp, sum(other_funding_gbp)::DOUBLE AS other_funding_gbp
        FROM q GROUP BY ALL
        UNION ALL
        SELECT 'Provider sector', lead_provider_sector, count(*), count(*) FILTER (WHERE is_subsidy_signal),
               sum(shortfall_gbp)::DOUBLE, sum(other_funding_gbp)::DOUBLE
        FROM q GROUP BY ALL
        ORDER BY split, "group"
    """,
    "subsidy_contract_quarters": f"""
        SELECT s.contract_ref, c.intervention_title, c.lead_provider_name, c.lot, s.quarter, s.quarter_start,
               s.contract_income_gbp::DOUBLE AS contract_income_gbp,
               s.full_delivery_cost_gbp::DOUBLE AS full_delivery_cost_gbp,
               s.shortfall_gbp::DOUBLE AS shortfall_gbp, s.shortfall_pct_of_value,
               s.other_funding_gbp::DOUBLE AS other_funding_gbp, s.other_funding_source, s.is_subsidy_signal,
               st.is_latest_quarter AS is_latest_quarter
        FROM mart_subsidy_quarterly s
        JOIN mart_contract c USING (contract_ref)
        JOIN mart_financial_return_status st USING (contract_ref, quarter_start)
        WHERE s.quarter_start >= date_trunc('quarter', CAST($since AS DATE)) AND {SCOPE_FILTER}
        ORDER BY s.quarter_start DESC, s.shortfall_gbp DESC, s.contract_ref
    """,
    # Contract years that overlap the period with referrals above the volume cap.
    "subsidy_unfunded_demand": f"""
        SELECT b.contract_ref, c.lead_provider_name, c.lot, b.contract_year, b.year_start, b.year_end,
               b.referrals_received, b.volume_cap, b.referrals_above_cap, b.is_provisional
        FROM mart_band_position b JOIN mart_contract c USING (contract_ref)
        WHERE b.referrals_above_cap > 0 AND b.year_end >= CAST($since AS DATE) AND {SCOPE_FILTER}
        ORDER BY b.referrals_above_cap DESC, b.contract_ref, b.contract_year
    """,
    "subsidy_risk": f"""
        SELECT r.contract_ref, c.lead_provider_name, c.lot, c.lead_provider_sector, r.risk_score, r.reasons,
               r.shortfall_quarters, r.recent_returns, r.latest_return_quarter,
               r.latest_shortfall_gbp::DOUBLE AS latest_shortfall_gbp, r.latest_shortfall_pct,
               r.other_funding_gbp::DOUBLE AS other_funding_gbp, r.referrals_above_cap
        FROM mart_subsidy_risk r JOIN mart_contract c USING (contract_ref)
        WHERE r.risk_score > 0 AND {SCOPE_FILTER}
        ORDER BY r.risk_score DESC, r.latest_shortfall_gbp DESC, r.contract_ref
    """,
}

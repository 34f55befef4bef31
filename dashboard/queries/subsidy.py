"""Queries of the Subsidy signals page. Each takes the scope parameters ($region, $pcc, $lot, $provider).

The three financial states (under-funded, subsidised, gap not covered) come from mart_subsidy_quarterly, one
row per contract and quarter across its supply chain; SUBSIDY_HEADLINE is the one headline the Subsidy and
Overview pages both show."""

# ruff: noqa: S608 -- only constant SQL fragments of this package (filters, labels) are formatted in;
# every value is a bound parameter.

from __future__ import annotations

from dashboard.queries import SCOPE_FILTER, by_contract

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
               sum(q.uncovered_gbp) AS uncovered_gbp,
               count(*) FILTER (WHERE q.is_under_funded) AS contracts_under_funded,
               count(*) FILTER (WHERE q.is_subsidised) AS contracts_subsidised,
               count(*) FILTER (WHERE q.is_gap_not_covered) AS contracts_gap_not_covered
        FROM mart_subsidy_quarterly q JOIN scoped USING (contract_ref)
        GROUP BY ALL
    )
    SELECT d.quarter, d.quarter_start, d.returns_due, d.returns_in,
           coalesce(m.contracts_subsidised, 0) AS contracts_subsidised,
           coalesce(m.shortfall_gbp, 0)::DOUBLE AS shortfall_gbp,
           coalesce(m.other_funding_gbp, 0)::DOUBLE AS other_funding_gbp,
           coalesce(m.uncovered_gbp, 0)::DOUBLE AS uncovered_gbp,
           coalesce(m.contracts_under_funded, 0) AS contracts_under_funded,
           coalesce(m.contracts_gap_not_covered, 0) AS contracts_gap_not_covered,
           d.is_latest AND d.returns_in < d.returns_due AS is_provisional
    FROM due d LEFT JOIN money m USING (quarter)
"""

# The latest quarter whose returns are all in (for the scope), whatever the period chosen.
_LATEST_COMPLETE = f"""
    SELECT quarter, quarter_start FROM ({_QUARTERS})
    WHERE NOT is_provisional ORDER BY quarter_start DESC LIMIT 1
"""

# The subsidy headline, computed once and shown by the Subsidy and Overview pages alike: in the latest quarter
# whose returns are all in for the scope, how many contracts returned and how many were in each state, with
# their pounds. One row; quarter is NULL when no quarter is complete.
SUBSIDY_HEADLINE = f"""
    WITH latest AS ({_LATEST_COMPLETE}),
    s AS (
        SELECT s.*, c.lot FROM mart_subsidy_quarterly s JOIN mart_contract c USING (contract_ref)
        JOIN latest USING (quarter)
        WHERE {SCOPE_FILTER}
    )
    SELECT (SELECT quarter FROM latest) AS quarter,
           count(*) AS contracts_returned,
           count(*) FILTER (WHERE is_under_funded) AS contracts_under_funded,
           count(*) FILTER (WHERE is_subsidised) AS contracts_subsidised,
           count(*) FILTER (WHERE is_gap_not_covered) AS contracts_gap_not_covered,
           coalesce(sum(shortfall_gbp), 0)::DOUBLE AS shortfall_gbp,
           coalesce(sum(other_funding_gbp), 0)::DOUBLE AS other_funding_gbp,
           coalesce(sum(uncovered_gbp), 0)::DOUBLE AS uncovered_gbp,
           count(*) FILTER (WHERE lot = 'Women''s Services') AS women_returned,
           count(*) FILTER (WHERE lot = 'Women''s Services' AND is_subsidised) AS women_subsidised
    FROM s
"""

# The five combinations of the states (mart_subsidy_quarterly.money_state), in the order the page lists them.
STATE_ORDER = """
    CASE money_state WHEN 'under-funded, nothing covered' THEN 1 WHEN 'under-funded, partly covered' THEN 2
         WHEN 'under-funded, covered by other funding' THEN 3 WHEN 'subsidised, not under-funded' THEN 4 ELSE 5 END
"""

QUERIES = {
    "subsidy_quarters": by_contract(f"""
        SELECT * FROM ({_QUARTERS})
        WHERE quarter_start >= date_trunc('quarter', CAST($since AS DATE))
        ORDER BY quarter_start
    """),
    "subsidy_latest_complete_quarter": by_contract(_LATEST_COMPLETE),
    "subsidy_headline": by_contract(SUBSIDY_HEADLINE),
    # Contracts returning the given quarter and those in each state, with their pounds, by lot and by lead
    # provider sector.
    "subsidy_split": by_contract(f"""
        WITH q AS (
            SELECT coalesce(c.lot, 'Unknown lot') AS lot, c.lead_provider_sector AS sector, s.*
            FROM mart_subsidy_quarterly s JOIN mart_contract c USING (contract_ref)
            WHERE s.quarter = $quarter AND {SCOPE_FILTER}
        ), both_splits AS (
            SELECT 'Lot' AS split, lot AS "group", * FROM q
            UNION ALL BY NAME
            SELECT 'Provider sector' AS split, sector AS "group", * FROM q
        )
        SELECT split, "group", count(*) AS contracts_returned,
               count(*) FILTER (WHERE is_under_funded) AS contracts_under_funded,
               count(*) FILTER (WHERE is_subsidised) AS contracts_subsidised,
               count(*) FILTER (WHERE is_gap_not_covered) AS contracts_gap_not_covered,
               sum(shortfall_gbp)::DOUBLE AS shortfall_gbp, sum(other_funding_gbp)::DOUBLE AS other_funding_gbp,
               sum(uncovered_gbp)::DOUBLE AS uncovered_gbp
        FROM both_splits GROUP BY ALL
        ORDER BY split, "group"
    """),
    # How the states overlap in the given quarter: each contract in exactly one combination.
    "subsidy_state_overlap": by_contract(f"""
        SELECT s.money_state, count(*) AS contracts
        FROM mart_subsidy_quarterly s JOIN mart_contract c USING (contract_ref)
        WHERE s.quarter = $quarter AND {SCOPE_FILTER}
        GROUP BY ALL ORDER BY min({STATE_ORDER})
    """),
    # Across the supply chain over the period: who carries the subsidy and the gap not covered.
    "subsidy_supply_chain": by_contract(f"""
        WITH r AS (
            SELECT s.* FROM mart_subsidy_return s JOIN mart_contract c USING (contract_ref)
            WHERE s.quarter_start >= date_trunc('quarter', CAST($since AS DATE)) AND {SCOPE_FILTER}
        ), carriers AS (
            SELECT 1 AS "order", * FROM r WHERE role = 'lead'
            UNION ALL BY NAME
            SELECT 2 AS "order", * FROM r WHERE role = 'subcontractor'
            UNION ALL BY NAME
            SELECT 3 AS "order", * FROM r WHERE role = 'subcontractor' AND is_small
            UNION ALL BY NAME
            SELECT 4 AS "order", * FROM r WHERE role = 'subcontractor' AND is_specialist
        )
        SELECT k.carried_by, count(x.contract_ref) AS returns,
               count(x.contract_ref) FILTER (WHERE x.is_subsidised) AS returns_subsidised,
               coalesce(sum(x.other_funding_gbp), 0)::DOUBLE AS other_funding_gbp,
               100.0 * coalesce(sum(x.other_funding_gbp), 0) / nullif((SELECT sum(other_funding_gbp) FROM r), 0)
                   AS share_of_other_funding,
               coalesce(sum(x.uncovered_gbp), 0)::DOUBLE AS uncovered_gbp
        FROM (VALUES (1, 'Lead providers'), (2, 'Subcontractors'), (3, 'Small subcontractors (income under £1m)'),
                     (4, 'Specialist subcontractors (women''s, led by and for, Welsh)')) k("order", carried_by)
        LEFT JOIN carriers x USING ("order")
        GROUP BY k."order", k.carried_by ORDER BY k."order"
    """),
    # Providers' expectation of subsidy beside what their later returns report, by lot, over the period.
    "subsidy_expectations": by_contract(f"""
        SELECT coalesce(c.lot, 'Unknown lot') AS lot,
               count(*) FILTER (WHERE e.outcome = 'expected and happened') AS expected_happened,
               count(*) FILTER (WHERE e.outcome = 'expected, not yet') AS expected_not_yet,
               count(*) FILTER (WHERE e.outcome = 'not expected, happened') AS not_expected_happened,
               count(*) FILTER (WHERE e.outcome = 'not expected, not happened') AS not_expected_not_happened,
               count(*) FILTER (WHERE e.outcome = 'not sure') AS not_sure,
               count(*) FILTER (WHERE e.value_sufficient = 'no') AS value_not_sufficient,
               count(*) FILTER (WHERE e.value_sufficient = 'no' AND e.is_under_funded) AS value_not_sufficient_under_funded,
               count(*) AS answers
        FROM mart_subsidy_expectation e JOIN mart_contract c USING (contract_ref)
        WHERE e.quarter_start >= date_trunc('quarter', CAST($since AS DATE)) AND {SCOPE_FILTER}
        GROUP BY ALL ORDER BY lot
    """),
    # One row per return (contract, quarter, provider): a subcontractor's return right after its lead's.
    "subsidy_contract_quarters": by_contract(f"""
        SELECT s.contract_ref, c.contract_label, c.lot, s.quarter, s.quarter_start,
               s.provider_code, s.provider_name, s.role,
               s.contract_income_gbp::DOUBLE AS contract_income_gbp,
               s.full_delivery_cost_gbp::DOUBLE AS full_delivery_cost_gbp,
               s.shortfall_gbp::DOUBLE AS shortfall_gbp,
               100.0 * s.shortfall_gbp / (c.annual_value_gbp / 4) AS shortfall_pct_of_value,
               s.other_funding_gbp::DOUBLE AS other_funding_gbp, s.other_funding_source,
               s.uncovered_gbp::DOUBLE AS uncovered_gbp,
               s.other_funding_beyond_shortfall_gbp::DOUBLE AS other_funding_beyond_shortfall_gbp,
               s.is_under_funded, s.is_subsidised, s.is_gap_not_covered,
               s.value_sufficient, s.expect_subsidy_12m, q.money_state AS contract_state,
               q.is_subsidised AS contract_subsidised
        FROM mart_subsidy_return s
        JOIN mart_subsidy_quarterly q USING (contract_ref, quarter)
        JOIN mart_contract c USING (contract_ref)
        WHERE s.quarter_start >= date_trunc('quarter', CAST($since AS DATE)) AND {SCOPE_FILTER}
        ORDER BY s.quarter_start DESC, q.shortfall_gbp DESC, s.contract_ref, s.role, s.provider_code
    """),
    # Contract years that overlap the period with referrals above the volume cap.
    "subsidy_unfunded_demand": by_contract(f"""
        SELECT b.contract_ref, c.contract_label, c.lead_provider_name, c.lot, b.contract_year, b.year_start, b.year_end,
               b.referrals_received, b.volume_cap, b.referrals_above_cap, b.is_provisional
        FROM mart_band_position b JOIN mart_contract c USING (contract_ref)
        WHERE b.referrals_above_cap > 0 AND b.year_end >= CAST($since AS DATE) AND {SCOPE_FILTER}
        ORDER BY b.referrals_above_cap DESC, b.contract_ref, b.contract_year
    """),
    "subsidy_risk": by_contract(f"""
        SELECT r.contract_ref, c.contract_label, c.lead_provider_name, c.lot, c.lead_provider_sector, r.risk_score, r.reasons,
               r.shortfall_quarters, r.recent_returns, r.latest_return_quarter,
               r.latest_shortfall_gbp::DOUBLE AS latest_shortfall_gbp, r.latest_shortfall_pct,
               r.other_funding_gbp::DOUBLE AS other_funding_gbp, r.referrals_above_cap
        FROM mart_subsidy_risk r JOIN mart_contract c USING (contract_ref)
        WHERE r.risk_score > 0 AND {SCOPE_FILTER}
        ORDER BY r.risk_score DESC, r.latest_shortfall_gbp DESC, r.contract_ref
    """),
}

-- Subsidy risk per contract, from its last four quarters (the four calendar quarters up to the last
-- one that had ended by the data's as-of day) and its current contract year.
-- risk_score (0 to 10) = quarters with a shortfall among those returns (0 to 4)
--   + 2 if the latest return's shortfall is at least 15% of a quarter of the annual value (1 if at least 5%)
--   + 2 if other funding was used in those quarters
--   + 2 if referrals are above the volume cap in the current contract year.
-- reasons: the same facts in words, e.g. 'shortfall in 3 of the last 4 quarterly returns; £17k short in
-- 2026-Q3 (17% of its quarterly value); used £15k of other funding (reserves) in the last four quarters;
-- 4 referrals above its cap this contract year'. A missing latest return is named but not scored.
CREATE OR REPLACE VIEW mart_subsidy_risk AS
WITH bounds AS (
    SELECT (date_trunc('quarter', as_of_date + 1) - INTERVAL 3 MONTH)::DATE AS latest_quarter_start
    FROM mart_data_as_of
), recent AS (
    SELECT s.*
    FROM mart_subsidy_quarterly s CROSS JOIN bounds b
    WHERE s.quarter_start > b.latest_quarter_start - INTERVAL 12 MONTH
      AND s.quarter_start <= b.latest_quarter_start
), returned AS (
    SELECT contract_ref,
           count(*) AS recent_returns,
           count(*) FILTER (WHERE shortfall_gbp > 0) AS shortfall_quarters,
           arg_max(quarter, quarter_start) AS latest_return_quarter,
           arg_max(shortfall_gbp, quarter_start) AS latest_shortfall_gbp,
           arg_max(shortfall_pct_of_value, quarter_start) AS latest_shortfall_pct,
           sum(other_funding_gbp) AS other_funding_gbp,
           string_agg(DISTINCT lower(other_funding_source), ', ' ORDER BY lower(other_funding_source))
               FILTER (WHERE other_funding_gbp > 0 AND other_funding_source IS NOT NULL) AS other_funding_sources
    FROM recent
    GROUP BY contract_ref
), scored AS (
    SELECT c.contract_ref,
           coalesce(r.recent_returns, 0) AS recent_returns,
           coalesce(r.shortfall_quarters, 0) AS shortfall_quarters,
           r.latest_return_quarter,
           coalesce(r.latest_shortfall_gbp, 0) AS latest_shortfall_gbp,
           coalesce(r.latest_shortfall_pct, 0) AS latest_shortfall_pct,
           coalesce(r.other_funding_gbp, 0) AS other_funding_gbp,
           r.other_funding_sources,
           coalesce(p.referrals_above_cap, 0) AS referrals_above_cap,
           m.quarter AS missing_return_quarter
    FROM core_contract c
    LEFT JOIN returned r USING (contract_ref)
    LEFT JOIN mart_band_position p ON p.contract_ref = c.contract_ref AND p.is_provisional
    LEFT JOIN mart_financial_return_status m
      ON m.contract_ref = c.contract_ref AND m.is_latest_quarter AND NOT m.has_return
)
SELECT *,
       shortfall_quarters
       + CASE WHEN latest_shortfall_pct >= 15 THEN 2 WHEN latest_shortfall_pct >= 5 THEN 1 ELSE 0 END
       + CASE WHEN other_funding_gbp > 0 THEN 2 ELSE 0 END
       + CASE WHEN referrals_above_cap > 0 THEN 2 ELSE 0 END AS risk_score,
       concat_ws('; ',
           CASE WHEN shortfall_quarters > 0 THEN
               'shortfall in ' || shortfall_quarters || ' of the last ' || recent_returns || ' quarterly returns' END,
           CASE WHEN latest_shortfall_gbp > 0 THEN
               '£' || CASE WHEN latest_shortfall_gbp >= 1000
                           THEN format('{:,}', round(latest_shortfall_gbp / 1000)::BIGINT) || 'k'
                           ELSE format('{:,}', round(latest_shortfall_gbp)::BIGINT) END
               || ' short in ' || latest_return_quarter
               || ' (' || round(latest_shortfall_pct)::BIGINT || '% of its quarterly value)' END,
           CASE WHEN other_funding_gbp > 0 THEN
               'used £' || CASE WHEN other_funding_gbp >= 1000
                                THEN format('{:,}', round(other_funding_gbp / 1000)::BIGINT) || 'k'
                                ELSE format('{:,}', round(other_funding_gbp)::BIGINT) END
               || ' of other funding' || coalesce(' (' || other_funding_sources || ')', '')
               || ' in the last four quarters' END,
           CASE WHEN referrals_above_cap = 1 THEN '1 referral above its cap this contract year'
                WHEN referrals_above_cap > 1 THEN referrals_above_cap || ' referrals above its cap this contract year' END,
           CASE WHEN missing_return_quarter IS NOT NULL THEN
               'no financial return yet for ' || missing_return_quarter END
       ) AS reasons
FROM scored;

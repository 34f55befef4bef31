-- Subsidy risk per contract, from its last four quarters (the four calendar quarters up to the last
-- one that had ended by the data's as-of day) and its current contract year, using all three financial
-- states of mart_subsidy_quarterly (a contract is in a state when any return of its supply chain is).
-- risk_score (0 to 10) = quarters under-funded among those returned (0 to 4)
--   + 2 if the latest return's shortfall is at least 15% of a quarter of the annual value (1 if at least 5%)
--   + 2 if subsidised (other funding used) in those quarters
--   + 2 if referrals are above the volume cap in the current contract year.
-- A gap not covered is named in the reasons (with the £ the providers absorbed) but adds no points: it is
-- always also under-funded, which scores already.
-- reasons: the same facts in words, e.g. 'under-funded in 3 of the last 4 quarters returned; £17k short in
-- 2026-Q3 (17% of its quarterly value); subsidised with £15k of other funding (reserves) in the last four
-- quarters; gap not covered in 2 of them (£19k absorbed by the providers); 4 referrals above its cap this
-- contract year'. A missing latest return is named but not scored.
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
           count(*) FILTER (WHERE is_under_funded) AS shortfall_quarters,
           count(*) FILTER (WHERE is_gap_not_covered) AS gap_quarters,
           sum(uncovered_gbp) AS uncovered_gbp,
           arg_max(quarter, quarter_start) AS latest_return_quarter,
           arg_max(shortfall_gbp, quarter_start) AS latest_shortfall_gbp,
           arg_max(shortfall_pct_of_value, quarter_start) AS latest_shortfall_pct,
           sum(other_funding_gbp) AS other_funding_gbp
    FROM recent
    GROUP BY contract_ref
), sources AS (  -- where the other funding came from, over every return of the supply chain
    SELECT s.contract_ref,
           string_agg(DISTINCT lower(s.other_funding_source), ', ' ORDER BY lower(s.other_funding_source))
               FILTER (WHERE s.other_funding_gbp > 0 AND s.other_funding_source IS NOT NULL) AS other_funding_sources
    FROM mart_subsidy_return s CROSS JOIN bounds b
    WHERE s.quarter_start > b.latest_quarter_start - INTERVAL 12 MONTH
      AND s.quarter_start <= b.latest_quarter_start
    GROUP BY s.contract_ref
), scored AS (
    SELECT c.contract_ref,
           coalesce(r.recent_returns, 0) AS recent_returns,
           coalesce(r.shortfall_quarters, 0) AS shortfall_quarters,
           coalesce(r.gap_quarters, 0) AS gap_quarters,
           coalesce(r.uncovered_gbp, 0) AS uncovered_gbp,
           r.latest_return_quarter,
           coalesce(r.latest_shortfall_gbp, 0) AS latest_shortfall_gbp,
           coalesce(r.latest_shortfall_pct, 0) AS latest_shortfall_pct,
           coalesce(r.other_funding_gbp, 0) AS other_funding_gbp,
           o.other_funding_sources,
           coalesce(p.referrals_above_cap, 0) AS referrals_above_cap,
           m.quarter AS missing_return_quarter
    FROM core_contract c
    LEFT JOIN returned r USING (contract_ref)
    LEFT JOIN sources o ON o.contract_ref = c.contract_ref
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
               'under-funded in ' || shortfall_quarters || ' of the last ' || recent_returns || ' quarters returned' END,
           CASE WHEN latest_shortfall_gbp > 0 THEN
               '£' || CASE WHEN latest_shortfall_gbp >= 1000
                           THEN format('{:,}', round(latest_shortfall_gbp / 1000)::BIGINT) || 'k'
                           ELSE format('{:,}', round(latest_shortfall_gbp)::BIGINT) END
               || ' short in ' || latest_return_quarter
               || ' (' || round(latest_shortfall_pct)::BIGINT || '% of its quarterly value)' END,
           CASE WHEN other_funding_gbp > 0 THEN
               'subsidised with £' || CASE WHEN other_funding_gbp >= 1000
                                THEN format('{:,}', round(other_funding_gbp / 1000)::BIGINT) || 'k'
                                ELSE format('{:,}', round(other_funding_gbp)::BIGINT) END
               || ' of other funding' || coalesce(' (' || other_funding_sources || ')', '')
               || ' in the last four quarters' END,
           CASE WHEN gap_quarters > 0 THEN
               'gap not covered in ' || gap_quarters || ' of them (£'
               || CASE WHEN uncovered_gbp >= 1000
                       THEN format('{:,}', round(uncovered_gbp / 1000)::BIGINT) || 'k'
                       ELSE format('{:,}', round(uncovered_gbp)::BIGINT) END
               || ' absorbed by the providers)' END,
           CASE WHEN referrals_above_cap = 1 THEN '1 referral above its cap this contract year'
                WHEN referrals_above_cap > 1 THEN referrals_above_cap || ' referrals above its cap this contract year' END,
           CASE WHEN missing_return_quarter IS NOT NULL THEN
               'no financial return yet for ' || missing_return_quarter END
       ) AS reasons
FROM scored;

-- Contracts needing attention: one row per contract open in the last three complete months, with
-- plain reasons and a score to rank them (higher = more of the contract's volume or money at stake).
--   volume: received vs forecast over the last 3 complete months (mart_reporting_periods); a reason when the
--     gap is below well_below_pct (-20%) or above well_above_pct (+20%) of mart_thresholds: is_well_below is
--     the Overview's and the weekly summary's "more than 20% below forecast". The reason names the run of
--     consecutive complete months each more than 20% below forecast, when longer than 3: "referrals 38% below forecast for the last 5 months" (gap over those months).
--   subsidy: in the latest complete quarter the contract is under-funded or subsidised (mart_subsidy_quarterly).
--   cap: referrals above the volume cap in the current contract year.
-- score = volume points + subsidy points + cap points, where
--   volume points  = |gap %| over the last 3 complete months, when below -20 or above 20 (else 0);
--   subsidy points = 100 x max(shortfall, other funding) / (annual value / 4), when under-funded or subsidised (else 0);
--   cap points     = 100 x referrals above cap / volume cap.
-- gbp_short: £950, £41k, £1.2m (for reasons written in words).
CREATE OR REPLACE MACRO gbp_short(x) AS CASE
    WHEN x >= 999500 THEN format('£{:.1f}m', CAST(x AS DOUBLE) / 1e6)
    WHEN x >= 1000 THEN format('£{:d}k', CAST(round(CAST(x AS DOUBLE) / 1000) AS INTEGER))
    ELSE format('£{:d}', CAST(round(x) AS INTEGER)) END;

CREATE OR REPLACE VIEW mart_contract_attention AS
WITH p AS (SELECT * FROM mart_reporting_periods),
t AS (SELECT * FROM mart_thresholds),
complete AS (
    SELECT g.* FROM mart_volume_gap g, p WHERE g.month <= p.last_complete_month
),
last_ok AS (  -- the latest complete month NOT more than 20% below forecast
    SELECT contract_ref, max(month) FILTER (WHERE gap_pct IS NULL OR gap_pct >= (SELECT well_below_pct FROM t)) AS last_ok_month
    FROM complete GROUP BY contract_ref
),
volume AS (
    SELECT c.contract_ref,
           sum(c.received) FILTER (WHERE c.month >= p.last3_start) AS received_3m,
           sum(c.forecast) FILTER (WHERE c.month >= p.last3_start) AS forecast_3m,
           count(*) FILTER (WHERE c.month > coalesce(o.last_ok_month, DATE '1900-01-01')) AS months_below,
           sum(c.received) FILTER (WHERE c.month > coalesce(o.last_ok_month, DATE '1900-01-01')) AS received_below,
           sum(c.forecast) FILTER (WHERE c.month > coalesce(o.last_ok_month, DATE '1900-01-01')) AS forecast_below
    FROM complete c JOIN last_ok o USING (contract_ref) CROSS JOIN p
    GROUP BY c.contract_ref
    HAVING count(*) FILTER (WHERE c.month >= p.last3_start) > 0
),
gaps AS (
    SELECT *,
           CASE WHEN forecast_3m > 0 THEN 100.0 * (received_3m - forecast_3m) / forecast_3m END AS gap_pct_3m,
           CASE WHEN months_below > t.recent_months AND forecast_below > 0
                THEN 100.0 * (received_below - forecast_below) / forecast_below END AS gap_pct_run
    FROM volume, t
),
money AS (
    SELECT s.contract_ref, s.shortfall_gbp, s.other_funding_gbp, s.is_under_funded_or_subsidised,
           CASE WHEN s.is_under_funded_or_subsidised
                THEN 100.0 * greatest(s.shortfall_gbp, s.other_funding_gbp) / (c.annual_value_gbp / 4) ELSE 0 END
               AS subsidy_points
    FROM mart_subsidy_quarterly s JOIN core_contract c USING (contract_ref), p
    WHERE s.quarter_start = p.quarter_start
),
cap AS (
    SELECT contract_ref, referrals_above_cap,
           CASE WHEN volume_cap > 0 THEN 100.0 * referrals_above_cap / volume_cap ELSE 0 END AS cap_points
    FROM mart_band_position WHERE is_provisional
),
scored AS (
    SELECT g.contract_ref, p.last3_start, p.last_complete_month, p.quarter,
           g.received_3m, g.forecast_3m, g.gap_pct_3m, g.months_below,
           coalesce(g.gap_pct_3m < t.well_below_pct, false) AS is_well_below,
           coalesce(m.shortfall_gbp, 0) AS shortfall_gbp,
           coalesce(m.other_funding_gbp, 0) AS other_funding_gbp,
           coalesce(m.is_under_funded_or_subsidised, false) AS is_under_funded_or_subsidised,
           coalesce(k.referrals_above_cap, 0) AS referrals_above_cap,
           CASE WHEN g.gap_pct_3m < t.well_below_pct OR g.gap_pct_3m > t.well_above_pct THEN abs(g.gap_pct_3m) ELSE 0 END
               AS volume_points,
           coalesce(m.subsidy_points, 0) AS subsidy_points,
           coalesce(k.cap_points, 0) AS cap_points,
           CASE WHEN g.gap_pct_3m < t.well_below_pct AND g.gap_pct_run IS NOT NULL
                    THEN format('referrals {:d}% below forecast for the last {:d} months',
                                CAST(round(-g.gap_pct_run) AS INTEGER), g.months_below)
                WHEN g.gap_pct_3m < t.well_below_pct
                    THEN format('referrals {:d}% below forecast for the last {:d} months',
                                CAST(round(-g.gap_pct_3m) AS INTEGER), t.recent_months)
                WHEN g.gap_pct_3m > t.well_above_pct
                    THEN format('referrals {:d}% above forecast for the last {:d} months',
                                CAST(round(g.gap_pct_3m) AS INTEGER), t.recent_months)
           END AS volume_reason,
           CASE WHEN m.shortfall_gbp > 0
                    THEN format('provider reports a {} shortfall in {}', gbp_short(m.shortfall_gbp), p.quarter)
                WHEN m.other_funding_gbp > 0
                    THEN format('provider used {} of other money to run the service in {}',
                                gbp_short(m.other_funding_gbp), p.quarter)
           END AS subsidy_reason,
           CASE WHEN k.referrals_above_cap = 1 THEN '1 referral above the volume cap this contract year'
                WHEN k.referrals_above_cap > 1
                    THEN format('{:d} referrals above the volume cap this contract year', k.referrals_above_cap)
           END AS cap_reason
    FROM gaps g
    CROSS JOIN p
    CROSS JOIN t
    LEFT JOIN money m USING (contract_ref)
    LEFT JOIN cap k USING (contract_ref)
)
SELECT *,
       round(volume_points + subsidy_points + cap_points, 1) AS score,
       concat_ws('; ', volume_reason, subsidy_reason, cap_reason) AS reasons
FROM scored;

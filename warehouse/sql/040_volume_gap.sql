-- Volume versus forecast per contract and month.
-- gap = received - forecast; gap_pct = 100 x gap / forecast (negative: fewer referrals than forecast).
CREATE OR REPLACE VIEW mart_volume_gap AS
SELECT f.contract_ref,
       f.month,
       coalesce(r.referrals_received, 0) AS received,
       f.forecast,
       coalesce(r.referrals_received, 0) - f.forecast AS gap,
       CASE WHEN f.forecast > 0 THEN 100.0 * (coalesce(r.referrals_received, 0) - f.forecast) / f.forecast END AS gap_pct,
       f.is_provisional
FROM mart_forecast_monthly f
LEFT JOIN mart_referrals_monthly r USING (contract_ref, month);

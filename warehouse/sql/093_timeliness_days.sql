-- Timeliness as counts, for the medians the pages show: per contract, month of referral and step
-- ('arranged' or 'attended', the first assessment), how many referrals took each whole number of working
-- days to reach that step (working_days NULL: not yet). Every referral is counted once per step, so a
-- step's referrals add up to the month's. Working days are small whole numbers, so this holds the exact
-- median of any set of contracts and months in a few rows a contract-month, where
-- mart_referral_timeliness holds one row a referral: with N referrals timed, ordered by working days,
-- median = (the value at position (N - 1) // 2 + the value at position N // 2) / 2, positions counted
-- from 0 (DuckDB's median: the middle value, or the mean of the two middle values).
CREATE OR REPLACE VIEW mart_timeliness_days AS
SELECT contract_ref, month, 'arranged' AS step, working_days_to_arranged AS working_days, count(*) AS referrals
FROM mart_referral_timeliness
GROUP BY ALL
UNION ALL
SELECT contract_ref, month, 'attended' AS step, working_days_to_attended AS working_days, count(*) AS referrals
FROM mart_referral_timeliness
GROUP BY ALL
ORDER BY contract_ref, month, step, working_days;

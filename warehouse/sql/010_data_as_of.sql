-- The day the data runs up to: the latest referral received (or today, before any referral).
-- Measures count months up to this day, so the month it falls in is partial: "provisional".
CREATE OR REPLACE VIEW mart_data_as_of AS
SELECT coalesce(max(referred_at)::DATE, current_date) AS as_of_date,
       date_trunc('month', coalesce(max(referred_at)::DATE, current_date))::DATE AS provisional_month
FROM core_referral;

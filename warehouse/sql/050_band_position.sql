-- Which volume band each contract year is in. Contract years run from the start date, 12 months at a time.
-- band = the first band whose upper limit is at least the referrals received in that contract year;
-- cap = the top band's limit (or annual_volume_cap); referrals_above_cap are delivered for no extra money.
CREATE OR REPLACE VIEW mart_band_position AS
WITH years AS (
    SELECT c.*, a.as_of_date,
           unnest(generate_series(0, CAST(date_diff('year', c.start_date,
               least(coalesce(c.end_date, a.as_of_date), a.as_of_date)) AS BIGINT))) AS year_index
    FROM core_contract c CROSS JOIN mart_data_as_of a
    WHERE c.start_date <= a.as_of_date
), spans AS (
    SELECT *, (start_date + to_years(CAST(year_index AS INTEGER)))::DATE AS year_start,
           (start_date + to_years(CAST(year_index + 1 AS INTEGER)))::DATE - 1 AS year_end
    FROM years
), counted AS (
    SELECT s.contract_ref, s.year_index + 1 AS contract_year, s.year_start, s.year_end,
           s.indicative_annual_volume, s.band_1_upto, s.band_2_upto, s.band_3_upto,
           s.band_1_payment_gbp, s.band_2_payment_gbp, s.band_3_payment_gbp, s.annual_value_gbp,
           coalesce(s.band_3_upto, s.band_2_upto, s.band_1_upto, s.annual_volume_cap) AS volume_cap,
           s.as_of_date BETWEEN s.year_start AND s.year_end AS is_provisional,
           count(r.referral_id) AS referrals_received
    FROM spans s
    LEFT JOIN core_referral r
      ON r.contract_ref = s.contract_ref AND r.referred_at::DATE BETWEEN s.year_start AND s.year_end
    WHERE s.year_start <= s.as_of_date
    GROUP BY ALL
)
SELECT *,
       CASE WHEN band_1_upto IS NULL THEN NULL
            WHEN referrals_received <= band_1_upto THEN 1
            WHEN referrals_received <= band_2_upto THEN 2
            WHEN referrals_received <= band_3_upto THEN 3
       END AS band,
       greatest(referrals_received - volume_cap, 0) AS referrals_above_cap
FROM counted;

-- The indicative profile: the indicative annual volume spread evenly over the year,
-- = indicative_annual_volume / 12 x (days the contract was open in the month / days in the month).
-- Months run from the contract's start to its end or the data's as-of day, whichever is first;
-- the as-of month counts only the days up to the as-of day, and is provisional.
CREATE OR REPLACE VIEW mart_forecast_monthly AS
WITH months AS (
    SELECT c.contract_ref, c.indicative_annual_volume, c.start_date, c.end_date, a.as_of_date,
           unnest(generate_series(
               date_trunc('month', c.start_date),
               date_trunc('month', least(coalesce(c.end_date, a.as_of_date), a.as_of_date)),
               INTERVAL 1 MONTH))::DATE AS month
    FROM core_contract c CROSS JOIN mart_data_as_of a
    WHERE c.start_date <= a.as_of_date
)
SELECT contract_ref,
       month,
       date_diff('day', greatest(start_date, month),
                 least(coalesce(end_date, as_of_date), as_of_date, last_day(month))) + 1 AS open_days,
       day(last_day(month)) AS days_in_month,
       indicative_annual_volume / 12.0 * open_days / days_in_month AS forecast,
       month = date_trunc('month', as_of_date) AS is_provisional
FROM months;

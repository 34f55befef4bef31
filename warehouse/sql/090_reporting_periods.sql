-- The periods the Overview and Volume pages compare, fixed by the data's as-of day:
-- last_complete_month = the month before the provisional (as-of) month;
-- last3_start = the first of the last three complete months (recent_months of mart_thresholds);
-- quarter_start = the latest complete calendar quarter: the last one ending before the provisional month.
CREATE OR REPLACE VIEW mart_reporting_periods AS
SELECT as_of_date,
       provisional_month,
       (provisional_month - INTERVAL 1 MONTH)::DATE AS last_complete_month,
       (provisional_month - to_months(t.recent_months))::DATE AS last3_start,
       (date_trunc('quarter', provisional_month) - INTERVAL 3 MONTH)::DATE AS quarter_start,
       strftime(date_trunc('quarter', provisional_month) - INTERVAL 3 MONTH, '%Y') || '-Q'
           || quarter(date_trunc('quarter', provisional_month) - INTERVAL 3 MONTH) AS quarter
FROM mart_data_as_of, mart_thresholds t;

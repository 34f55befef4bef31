-- Which quarterly financial returns are due and which are in, per contract and calendar quarter.
-- A return is due for every quarter the contract ran (from its start to its end date) that had ended
-- by the data's as-of day; the lead provider's return is the one due (a subcontractor may send its own too). is_latest_quarter marks the last quarter that had ended: pages show it as
-- provisional while any contract in scope that owes a return for it has not sent one.
CREATE OR REPLACE VIEW mart_financial_return_status AS
WITH bounds AS (
    SELECT (date_trunc('quarter', as_of_date + 1) - INTERVAL 3 MONTH)::DATE AS latest_quarter_start
    FROM mart_data_as_of
), due AS (
    SELECT c.contract_ref, c.lead_provider_code, b.latest_quarter_start,
           unnest(generate_series(
               date_trunc('quarter', c.start_date),
               least(date_trunc('quarter', coalesce(c.end_date, b.latest_quarter_start)), b.latest_quarter_start),
               INTERVAL 3 MONTH))::DATE AS quarter_start
    FROM core_contract c CROSS JOIN bounds b
    WHERE date_trunc('quarter', c.start_date) <= b.latest_quarter_start
)
SELECT d.contract_ref,
       strftime(d.quarter_start, '%Y') || '-Q' || quarter(d.quarter_start) AS quarter,
       d.quarter_start,
       (d.quarter_start + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS quarter_end,
       f.contract_ref IS NOT NULL AS has_return,
       d.quarter_start = d.latest_quarter_start AS is_latest_quarter
FROM due d
LEFT JOIN core_financial_return f
  ON f.contract_ref = d.contract_ref AND f.quarter_start = d.quarter_start AND f.provider_code = d.lead_provider_code;

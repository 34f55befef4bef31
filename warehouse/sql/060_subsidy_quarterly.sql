-- Three financial states, told apart, from the providers' quarterly financial returns.
-- Per return (one per contract, quarter and provider: the lead's and each subcontractor's own), mart_subsidy_return
-- (role: 'lead' when the provider is the contract's lead provider in the register, else 'subcontractor'):
--   shortfall_gbp  = max(full delivery cost - contract income, 0)
--   uncovered_gbp  = max(full delivery cost - contract income - other funding, 0)
--   other_funding_beyond_shortfall_gbp = max(other funding - shortfall, 0): flagged, not refused (docs/measures.md)
--   is_under_funded     = full delivery cost > contract income (the contract does not pay what the service costs)
--   is_subsidised       = other funding > 0 (the provider used other money to cover delivery)
--   is_gap_not_covered  = full delivery cost > contract income + other funding (the provider absorbs the rest,
--                         which usually means less service)
-- A gap not covered is always under-funded; so is nothing else, and the states overlap (docs/measures.md).
CREATE OR REPLACE VIEW mart_subsidy_return AS
SELECT f.contract_ref, f.quarter, f.quarter_start, f.provider_code,
       CASE WHEN f.provider_code = c.lead_provider_code THEN 'lead' ELSE 'subcontractor' END AS role,
       coalesce(p.provider_name, f.provider_code) AS provider_name,
       p.is_small, p.is_specialist,
       f.contract_income_gbp, f.full_delivery_cost_gbp, f.other_funding_gbp, f.other_funding_source,
       greatest(f.full_delivery_cost_gbp - f.contract_income_gbp, 0) AS shortfall_gbp,
       greatest(f.full_delivery_cost_gbp - f.contract_income_gbp - f.other_funding_gbp, 0) AS uncovered_gbp,
       greatest(f.other_funding_gbp - greatest(f.full_delivery_cost_gbp - f.contract_income_gbp, 0), 0)
           AS other_funding_beyond_shortfall_gbp,
       f.full_delivery_cost_gbp > f.contract_income_gbp AS is_under_funded,
       f.other_funding_gbp > 0 AS is_subsidised,
       f.full_delivery_cost_gbp > f.contract_income_gbp + f.other_funding_gbp AS is_gap_not_covered,
       f.value_sufficient, f.expect_subsidy_12m
FROM core_financial_return f
JOIN core_contract c USING (contract_ref)
LEFT JOIN mart_supply_chain_provider p USING (contract_ref, provider_code);

-- Per contract and quarter, across its supply chain (mart_subsidy_quarterly): a contract is in a state when any
-- return of its supply chain is; its £ are the sums over those returns (income is never summed: a lead's income
-- includes what it pays its subcontractors).
--   shortfall_pct_of_value = 100 x shortfall / (annual contract value / 4)
--   money_state: the five combinations, each contract in exactly one, so they add up to the contracts returned:
--     'under-funded, nothing covered' (under-funded, not subsidised: always a gap not covered),
--     'under-funded, partly covered' (under-funded, subsidised and a gap not covered),
--     'under-funded, covered by other funding' (under-funded, subsidised, no gap left),
--     'subsidised, not under-funded', 'neither'.
--   Hence under-funded = the first three; subsidised = the middle three; gap not covered = the first two.
CREATE OR REPLACE VIEW mart_subsidy_quarterly AS
WITH per AS (
    SELECT contract_ref, quarter, quarter_start,
           count(*) AS provider_returns,
           count(*) FILTER (WHERE role = 'subcontractor') AS subcontractor_returns,
           sum(shortfall_gbp) AS shortfall_gbp,
           sum(other_funding_gbp) AS other_funding_gbp,
           sum(uncovered_gbp) AS uncovered_gbp,
           sum(other_funding_gbp) FILTER (WHERE role = 'subcontractor') AS subcontractor_other_funding_gbp,
           string_agg(DISTINCT other_funding_source, ', ' ORDER BY other_funding_source)
               FILTER (WHERE other_funding_gbp > 0) AS other_funding_source,
           bool_or(is_under_funded) AS is_under_funded,
           bool_or(is_subsidised) AS is_subsidised,
           bool_or(is_gap_not_covered) AS is_gap_not_covered
    FROM mart_subsidy_return
    GROUP BY contract_ref, quarter, quarter_start
)
SELECT per.*,
       coalesce(per.subcontractor_other_funding_gbp, 0) AS subcontractor_subsidy_gbp,
       100.0 * per.shortfall_gbp / (c.annual_value_gbp / 4) AS shortfall_pct_of_value,
       per.is_under_funded OR per.is_subsidised AS is_under_funded_or_subsidised,
       CASE WHEN per.is_under_funded AND NOT per.is_subsidised THEN 'under-funded, nothing covered'
            WHEN per.is_under_funded AND per.is_gap_not_covered THEN 'under-funded, partly covered'
            WHEN per.is_under_funded THEN 'under-funded, covered by other funding'
            WHEN per.is_subsidised THEN 'subsidised, not under-funded'
            ELSE 'neither' END AS money_state
FROM per
JOIN core_contract c USING (contract_ref);

-- Providers' own view of the future beside what their later returns report (mart_subsidy_expectation): one row per
-- financial return that answers "do you expect to subsidise delivery from other funding in the next 12 months?".
-- happened = a later return of the same contract and provider, for one of the next four quarters, used other
-- funding. outcome: 'expected and happened', 'expected, not yet', 'not expected, happened',
-- 'not expected, not happened' or 'not sure'. quarters_seen = how many of those four quarters have a return yet.
CREATE OR REPLACE VIEW mart_subsidy_expectation AS
WITH later AS (
    SELECT e.contract_ref, e.provider_code, e.quarter_start,
           count(l.quarter) AS quarters_seen,
           coalesce(bool_or(l.is_subsidised), false) AS happened,
           min(l.quarter) FILTER (WHERE l.is_subsidised) AS first_subsidised_quarter
    FROM mart_subsidy_return e
    LEFT JOIN mart_subsidy_return l
      ON l.contract_ref = e.contract_ref AND l.provider_code = e.provider_code
     AND l.quarter_start > e.quarter_start AND l.quarter_start <= e.quarter_start + INTERVAL 12 MONTH
    WHERE e.expect_subsidy_12m IS NOT NULL
    GROUP BY e.contract_ref, e.provider_code, e.quarter_start
)
SELECT e.contract_ref, e.provider_code, e.role, e.quarter, e.quarter_start, e.expect_subsidy_12m, e.value_sufficient,
       e.is_under_funded, e.is_subsidised, l.quarters_seen, l.happened, l.first_subsidised_quarter,
       CASE WHEN e.expect_subsidy_12m = 'yes' AND l.happened THEN 'expected and happened'
            WHEN e.expect_subsidy_12m = 'yes' THEN 'expected, not yet'
            WHEN e.expect_subsidy_12m = 'no' AND l.happened THEN 'not expected, happened'
            WHEN e.expect_subsidy_12m = 'no' THEN 'not expected, not happened'
            ELSE 'not sure' END AS outcome
FROM mart_subsidy_return e
JOIN later l USING (contract_ref, provider_code, quarter_start);

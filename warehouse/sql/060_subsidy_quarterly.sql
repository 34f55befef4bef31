-- Subsidy per contract and quarter, from the provider's financial return.
-- shortfall_gbp = full delivery cost - contract income (0 when income covers cost);
-- shortfall_pct_of_value = 100 x shortfall / (annual contract value / 4);
-- is_subsidy_signal: the provider reports a shortfall or used other money to run the service.
CREATE OR REPLACE VIEW mart_subsidy_quarterly AS
SELECT f.contract_ref, f.quarter, f.quarter_start,
       f.contract_income_gbp, f.full_delivery_cost_gbp, f.other_funding_gbp, f.other_funding_source,
       greatest(f.full_delivery_cost_gbp - f.contract_income_gbp, 0) AS shortfall_gbp,
       100.0 * greatest(f.full_delivery_cost_gbp - f.contract_income_gbp, 0) / (c.annual_value_gbp / 4) AS shortfall_pct_of_value,
       (f.full_delivery_cost_gbp > f.contract_income_gbp OR f.other_funding_gbp > 0) AS is_subsidy_signal
FROM core_financial_return f
JOIN core_contract c USING (contract_ref);

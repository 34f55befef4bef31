-- Every provider in a contract's supply chain sends its own returns: KPI and financial returns are keyed by
-- contract, quarter and provider. Returns loaded before this step were the lead provider's own.
-- The financial return also carries the provider's own view of the future: two answers, yes / no / not sure.
ALTER TABLE core_kpi_return ADD COLUMN IF NOT EXISTS provider_code VARCHAR;
ALTER TABLE core_financial_return ADD COLUMN IF NOT EXISTS provider_code VARCHAR;
ALTER TABLE core_financial_return ADD COLUMN IF NOT EXISTS value_sufficient VARCHAR;
ALTER TABLE core_financial_return ADD COLUMN IF NOT EXISTS expect_subsidy_12m VARCHAR;
UPDATE core_kpi_return r SET provider_code = c.lead_provider_code
FROM core_contract c WHERE r.contract_ref = c.contract_ref AND r.provider_code IS NULL;
UPDATE core_financial_return r SET provider_code = c.lead_provider_code
FROM core_contract c WHERE r.contract_ref = c.contract_ref AND r.provider_code IS NULL;

-- Each provider in a contract's supply chain, per the contract register: its lead provider and every listed
-- subcontractor (subcontractor_codes), with what the organisation register says about it.
-- The organisation for a provider code comes from mart_supply_chain_member (054: provider_codes and
-- provider_code read together), the one link from organisations to the register; every subsidy measure
-- reads it through this view.
-- role = 'lead' or 'subcontractor'; provider_name = the organisation's name, else the referral service's name
-- for the code (ref_provider), else the register's lead provider name, else the code;
-- is_small = income under £1m a year (income_band under_10k, 10k_100k, 100k_500k or 500k_1m); NULL when the
-- organisation register does not know the provider;
-- is_specialist = a women's specialist, led by and for racially minoritised people, or Welsh (its specialisms
-- include women, racially_minoritised_led or welsh); NULL when unknown.
CREATE OR REPLACE VIEW mart_supply_chain_provider AS
WITH chain AS (
    SELECT contract_ref, lead_provider_code AS provider_code, 'lead' AS role, lead_provider_name AS register_name
    FROM core_contract
    UNION ALL
    SELECT DISTINCT contract_ref, unnest(subcontractor_codes) AS provider_code, 'subcontractor', NULL
    FROM core_contract
), orgs AS (
    SELECT m.provider_code, arg_min(o.org_id, o.org_id) AS org_id, arg_min(o.org_name, o.org_id) AS org_name,
           arg_min(o.income_band, o.org_id) AS income_band, arg_min(o.specialisms, o.org_id) AS specialisms
    FROM (SELECT DISTINCT org_id, provider_code FROM mart_supply_chain_member) m
    JOIN core_organisation o USING (org_id)
    GROUP BY m.provider_code
)
SELECT ch.contract_ref, ch.provider_code, ch.role,
       coalesce(o.org_name, p.provider_name, ch.register_name, ch.provider_code) AS provider_name,
       o.org_id, o.income_band,
       o.income_band IN ('under_10k', '10k_100k', '100k_500k', '500k_1m') AS is_small,
       CASE WHEN o.org_id IS NOT NULL
            THEN list_has_any(coalesce(o.specialisms, []), ['women', 'racially_minoritised_led', 'welsh']) END
           AS is_specialist
FROM chain ch
LEFT JOIN orgs o USING (provider_code)
LEFT JOIN (SELECT provider_code, any_value(provider_name) AS provider_name FROM ref_provider GROUP BY ALL) p
    USING (provider_code)
WHERE ch.provider_code IS NOT NULL
-- a lead also listed as its own subcontractor is the lead
QUALIFY row_number() OVER (PARTITION BY ch.contract_ref, ch.provider_code ORDER BY ch.role) = 1;

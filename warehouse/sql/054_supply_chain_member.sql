-- Supply chains from the contract register (numbered before engagement coverage, which uses the role).
-- mart_supply_chain_member: one row per organisation of the register, provider code it carries
-- (provider_code and provider_codes read together) and contract of the contract register on which that
-- code is the lead or a subcontractor, with its role there ('lead' or 'subcontractor').
-- The link from organisations to the contract register: other measures join it, never the codes.
CREATE OR REPLACE VIEW mart_supply_chain_member AS
WITH codes AS (
    SELECT DISTINCT org_id, unnest(list_concat(coalesce(provider_codes, []),
                                               CASE WHEN provider_code IS NULL THEN [] ELSE [provider_code] END)) AS provider_code
    FROM core_organisation
), roles AS (
    SELECT contract_ref, region_code, lead_provider_code AS provider_code, 'lead' AS role FROM core_contract
    UNION
    SELECT contract_ref, region_code, unnest(subcontractor_codes), 'subcontractor' FROM core_contract
)
SELECT k.org_id, o.org_name, k.provider_code, r.contract_ref, r.region_code, r.role
FROM codes k
JOIN roles r USING (provider_code)
JOIN core_organisation o USING (org_id);

-- mart_organisation_role: one row per organisation. derived_role: 'lead' if it leads any contract of the
-- register, else 'subcontractor' if it subcontracts on any, else 'none'; NULL when it carries no provider
-- code (the register cannot say). in_supply_chain: the register's answer where there is one, else the
-- organisation's own in_supply_chain answer (no answer: not in a supply chain). contradicts: its own
-- answer differs from the register's (shown as a warning on Data status; the register's answer is used).
CREATE OR REPLACE VIEW mart_organisation_role AS
WITH derived AS (
    SELECT o.org_id,
           CASE WHEN bool_or(m.role = 'lead') THEN 'lead'
                WHEN bool_or(m.role = 'subcontractor') THEN 'subcontractor'
                WHEN len(coalesce(any_value(o.provider_codes), [])) > 0 OR any_value(o.provider_code) IS NOT NULL THEN 'none'
           END AS derived_role,
           count(DISTINCT m.contract_ref) FILTER (WHERE m.role = 'lead') AS contracts_led,
           count(DISTINCT m.contract_ref) FILTER (WHERE m.role = 'subcontractor') AS contracts_subcontracted
    FROM core_organisation o
    LEFT JOIN mart_supply_chain_member m USING (org_id)
    GROUP BY o.org_id
)
SELECT o.org_id, o.org_name, o.regions_served, d.derived_role, d.contracts_led, d.contracts_subcontracted,
       o.in_supply_chain AS stated_in_supply_chain,
       coalesce(d.derived_role <> 'none', o.in_supply_chain, false) AS in_supply_chain,
       coalesce(d.derived_role IS NOT NULL AND o.in_supply_chain IS NOT NULL
                AND (d.derived_role <> 'none') <> o.in_supply_chain, false) AS contradicts
FROM core_organisation o
JOIN derived d USING (org_id);

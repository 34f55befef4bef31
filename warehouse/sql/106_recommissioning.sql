-- Re-commissioning horizon: contracts of the register whose end_date falls after the data's as-of day
-- (mart_data_as_of) and no more than 18 months after it (as_of < end_date <= as_of + 18 months).
CREATE OR REPLACE VIEW mart_recommissioning AS
SELECT c.contract_ref, c.intervention_title, c.region_code, c.lot, c.lead_provider_code, c.lead_provider_name,
       c.end_date, c.annual_value_gbp, cc.service_categories,
       date_diff('month', d.as_of_date, c.end_date) AS months_left
FROM mart_contract c
JOIN core_contract cc USING (contract_ref)
CROSS JOIN mart_data_as_of d
WHERE c.end_date > d.as_of_date AND c.end_date <= d.as_of_date + INTERVAL 18 MONTH;

-- The outreach list for each of those contracts: organisations known in the contract's region
-- (regions_served) that never came to any of that region's forums up to the as-of day, that work in at least
-- one of the contract's service categories, and that are not already its lead or a subcontractor.
-- Categories match by name, except that the regional variants of Dependency and Recovery and of Finance,
-- Benefit and Debt (and Family and Significant Others (GM)) count as their one category: the match key is
-- the category's family, or for personal wellbeing categories the name without ' (GM)'.
-- Organisations that give no service_categories cannot be matched and are not listed.
CREATE OR REPLACE VIEW mart_recommissioning_outreach AS
WITH category_key AS (
    SELECT service_category,
           CASE WHEN family LIKE 'Personal Wellbeing%' THEN replace(service_category, ' (GM)', '') ELSE family END AS match_key
    FROM ref_service_category
), contract_keys AS (
    SELECT r.contract_ref, k.match_key
    FROM (SELECT contract_ref, unnest(service_categories) AS service_category FROM mart_recommissioning) r
    JOIN category_key k USING (service_category)
), org_keys AS (
    SELECT o.org_id, k.match_key, o.service_category
    FROM (SELECT org_id, unnest(service_categories) AS service_category FROM core_organisation) o
    JOIN category_key k USING (service_category)
), attended AS (
    SELECT DISTINCT a.org_id, m.region_code
    FROM core_forum_attendance a JOIN core_forum_meeting m USING (meeting_id) CROSS JOIN mart_data_as_of d
    WHERE m.meeting_date <= d.as_of_date
), matched AS (
    SELECT c.contract_ref, ok.org_id, list_sort(list_distinct(list(ok.service_category))) AS shared_categories
    FROM contract_keys c JOIN org_keys ok USING (match_key)
    GROUP BY ALL
)
SELECT r.contract_ref, r.region_code, o.org_id, o.org_name, o.income_band, o.specialisms,
       o.on_dynamic_framework, m.shared_categories
FROM mart_recommissioning r
JOIN matched m USING (contract_ref)
JOIN core_organisation o ON o.org_id = m.org_id AND list_contains(o.regions_served, r.region_code)
WHERE NOT EXISTS (SELECT 1 FROM attended t WHERE t.org_id = o.org_id AND t.region_code = r.region_code)
  AND NOT EXISTS (SELECT 1 FROM mart_supply_chain_member s
                  WHERE s.org_id = o.org_id AND s.contract_ref = r.contract_ref);

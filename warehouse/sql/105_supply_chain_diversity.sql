-- Supply-chain diversity: per region and kind of organisation, the organisations known in the region
-- (regions_served) against those in its supply chains (mart_supply_chain_member: the contract register).
-- An organisation's role in a region is 'lead' if it leads any of the region's contracts, else
-- 'subcontractor'. Segments overlap ('small' is under_10k plus 10k_100k); 'welsh' is counted in Wales only.
-- known_pct = 100 x known / known of 'all'; supply_chain_pct = 100 x (leads + subcontractors) / the same
-- for 'all'; lead_pct = 100 x leads / leads of 'all' (NULL when the denominator is 0).
-- providers_not_in_register: provider codes leading or subcontracting on the region's contracts that no
-- organisation of the register carries (their size and kind are unknown; the same on every row of a region).
CREATE OR REPLACE VIEW mart_supply_chain_diversity AS
WITH known AS (
    SELECT org_id, unnest(regions_served) AS region_code FROM core_organisation
), chain AS (
    SELECT org_id, region_code,
           CASE WHEN bool_or(role = 'lead') THEN 'lead' ELSE 'subcontractor' END AS role
    FROM mart_supply_chain_member
    GROUP BY ALL
), everyone AS (
    SELECT region_code, org_id, k.org_id IS NOT NULL AS is_known, c.role
    FROM known k FULL JOIN chain c USING (org_id, region_code)
), seg AS (
    SELECT e.*, o.income_band, o.specialisms FROM everyone e JOIN core_organisation o USING (org_id)
), segmented AS (
    SELECT region_code, org_id, is_known, role, 'all' AS segment FROM seg
    UNION ALL SELECT region_code, org_id, is_known, role, 'under_10k' FROM seg WHERE income_band = 'under_10k'
    UNION ALL SELECT region_code, org_id, is_known, role, '10k_100k' FROM seg WHERE income_band = '10k_100k'
    UNION ALL SELECT region_code, org_id, is_known, role, '100k_1m' FROM seg WHERE income_band IN ('100k_500k', '500k_1m')
    UNION ALL SELECT region_code, org_id, is_known, role, 'over_1m' FROM seg WHERE income_band IN ('1m_10m', 'over_10m')
    UNION ALL SELECT region_code, org_id, is_known, role, 'small' FROM seg WHERE income_band IN ('under_10k', '10k_100k')
    UNION ALL SELECT region_code, org_id, is_known, role, 'women' FROM seg WHERE list_contains(specialisms, 'women')
    UNION ALL SELECT region_code, org_id, is_known, role, 'racially_minoritised_led' FROM seg WHERE list_contains(specialisms, 'racially_minoritised_led')
    UNION ALL SELECT region_code, org_id, is_known, role, 'welsh' FROM seg WHERE list_contains(specialisms, 'welsh') AND region_code = 'D'
), counted AS (
    SELECT region_code, segment,
           count(*) FILTER (WHERE is_known) AS known,
           count(*) FILTER (WHERE role = 'lead') AS leads,
           count(*) FILTER (WHERE role = 'subcontractor') AS subcontractors
    FROM segmented GROUP BY ALL
), segments AS (  -- every segment in every region that has organisations or contracts, even when 0
    SELECT r.region_code, s.segment
    FROM (SELECT region_code FROM known UNION SELECT region_code FROM core_contract) r
    CROSS JOIN (VALUES ('all'), ('under_10k'), ('10k_100k'), ('100k_1m'), ('over_1m'), ('small'), ('women'),
                       ('racially_minoritised_led'), ('welsh')) s(segment)
    WHERE s.segment <> 'welsh' OR r.region_code = 'D'
), unmatched AS (
    SELECT region_code, count(DISTINCT provider_code) AS providers_not_in_register
    FROM (SELECT region_code, lead_provider_code AS provider_code FROM core_contract
          UNION SELECT region_code, unnest(subcontractor_codes) FROM core_contract) p
    WHERE provider_code NOT IN (SELECT provider_code FROM mart_supply_chain_member)
    GROUP BY ALL
), whole AS (
    SELECT s.region_code, s.segment,
           coalesce(c.known, 0) AS known, coalesce(c.leads, 0) AS leads,
           coalesce(c.subcontractors, 0) AS subcontractors,
           coalesce(c.leads, 0) + coalesce(c.subcontractors, 0) AS supply_chain,
           coalesce(u.providers_not_in_register, 0) AS providers_not_in_register
    FROM segments s
    LEFT JOIN counted c USING (region_code, segment)
    LEFT JOIN unmatched u USING (region_code)
)
SELECT w.region_code, w.segment, w.known, w.leads, w.subcontractors, w.supply_chain,
       100.0 * w.known / nullif(a.known, 0) AS known_pct,
       100.0 * w.supply_chain / nullif(a.supply_chain, 0) AS supply_chain_pct,
       100.0 * w.leads / nullif(a.leads, 0) AS lead_pct,
       w.providers_not_in_register
FROM whole w
JOIN whole a ON a.region_code = w.region_code AND a.segment = 'all';

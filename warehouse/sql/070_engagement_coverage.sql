-- Engagement coverage: of the voluntary organisations known to serve a region, the share that
-- attended at least one of that region's forums in the 12 months up to as_of (in_coverage_window).
-- An organisation serving several regions counts in each. Segments overlap (an organisation can be
-- small and women's specialist); 'all' counts each organisation once per region.
-- in_supply_chain is the contract register's answer where the organisation carries provider codes
-- (mart_organisation_role), else its own answer.
CREATE OR REPLACE MACRO engagement_coverage(as_of) AS TABLE
WITH org_region AS (
    SELECT o.* EXCLUDE (in_supply_chain), r.in_supply_chain, unnest(o.regions_served) AS region_code
    FROM core_organisation o JOIN mart_organisation_role r USING (org_id)
), engaged AS (
    SELECT DISTINCT a.org_id, m.region_code
    FROM core_forum_attendance a JOIN core_forum_meeting m USING (meeting_id)
    WHERE in_coverage_window(m.meeting_date, as_of)
), segmented AS (
    SELECT region_code, org_id, 'all' AS segment FROM org_region
    UNION ALL SELECT region_code, org_id, 'small' FROM org_region WHERE income_band IN ('under_10k', '10k_100k')
    UNION ALL SELECT region_code, org_id, 'women' FROM org_region WHERE list_contains(specialisms, 'women')
    UNION ALL SELECT region_code, org_id, 'racially_minoritised_led' FROM org_region WHERE list_contains(specialisms, 'racially_minoritised_led')
    UNION ALL SELECT region_code, org_id, 'welsh' FROM org_region WHERE list_contains(specialisms, 'welsh') AND region_code = 'D'
    UNION ALL SELECT region_code, org_id, 'not_on_framework' FROM org_region WHERE NOT on_dynamic_framework
    UNION ALL SELECT region_code, org_id, 'in_supply_chain' FROM org_region WHERE in_supply_chain
    UNION ALL SELECT region_code, org_id, 'not_in_supply_chain' FROM org_region WHERE NOT in_supply_chain
)
SELECT s.region_code, s.segment,
       count(*) AS organisations,
       count(e.org_id) AS engaged,
       100.0 * count(e.org_id) / count(*) AS coverage_pct
FROM segmented s
LEFT JOIN engaged e ON e.org_id = s.org_id AND e.region_code = s.region_code
GROUP BY ALL;

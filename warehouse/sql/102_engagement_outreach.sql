-- Organisations to reach: one row per organisation and region it serves, for each region whose forums it
-- did not come to in the 12 months up to as_of (in_coverage_window: the same window as engagement_coverage, so per region
-- these rows number organisations - engaged). last_attended: the last of that region's forums it came
-- to on or before as_of; NULL means never. A table macro: SELECT * FROM engagement_outreach(DATE '2026-03-31').
CREATE OR REPLACE MACRO engagement_outreach(as_of) AS TABLE
WITH org_region AS (
    SELECT o.org_id, o.org_name, o.income_band, o.specialisms, o.regions_served,
           o.on_dynamic_framework, o.in_supply_chain,
           unnest(o.regions_served) AS region_code
    FROM core_organisation o
), attended AS (
    SELECT a.org_id, m.region_code, max(m.meeting_date) AS last_attended
    FROM core_forum_attendance a JOIN core_forum_meeting m USING (meeting_id)
    WHERE m.meeting_date <= CAST(as_of AS DATE)
    GROUP BY ALL
)
SELECT o.*, t.last_attended
FROM org_region o
LEFT JOIN attended t USING (org_id, region_code)
WHERE t.last_attended IS NULL OR NOT in_coverage_window(t.last_attended, as_of);

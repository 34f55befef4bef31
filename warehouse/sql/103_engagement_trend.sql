-- Engagement coverage over time: engagement_coverage at the end of every calendar quarter from the first
-- forum's quarter, and at the data's as-of day (is_data_as_of). Each point looks back 12 months from its
-- date; the register of organisations is today's at every point (it keeps no history).
CREATE OR REPLACE VIEW mart_engagement_trend AS
WITH a AS (
    SELECT as_of_date FROM mart_data_as_of
), dates AS (
    SELECT (unnest(generate_series(
               date_trunc('quarter', (SELECT min(meeting_date) FROM core_forum_meeting)) + INTERVAL 3 MONTH,
               date_trunc('quarter', a.as_of_date),
               INTERVAL 3 MONTH)) - INTERVAL 1 DAY)::DATE AS as_of_date
    FROM a
    UNION
    SELECT as_of_date FROM a WHERE EXISTS (SELECT 1 FROM core_forum_meeting)
)
SELECT d.as_of_date,
       d.as_of_date = (SELECT as_of_date FROM a) AS is_data_as_of,
       e.region_code, e.segment, e.organisations, e.engaged, e.coverage_pct
FROM dates d, LATERAL (SELECT * FROM engagement_coverage(d.as_of_date)) e;

-- RPD forums held per region and calendar quarter, from the first forum's quarter to the quarter of the
-- data's as-of day (quarters with none count 0). Forums after the as-of day are left out; the as-of
-- quarter is provisional unless the as-of day is its last day. forums_in_window: those of the quarter's forums held in
-- the 12 months to the as-of day (in_coverage_window, the window of engagement coverage): the Engagement page's
-- "forums held" headline is their sum, so it counts exactly the forums coverage counts.
CREATE OR REPLACE VIEW mart_forum_quarterly AS
WITH a AS (
    SELECT as_of_date FROM mart_data_as_of
), quarters AS (
    SELECT unnest(generate_series(
               date_trunc('quarter', (SELECT min(meeting_date) FROM core_forum_meeting)),
               date_trunc('quarter', a.as_of_date),
               INTERVAL 3 MONTH))::DATE AS quarter_start
    FROM a
)
SELECT r.region_code,
       strftime(q.quarter_start, '%Y') || '-Q' || quarter(q.quarter_start) AS quarter,
       q.quarter_start,
       count(m.meeting_id) AS forums,
       count(m.meeting_id) FILTER (WHERE in_coverage_window(m.meeting_date, a.as_of_date)) AS forums_in_window,
       q.quarter_start = date_trunc('quarter', a.as_of_date)
           AND a.as_of_date < last_day(q.quarter_start + INTERVAL 2 MONTH) AS is_provisional
FROM quarters q
CROSS JOIN ref_region r
CROSS JOIN a
LEFT JOIN core_forum_meeting m
  ON m.region_code = r.region_code
 AND date_trunc('quarter', m.meeting_date) = q.quarter_start
 AND m.meeting_date <= a.as_of_date
GROUP BY ALL;

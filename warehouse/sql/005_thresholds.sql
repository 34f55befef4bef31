-- The thresholds every measure, page and the weekly summary read: their one home (docs/measures.md).
--   well_below_pct = -20: a contract is "well below forecast" when its volume gap over the recent window is
--                    below this (the Overview's headline, the attention list's reasons, the weekly summary);
--   well_above_pct = 20: the attention list also names a gap above this;
--   recent_months  = 3: the recent window is the last 3 complete months before the provisional (as-of) month;
--   coverage_months = 12: engagement coverage, the outreach list and "forums held" look back this many
--                    months to the data's as-of day.
CREATE OR REPLACE VIEW mart_thresholds AS
SELECT -20.0 AS well_below_pct, 20.0 AS well_above_pct, 3 AS recent_months, 12 AS coverage_months;

-- The coverage window: the coverage_months months up to as_of (a day after its start, up to as_of itself).
CREATE OR REPLACE MACRO in_coverage_window(day, as_of) AS
    day > CAST(as_of AS DATE) - to_months((SELECT coverage_months FROM mart_thresholds))
    AND day <= CAST(as_of AS DATE);

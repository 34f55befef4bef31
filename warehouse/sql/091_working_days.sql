-- Working days (Monday to Friday; bank holidays are not taken out) from one day up to, not including,
-- another: numpy.busday_count(start, end). Next working day = 1; Friday to Monday = 1; same day = 0.
-- = 5 x whole weeks + the weekdays among the remaining (fewer than 7) days, counted from start's weekday.
CREATE OR REPLACE MACRO working_days(start_day, end_day) AS
    5 * (date_diff('day', CAST(start_day AS DATE), CAST(end_day AS DATE)) // 7)
    + greatest(0, least(isodow(CAST(start_day AS DATE)) - 1 + date_diff('day', CAST(start_day AS DATE), CAST(end_day AS DATE)) % 7, 5)
                  - least(isodow(CAST(start_day AS DATE)) - 1, 5))
    + greatest(0, least(isodow(CAST(start_day AS DATE)) - 1 + date_diff('day', CAST(start_day AS DATE), CAST(end_day AS DATE)) % 7, 12) - 7);

-- Timeliness per referral: working days from the day it was received to the day its first assessment
-- was arranged, and to the day the person first attended it (NULL until that happens);
-- within_10_working_days: attended within 10 working days of the referral (NULL until attended).
CREATE OR REPLACE VIEW mart_referral_timeliness AS
SELECT contract_ref,
       referral_month AS month,
       referral_id,
       referred_at::DATE AS received_on,
       CASE WHEN assessment_arranged_at IS NOT NULL
            THEN working_days(referred_at, assessment_arranged_at) END AS working_days_to_arranged,
       CASE WHEN assessment_attended_at IS NOT NULL
            THEN working_days(referred_at, assessment_attended_at) END AS working_days_to_attended,
       CASE WHEN assessment_attended_at IS NOT NULL
            THEN working_days(referred_at, assessment_attended_at) <= 10 END AS within_10_working_days
FROM core_referral;

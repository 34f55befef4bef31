-- Checked data. Every row keeps the file (file_id) and the row of that file (source_row) it came from.
-- No primary keys: uniqueness is checked before loading, and DuckDB's unique indexes reject a
-- delete-then-insert of the same key inside one transaction.
CREATE TABLE IF NOT EXISTS core_contract (
    contract_ref VARCHAR NOT NULL, contract_type_code VARCHAR NOT NULL, service_categories VARCHAR[],
    region_code VARCHAR NOT NULL, pcc_area_codes VARCHAR[], intervention_title VARCHAR,
    lead_provider_code VARCHAR NOT NULL, lead_provider_name VARCHAR NOT NULL, lead_provider_sector VARCHAR NOT NULL,
    subcontractor_codes VARCHAR[], start_date DATE NOT NULL, end_date DATE,
    annual_value_gbp DECIMAL(14, 2) NOT NULL, indicative_annual_volume BIGINT NOT NULL, annual_volume_cap BIGINT,
    band_1_upto BIGINT, band_1_payment_gbp DECIMAL(14, 2), band_2_upto BIGINT, band_2_payment_gbp DECIMAL(14, 2),
    band_3_upto BIGINT, band_3_payment_gbp DECIMAL(14, 2),
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS core_referral (
    referral_id VARCHAR NOT NULL, referral_ref VARCHAR NOT NULL, contract_ref VARCHAR NOT NULL,
    provider_code VARCHAR, provider_name VARCHAR, contract_type_name VARCHAR,
    person_key VARCHAR NOT NULL,           -- keyed hash of the CRN; the CRN itself is never stored
    referred_at TIMESTAMP NOT NULL, referral_month DATE NOT NULL,
    assessment_arranged_at TIMESTAMP, assessment_scheduled_for TIMESTAMP, assessment_first_missed_at TIMESTAMP,
    assessment_attended_at TIMESTAMP, assessment_completed_at TIMESTAMP, assessment_on_time BOOLEAN,
    action_plan_submitted_at TIMESTAMP, action_plan_approved_at TIMESTAMP, first_session_attended_at TIMESTAMP,
    outcomes_to_achieve BIGINT, outcomes_achieved_score DOUBLE, sessions_expected BIGINT, sessions_attended BIGINT,
    end_requested_at TIMESTAMP, end_reason_code VARCHAR, end_reason_description VARCHAR,
    end_of_service_report_at TIMESTAMP, concluded_at TIMESTAMP, end_state VARCHAR, completion_deadline DATE,
    source_shape VARCHAR NOT NULL,         -- referrals_performance_report | referrals_weekly_extract
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS core_kpi_return (
    contract_ref VARCHAR NOT NULL, quarter VARCHAR NOT NULL, quarter_start DATE NOT NULL,
    kpi_code VARCHAR NOT NULL, kpi_name VARCHAR, numerator BIGINT NOT NULL, denominator BIGINT NOT NULL,
    target_pct DOUBLE NOT NULL,
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS core_financial_return (
    contract_ref VARCHAR NOT NULL, quarter VARCHAR NOT NULL, quarter_start DATE NOT NULL,
    contract_income_gbp DECIMAL(14, 2) NOT NULL, full_delivery_cost_gbp DECIMAL(14, 2) NOT NULL,
    other_funding_gbp DECIMAL(14, 2) NOT NULL, other_funding_source VARCHAR,
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS core_organisation (
    org_id VARCHAR NOT NULL, org_name VARCHAR NOT NULL, income_band VARCHAR NOT NULL,
    specialisms VARCHAR[], regions_served VARCHAR[] NOT NULL,
    on_dynamic_framework BOOLEAN NOT NULL, in_supply_chain BOOLEAN NOT NULL, provider_code VARCHAR,
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS core_forum_meeting (
    meeting_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, meeting_date DATE NOT NULL,
    format VARCHAR NOT NULL, topic VARCHAR,
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS core_forum_attendance (
    meeting_id VARCHAR NOT NULL, org_id VARCHAR NOT NULL,
    file_id VARCHAR NOT NULL, source_row BIGINT NOT NULL
);

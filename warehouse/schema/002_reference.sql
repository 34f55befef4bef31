-- Reference data from MoJ's referral service, reloaded from warehouse/refdata/ at every refresh.
CREATE TABLE IF NOT EXISTS ref_region (
    region_code VARCHAR NOT NULL, region_name VARCHAR NOT NULL, country VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_pcc_area (
    pcc_area_code VARCHAR NOT NULL, pcc_area_name VARCHAR NOT NULL, region_code VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_contract_type (
    contract_type_code VARCHAR NOT NULL, contract_type_name VARCHAR NOT NULL,
    lot VARCHAR NOT NULL,                  -- the family used in charts: Accommodation, ETE, ...
    service_categories VARCHAR[] NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_service_category (
    service_category VARCHAR NOT NULL, family VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_end_reason (
    reason_type VARCHAR NOT NULL, code VARCHAR NOT NULL, description VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_provider (
    provider_code VARCHAR NOT NULL, provider_name VARCHAR NOT NULL
);

-- One row per contract with everything pages filter and group by: region, PCC areas, lot, provider, sector,
-- and the one label every page lists a contract by: its name, then its reference in brackets.
CREATE OR REPLACE VIEW mart_contract AS
SELECT c.contract_ref,
       c.intervention_title,
       c.intervention_title || ' (' || c.contract_ref || ')' AS contract_label,
       c.contract_type_code,
       t.contract_type_name,
       t.lot,
       c.region_code,
       r.region_name,
       c.pcc_area_codes,
       c.lead_provider_code,
       c.lead_provider_name,
       c.lead_provider_sector,
       c.subcontractor_codes,
       c.start_date,
       c.end_date,
       c.annual_value_gbp,
       c.indicative_annual_volume,
       coalesce(c.band_3_upto, c.band_2_upto, c.band_1_upto, c.annual_volume_cap) AS volume_cap,
       c.band_1_upto IS NOT NULL AS has_bands
FROM core_contract c
LEFT JOIN ref_contract_type t USING (contract_type_code)
LEFT JOIN ref_region r USING (region_code);

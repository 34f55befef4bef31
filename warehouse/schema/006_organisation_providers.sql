-- Supply chains from the contract register: an organisation can carry the provider codes it has in the
-- register (its role on each contract is then worked out from the register, see mart_supply_chain_member),
-- and the service categories it works in (matched to contracts ending soon, see mart_recommissioning_outreach).
-- in_supply_chain becomes optional: the register's answer wins where the two disagree.
ALTER TABLE core_organisation ADD COLUMN IF NOT EXISTS provider_codes VARCHAR[];
ALTER TABLE core_organisation ADD COLUMN IF NOT EXISTS service_categories VARCHAR[];
ALTER TABLE core_organisation ALTER COLUMN in_supply_chain DROP NOT NULL;

-- Referrals received per contract and calendar month (of the date the referral was received).
CREATE OR REPLACE VIEW mart_referrals_monthly AS
SELECT contract_ref,
       referral_month AS month,
       count(*) AS referrals_received,
       count(DISTINCT person_key) AS people_referred
FROM core_referral
GROUP BY ALL;

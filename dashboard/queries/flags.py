"""Queries of the flag pages: the user's contracts, and the warehouse's referrals for one contract and
month (the count shown beside the provider's, and the references reconciled against theirs)."""

# ruff: noqa: S608 -- only the constant access fragment is formatted in; values are bound parameters.

from __future__ import annotations

from dashboard.queries import ALLOWED, by_contract

QUERIES = {
    "flag_contracts": by_contract(f"""
        SELECT c.contract_ref, c.intervention_title, c.contract_label, c.region_code, c.region_name,
               c.lead_provider_code, c.lead_provider_name, c.start_date
        FROM mart_contract c
        WHERE {ALLOWED.format(col="c.contract_ref")}
        ORDER BY c.intervention_title, c.contract_ref
    """),
    # Months from the contract's start to the data's as-of month, newest first, with the count.
    "flag_months": by_contract(f"""
        SELECT month, received FROM mart_volume_gap
        WHERE contract_ref = $contract AND {ALLOWED.format(col="contract_ref")}
        ORDER BY month DESC
    """),
    "flag_month_references": by_contract(f"""
        SELECT DISTINCT referral_ref FROM core_referral
        WHERE contract_ref = $contract AND referral_month = CAST($month AS DATE)
          AND {ALLOWED.format(col="contract_ref")}
        ORDER BY referral_ref
    """),
}

"""Queries of the Volume versus forecast page. Scope parameters (SCOPE_FILTER on mart_contract c), then
$since (first month shown) and $contract (one contract, or NULL for every contract in scope)."""

from __future__ import annotations

# S608: the f-strings below join constant SQL fragments of this package; no value is ever formatted in.
# ruff: noqa: S608
from dashboard.queries import ALLOWED, by_contract
from dashboard.queries.overview import IN_SCOPE

# The contracts in scope, narrowed to the chosen contract when one is chosen.
_CHOSEN = f"""
    SELECT * FROM ({IN_SCOPE}) s
    WHERE CAST($contract AS VARCHAR) IS NULL OR s.contract_ref = $contract
"""

# Received and forecast summed over the chosen contracts, with the gap and gap % of those sums (the formula of
# mart_volume_gap): pages read the gap from here and never work it out again.
_SUMS = """
    sum(g.received) AS received, sum(g.forecast) AS forecast, sum(g.received) - sum(g.forecast) AS gap,
    CASE WHEN sum(g.forecast) > 0 THEN 100.0 * (sum(g.received) - sum(g.forecast)) / sum(g.forecast) END AS gap_pct
"""

# The recent window of complete months and the one before it (as long), for the chosen contracts.
_TWO_WINDOWS = f"""
    FROM mart_volume_gap g JOIN ({_CHOSEN}) c USING (contract_ref), mart_reporting_periods p, mart_thresholds t
    WHERE g.month BETWEEN p.last3_start - to_months(t.recent_months) AND p.last_complete_month
"""

_MONTHLY = f"""
    SELECT g.month, {_SUMS}, bool_or(g.is_provisional) AS is_provisional
    FROM mart_volume_gap g JOIN ({_CHOSEN}) c USING (contract_ref)
"""

QUERIES = {
    "volume_contracts": by_contract(f"""
        SELECT contract_ref, intervention_title, contract_label, region_name, lot, lead_provider_name
        FROM ({IN_SCOPE}) c ORDER BY region_name, intervention_title, contract_ref
    """),
    "volume_monthly": by_contract(
        _MONTHLY
        + """
        WHERE g.month >= CAST($since AS DATE)
        GROUP BY g.month ORDER BY g.month
    """
    ),
    # The page's headline: the same sums over the whole period (the rows of volume_monthly added up).
    "volume_headline": by_contract(f"""
        SELECT {_SUMS}
        FROM mart_volume_gap g JOIN ({_CHOSEN}) c USING (contract_ref)
        WHERE g.month >= CAST($since AS DATE)
    """),
    # Since each contract's start: running totals of received and forecast, month by month.
    "volume_cumulative": by_contract(
        "SELECT month, received, forecast, is_provisional,"
        " sum(received) OVER (ORDER BY month) AS cumulative_received,"
        " sum(forecast) OVER (ORDER BY month) AS cumulative_forecast FROM ("
        + _MONTHLY
        + " GROUP BY g.month) ORDER BY month"
    ),
    # The recent window (the last recent_months complete months of mart_thresholds) and the window before it,
    # month by month; is_recent marks the months of the recent window.
    "volume_recent": by_contract(f"""
        SELECT g.month, g.month >= p.last3_start AS is_recent, {_SUMS}, bool_or(g.is_provisional) AS is_provisional
        {_TWO_WINDOWS}
        GROUP BY ALL ORDER BY g.month
    """),
    # The same two windows, one row each (the recent one first): the trend's headline figures.
    "volume_trend": by_contract(f"""
        SELECT g.month >= p.last3_start AS is_recent, min(g.month) AS first_month, max(g.month) AS last_month,
               count(DISTINCT g.month) AS months, any_value(t.recent_months) AS window_months, {_SUMS}
        {_TWO_WINDOWS}
        GROUP BY ALL ORDER BY is_recent DESC
    """),
    "volume_bands": by_contract(f"""
        SELECT c.contract_ref, c.indicative_annual_volume, c.annual_volume_cap,
               c.band_1_upto, c.band_2_upto, c.band_3_upto,
               b.contract_year, b.year_start, b.year_end, b.referrals_received, b.band, b.volume_cap,
               b.referrals_above_cap, b.is_provisional
        FROM core_contract c LEFT JOIN mart_band_position b USING (contract_ref)
        WHERE c.contract_ref = $contract AND {ALLOWED.format(col="c.contract_ref")}
        ORDER BY b.contract_year
    """),
    # Received vs forecast over the period per group; $group is one of region, pcc, lot, provider, contract.
    # Contracts let per PCC area are grouped by their PCC area(s); others as "Whole region: <region>".
    "volume_gap_by": by_contract(f"""
        WITH c AS ({IN_SCOPE}),
        pcc AS (
            SELECT c.contract_ref, string_agg(p.pcc_area_name, '; ' ORDER BY p.pcc_area_name) AS pcc_names
            FROM c, unnest(c.pcc_area_codes) u(code) JOIN ref_pcc_area p ON p.pcc_area_code = u.code
            GROUP BY c.contract_ref
        ),
        labelled AS (
            SELECT c.contract_ref,
                   CASE $group WHEN 'region' THEN c.region_code
                               WHEN 'pcc' THEN coalesce(pcc.pcc_names, 'Whole region: ' || c.region_name)
                               WHEN 'lot' THEN c.lot
                               WHEN 'provider' THEN c.lead_provider_code
                               WHEN 'contract' THEN c.contract_ref END AS group_key,
                   CASE $group WHEN 'region' THEN c.region_name
                               WHEN 'pcc' THEN coalesce(pcc.pcc_names, 'Whole region: ' || c.region_name)
                               WHEN 'lot' THEN c.lot
                               WHEN 'provider' THEN c.lead_provider_name
                               WHEN 'contract' THEN c.contract_label END
                       AS group_name
            FROM c LEFT JOIN pcc USING (contract_ref)
        )
        SELECT l.group_key, l.group_name, count(DISTINCT l.contract_ref) AS contracts,
               sum(g.received) AS received, sum(g.forecast) AS forecast,
               sum(g.received) - sum(g.forecast) AS gap,
               CASE WHEN sum(g.forecast) > 0 THEN 100.0 * (sum(g.received) - sum(g.forecast)) / sum(g.forecast) END
                   AS gap_pct,
               bool_or(g.is_provisional) AS has_provisional
        FROM labelled l JOIN mart_volume_gap g USING (contract_ref)
        WHERE g.month >= CAST($since AS DATE)
        GROUP BY ALL
        ORDER BY gap_pct NULLS LAST, group_name
    """),
    # One contract's months in the period.
    "volume_contract_months": by_contract(f"""
        SELECT month, received, forecast, gap, gap_pct, is_provisional
        FROM mart_volume_gap
        WHERE contract_ref = $contract AND month >= CAST($since AS DATE) AND {ALLOWED.format(col="contract_ref")}
        ORDER BY month
    """),
    # Timeliness per month of referral: median working days to the first assessment arranged and attended,
    # and the share of attended first assessments within 10 working days.
    "volume_timeliness": by_contract(f"""
        SELECT t.month, count(*) AS referrals,
               count(t.working_days_to_arranged) AS arranged,
               median(t.working_days_to_arranged) AS median_days_to_arranged,
               count(t.working_days_to_attended) AS attended,
               median(t.working_days_to_attended) AS median_days_to_attended,
               count(*) FILTER (WHERE t.within_10_working_days) AS attended_within_10,
               100.0 * count(*) FILTER (WHERE t.within_10_working_days) / nullif(count(t.working_days_to_attended), 0)
                   AS pct_within_10,
               t.month = any_value(a.provisional_month) AS is_provisional
        FROM mart_referral_timeliness t JOIN ({_CHOSEN}) c USING (contract_ref), mart_data_as_of a
        WHERE t.month >= CAST($since AS DATE)
        GROUP BY t.month ORDER BY t.month
    """),
    # The same over the whole period (medians of all referrals, not of the monthly medians).
    "volume_timeliness_total": by_contract(f"""
        SELECT count(*) AS referrals,
               median(t.working_days_to_arranged) AS median_days_to_arranged,
               median(t.working_days_to_attended) AS median_days_to_attended,
               count(t.working_days_to_attended) AS attended,
               count(*) FILTER (WHERE t.within_10_working_days) AS attended_within_10,
               100.0 * count(*) FILTER (WHERE t.within_10_working_days) / nullif(count(t.working_days_to_attended), 0)
                   AS pct_within_10
        FROM mart_referral_timeliness t JOIN ({_CHOSEN}) c USING (contract_ref)
        WHERE t.month >= CAST($since AS DATE)
    """),
}

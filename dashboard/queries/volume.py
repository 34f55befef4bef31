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


def _timeliness_counts(month: str) -> str:
    """The counts of mart_timeliness_days for the chosen contracts since $since, added up per `month` (t.month,
    or NULL for the whole period), step and working days, each with `upto`: the referrals timed up to and
    including its working days, and `timed`: those timed at all (working days not NULL), in its month and step."""
    return f"""
        WITH days AS (
            SELECT {month} AS month, t.step, t.working_days, CAST(sum(t.referrals) AS BIGINT) AS n
            FROM mart_timeliness_days t JOIN ({_CHOSEN}) c USING (contract_ref)
            WHERE t.month >= CAST($since AS DATE)
            GROUP BY ALL
        ),
        counted AS (
            SELECT *, sum(n) OVER (PARTITION BY month, step ORDER BY working_days NULLS LAST) AS upto,
                      sum(n) FILTER (WHERE working_days IS NOT NULL) OVER (PARTITION BY month, step) AS timed
            FROM days
        )
    """


def _median(step: str) -> str:
    """The exact median working days of a step from the counts of _timeliness_counts, as DuckDB's median()
    of one row per referral gives it: the mean of the values at positions (timed - 1) // 2 and timed // 2
    (from 0, in order of working days; the same position when timed is odd), NULL when none is timed.
    The value at position k is the least working days whose `upto` exceeds k."""
    at = "min(d.working_days) FILTER (WHERE d.step = '{step}' AND d.upto > {k})"
    return f"({at.format(step=step, k='(d.timed - 1) // 2')} + {at.format(step=step, k='d.timed // 2')}) / 2"


# What the timeliness queries show, from the rows of _timeliness_counts (each referral is counted once per step).
_COUNT = "CAST(coalesce(sum(d.n) FILTER (WHERE {}), 0) AS BIGINT)"
_REFERRALS = _COUNT.format("d.step = 'arranged'")
_ARRANGED = _COUNT.format("d.step = 'arranged' AND d.working_days IS NOT NULL")
_ATTENDED = _COUNT.format("d.step = 'attended' AND d.working_days IS NOT NULL")
_WITHIN_10 = _COUNT.format("d.step = 'attended' AND d.working_days <= 10")
_PCT_WITHIN_10 = f"100.0 * {_WITHIN_10} / nullif({_ATTENDED}, 0)"

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
        {_timeliness_counts("t.month")}
        SELECT d.month, {_REFERRALS} AS referrals,
               {_ARRANGED} AS arranged, {_median("arranged")} AS median_days_to_arranged,
               {_ATTENDED} AS attended, {_median("attended")} AS median_days_to_attended,
               {_WITHIN_10} AS attended_within_10, {_PCT_WITHIN_10} AS pct_within_10,
               d.month = any_value(a.provisional_month) AS is_provisional
        FROM counted d, mart_data_as_of a
        GROUP BY d.month ORDER BY d.month
    """),
    # The same over the whole period (medians of all referrals, not of the monthly medians).
    "volume_timeliness_total": by_contract(f"""
        {_timeliness_counts("NULL")}
        SELECT {_REFERRALS} AS referrals,
               {_median("arranged")} AS median_days_to_arranged, {_median("attended")} AS median_days_to_attended,
               {_ATTENDED} AS attended, {_WITHIN_10} AS attended_within_10, {_PCT_WITHIN_10} AS pct_within_10
        FROM counted d
    """),
}

"""Queries of the Engagement coverage page. Organisations belong to regions, not contracts: only $region
applies (the lot, lead provider and PCC area filters do not). $as_of is the data's as-of day."""

# ruff: noqa: S608 -- only constant SQL fragments of this package (filters, labels) are formatted in;
# every value is a bound parameter.

from __future__ import annotations

from dashboard.queries import (
    IN_REGION,
    INCOME_BAND,
    ORGANISATION_KINDS,
    by_region,
    case_label,
    case_order,
)

_REGION = IN_REGION

SEGMENTS = {
    "all": "All known organisations",
    **ORGANISATION_KINDS,
    "not_on_framework": "Not on the Dynamic Framework",
    "in_supply_chain": "In a supply chain",
    "not_in_supply_chain": "Not in a supply chain",
}
_SEGMENT_LABEL = case_label("segment", SEGMENTS)
_SEGMENT_ORDER = case_order("segment", SEGMENTS)

QUERIES = {
    "engagement_by_region": by_region(f"""
        SELECT e.region_code, r.region_name, e.organisations, e.engaged, e.coverage_pct
        FROM engagement_coverage(CAST($as_of AS DATE)) e JOIN ref_region r USING (region_code)
        WHERE e.segment = 'all' AND {_REGION.format(col="e.region_code")}
        ORDER BY r.region_name
    """),
    # Segments summed over the regions in scope (an organisation serving several regions counts in each).
    "engagement_by_segment": by_region(f"""
        SELECT {_SEGMENT_LABEL} AS segment_name, sum(organisations)::BIGINT AS organisations,
               sum(engaged)::BIGINT AS engaged, 100.0 * sum(engaged) / sum(organisations) AS coverage_pct
        FROM engagement_coverage(CAST($as_of AS DATE))
        WHERE {_REGION.format(col="region_code")}
        GROUP BY segment
        ORDER BY {_SEGMENT_ORDER}
    """),
    "engagement_trend": by_region(f"""
        SELECT as_of_date, is_data_as_of, sum(organisations)::BIGINT AS organisations,
               sum(engaged)::BIGINT AS engaged, 100.0 * sum(engaged) / sum(organisations) AS coverage_pct
        FROM mart_engagement_trend
        WHERE segment = 'all' AND {_REGION.format(col="region_code")}
          AND as_of_date >= CAST($since AS DATE)
        GROUP BY ALL ORDER BY as_of_date
    """),
    # Forums per quarter in the period, and of them those in the 12 months to the as-of day (the coverage
    # window): quarters holding some of the window are listed even before the period, so forums_in_window adds
    # up to the "forums held" headline.
    "engagement_forums": by_region(f"""
        SELECT quarter, quarter_start, sum(forums)::BIGINT AS forums,
               sum(forums_in_window)::BIGINT AS forums_in_window, bool_or(is_provisional) AS is_provisional
        FROM mart_forum_quarterly
        WHERE {_REGION.format(col="region_code")}
        GROUP BY ALL
        HAVING quarter_start >= date_trunc('quarter', CAST($since AS DATE)) OR sum(forums_in_window) > 0
        ORDER BY quarter_start
    """),
    # One row per organisation and region in scope whose forums it has not come to in the 12 months to the
    # as-of day (the unit of engagement_by_region: an organisation counts once in each region it works in), with
    # the last of that region's forums it came to ('never' if none).
    "engagement_outreach": by_region(f"""
        WITH o AS (
            SELECT o.*, r.region_name
            FROM engagement_outreach(CAST($as_of AS DATE)) o JOIN ref_region r USING (region_code)
            WHERE {_REGION.format(col="o.region_code")}
        ), served AS (
            SELECT s.org_id, string_agg(r.region_name, ', ' ORDER BY r.region_name) AS regions_served
            FROM (SELECT org_id, unnest(regions_served) AS region_code FROM core_organisation) s
            JOIN ref_region r USING (region_code)
            GROUP BY s.org_id
        )
        SELECT o.org_name, o.org_id, {INCOME_BAND} AS income_band,
               coalesce(replace(array_to_string(o.specialisms, ', '), '_', ' '), '') AS specialisms,
               served.regions_served, o.region_name AS not_reached_in,
               coalesce(strftime(o.last_attended, '%d %b %Y'), 'never') AS last_attended
        FROM o JOIN served USING (org_id)
        ORDER BY o.org_name, o.org_id, o.region_name
    """),
}

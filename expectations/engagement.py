"""Suites for the voluntary-sector organisation register and the RPD forum records."""

from __future__ import annotations

import datetime as dt

import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import (
    empty,
    in_set,
    listed_outside,
    not_after,
    outside_sql,
    rule,
    sql_list,
)
from expectations.report import CheckContext

INCOME_BANDS = ("under_10k", "10k_100k", "100k_500k", "500k_1m", "1m_10m", "over_10m")
SPECIALISMS = (
    "women",
    "racially_minoritised_led",
    "welsh",
    "young_adults",
    "lgbtq",
    "disabled_led",
    "mental_health",
    "substance_misuse",
    "housing",
    "employment",
    "families",
    "veterans",
)
FORMATS = ("in_person", "online", "hybrid")
ORG_ID = r"^(?:CH\d{6,8}|CO[0-9A-Z]{8}|ORG-\d{1,6})$"


def derive_organisations(frame: pd.DataFrame, ctx: CheckContext) -> pd.DataFrame:
    frame["specialisms__unknown"] = listed_outside(frame["specialisms"], SPECIALISMS)
    frame["regions_served__unknown"] = listed_outside(
        frame["regions_served"], ctx.reference["region_code"]
    )
    frame["provider_codes__unknown"] = listed_outside(_codes(frame), ctx.register_providers)
    frame["service_categories__unknown"] = listed_outside(
        frame["service_categories"], ctx.reference["service_category"]
    )
    return frame


def derive_organisations_sql(columns: set[str], ctx: CheckContext) -> list[str]:
    """derive_organisations() in SQL over the typed rows `t`."""
    codes = "list_concat(CASE WHEN t.provider_code IS NULL THEN [] ELSE [t.provider_code] END, coalesce(t.provider_codes, []))"
    return [
        f"{outside_sql('t.specialisms', sql_list(SPECIALISMS))} AS specialisms__unknown",
        f"{outside_sql('t.regions_served', sql_list(ctx.reference['region_code']))} AS regions_served__unknown",
        f"{outside_sql(codes, sql_list(ctx.register_providers))} AS provider_codes__unknown",
        f"{outside_sql('t.service_categories', sql_list(ctx.reference['service_category']))} AS service_categories__unknown",
    ]


def _codes(frame: pd.DataFrame) -> pd.Series:
    """Every provider code a row gives: the old one-code column and the list, read together."""
    return pd.Series(
        [
            [*([one] if isinstance(one, str) else []), *(many if isinstance(many, list) else [])]
            or None
            for one, many in zip(frame["provider_code"], frame["provider_codes"], strict=True)
        ],
        index=frame.index,
        dtype=object,
    )


def organisation_rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        rule(
            gxe.ExpectColumnValuesToMatchRegex,
            "'org_id' must be CH and a charity number, CO and a company number, or ORG- and the team's own number.",
            column="org_id",
            regex=ORG_ID,
        ),
        in_set("income_band", "income_band", INCOME_BANDS, "one of"),
        empty(
            "specialisms__unknown",
            f"Every specialism must be one of: {', '.join(SPECIALISMS)}.",
        ),
        empty(
            "regions_served__unknown",
            "Every region in 'regions_served' must be a probation region code (A to L).",
        ),
        empty(
            "provider_codes__unknown",
            "Every code in 'provider_code' and 'provider_codes' must be the lead or a subcontractor of a "
            "contract in the contract register (load the register first, or correct the code).",
        ),
        empty(
            "service_categories__unknown",
            "Every service category in 'service_categories' must be one of the referral service's "
            "service categories (see the service categories reference list).",
        ),
    ]


def meeting_rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        in_set(
            "region_code", "region_code", ctx.reference["region_code"], "a probation region code"
        ),
        in_set("format", "format", FORMATS, "one of"),
        not_after("meeting_date", "meeting_date", ctx.today),
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            "'meeting_date' must be on or after 1 January 2021.",
            column="meeting_date",
            min_value=dt.datetime(2021, 1, 1),
        ),
    ]


def attendance_rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        in_set(
            "meeting_id", "meeting_id", ctx.meeting_ids, "a meeting in the forum meetings records"
        ),
        in_set("org_id", "org_id", ctx.org_ids, "an organisation in the organisations register"),
    ]

"""Suite for the contract register."""

from __future__ import annotations

import datetime as dt

import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import (
    between,
    empty,
    in_order,
    in_set,
    joined_sql,
    listed_outside,
    outside_sql,
    rule,
    sql_list,
    sql_text,
)
from expectations.report import UNREADABLE, CheckContext

SECTORS = ("voluntary", "private", "public")


def derive(frame: pd.DataFrame, ctx: CheckContext) -> pd.DataFrame:
    """Cross-field facts the rules below read."""
    allowed = [ctx.categories_by_type.get(t, frozenset()) for t in frame["contract_type_code"]]
    frame["service_categories__not_for_type"] = [
        (";".join(c for c in cats if c not in ok) or None) if isinstance(cats, list) else None
        for cats, ok in zip(frame["service_categories"], allowed, strict=True)
    ]
    frame["pcc_area_codes__unknown"] = listed_outside(
        frame["pcc_area_codes"], ctx.reference["pcc_area_code"]
    )
    frame["pcc_area_codes__outside_region"] = [
        (";".join(p for p in pccs if ctx.pcc_region.get(p, region) != region) or None)
        if isinstance(pccs, list)
        else None
        for pccs, region in zip(frame["pcc_area_codes"], frame["region_code"], strict=True)
    ]
    given = {n: _band_given(frame, n) for n in (1, 2, 3)}
    has_bands = given[1] | given[2] | given[3]
    # Provider codes have no commas: 'PACT,HIBISCUS' is two codes written with the wrong separator.
    frame["subcontractor_codes__comma"] = frame["subcontractor_codes"].map(
        lambda codes: (
            ";".join(c for c in codes if "," in c) or None if isinstance(codes, list) else None
        )
    )
    frame["bands__and_cap"] = (has_bands & frame["annual_volume_cap"].notna()).map(
        {True: "both", False: None}
    )
    # Band 2 without band 1, or band 3 without band 2: every band's position would be wrong.
    gap = (given[2] & ~given[1]) | (given[3] & ~given[2])
    frame["bands__gap"] = gap.map({True: "gap", False: None})
    incomplete = pd.Series(False, index=frame.index)
    for n in (1, 2, 3):
        incomplete |= frame[f"band_{n}_upto"].isna() != frame[f"band_{n}_payment_gbp"].isna()
    frame["bands__incomplete"] = incomplete.map({True: "incomplete", False: None})
    return frame


def derive_sql(columns: set[str], ctx: CheckContext) -> list[str]:
    """derive() in SQL over the typed rows `t`."""
    by_type = " ".join(
        f"WHEN {sql_text(kind)} THEN {sql_list(cats)}"
        for kind, cats in sorted(ctx.categories_by_type.items())
    )
    allowed = f"CASE t.contract_type_code {by_type} ELSE []::VARCHAR[] END"
    region_of = " ".join(
        f"WHEN {sql_text(pcc)} THEN {sql_text(region)}"
        for pcc, region in sorted(ctx.pcc_region.items())
    )
    pcc_region = f"CASE x {region_of} END" if region_of else "NULL"

    def given(n: int) -> str:
        parts = []
        for column in (f"band_{n}_upto", f"band_{n}_payment_gbp"):
            parts.append(f"t.{column} IS NOT NULL")
            if column + UNREADABLE in columns:
                parts.append(f"t.{column}{UNREADABLE} IS NOT NULL")
        return "(" + " OR ".join(parts) + ")"

    has_bands = f"({given(1)} OR {given(2)} OR {given(3)})"
    gap = f"(({given(2)} AND NOT {given(1)}) OR ({given(3)} AND NOT {given(2)}))"
    incomplete = " OR ".join(
        f"((t.band_{n}_upto IS NULL) <> (t.band_{n}_payment_gbp IS NULL))" for n in (1, 2, 3)
    )
    return [
        f"{outside_sql('t.service_categories', allowed)} AS service_categories__not_for_type",
        f"{outside_sql('t.pcc_area_codes', sql_list(ctx.reference['pcc_area_code']))} "
        "AS pcc_area_codes__unknown",
        joined_sql(
            f"list_filter(t.pcc_area_codes, lambda x: coalesce({pcc_region}, t.region_code) "
            "IS DISTINCT FROM t.region_code)"
        )
        + " AS pcc_area_codes__outside_region",
        joined_sql("list_filter(t.subcontractor_codes, lambda x: contains(x, ','))")
        + " AS subcontractor_codes__comma",
        f"CASE WHEN {has_bands} AND t.annual_volume_cap IS NOT NULL THEN 'both' END AS bands__and_cap",
        f"CASE WHEN {gap} THEN 'gap' END AS bands__gap",
        f"CASE WHEN {incomplete} THEN 'incomplete' END AS bands__incomplete",
    ]


def _band_given(frame: pd.DataFrame, n: int) -> pd.Series:
    """Rows where band n has its limit or its payment, readable or not."""
    given = pd.Series(False, index=frame.index)
    for column in (f"band_{n}_upto", f"band_{n}_payment_gbp"):
        given |= frame[column].notna()
        if column + UNREADABLE in frame:
            given |= frame[column + UNREADABLE].notna()
    return given


def rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        rule(
            gxe.ExpectColumnValueLengthsToBeBetween,
            "'contract_ref' must be at most 30 characters (as in the referral service).",
            column="contract_ref",
            max_value=30,
        ),
        in_set(
            "contract_type_code",
            "contract_type_code",
            ctx.reference["contract_type_code"],
            "a contract type of the referral service",
        ),
        empty(
            "service_categories__not_for_type",
            "Every service category must belong to the contract type (rule V5 of the referral service).",
        ),
        in_set(
            "region_code", "region_code", ctx.reference["region_code"], "a probation region code"
        ),
        empty(
            "pcc_area_codes__unknown",
            "Every PCC area in 'pcc_area_codes' must be a known PCC area code.",
        ),
        empty(
            "pcc_area_codes__outside_region",
            "Every PCC area in 'pcc_area_codes' must lie in the contract's region.",
        ),
        in_set("lead_provider_sector", "lead_provider_sector", SECTORS, "one of"),
        empty(
            "subcontractor_codes__comma",
            "'subcontractor_codes' must be provider codes separated by semicolons (;), not commas.",
        ),
        in_order("end_date", "start_date", "end_date", "start_date"),
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            "'start_date' must be between 1 January 2019 and two years from today.",
            column="start_date",
            min_value=dt.datetime(2019, 1, 1),
            max_value=dt.datetime.combine(ctx.today + dt.timedelta(days=730), dt.time()),
        ),
        between("annual_value_gbp", "annual_value_gbp", 1, 100_000_000, ""),
        between("indicative_annual_volume", "indicative_annual_volume", 1, 100_000),
        between("annual_volume_cap", "annual_volume_cap", 1, 100_000),
        empty(
            "bands__and_cap",
            "A contract has either volume bands or 'annual_volume_cap', not both.",
            show_values=False,
        ),
        empty(
            "bands__gap",
            "Volume bands must start at band 1 and leave no band out in between.",
            show_values=False,
        ),
        empty(
            "bands__incomplete",
            "Each volume band needs both its upper limit and its payment.",
            show_values=False,
        ),
        *[between(f"band_{n}_upto", f"band_{n}_upto", 1, 100_000) for n in (1, 2, 3)],
        *[
            between(f"band_{n}_payment_gbp", f"band_{n}_payment_gbp", 0, 100_000_000)
            for n in (1, 2, 3)
        ],
        *[
            rule(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                f"'band_{n}_upto' must be more than 'band_{n - 1}_upto'.",
                column_A=f"band_{n}_upto",
                column_B=f"band_{n - 1}_upto",
                ignore_row_if="either_value_is_missing",
            )
            for n in (2, 3)
        ],
        *[
            in_order(
                f"band_{n}_payment_gbp",
                f"band_{n - 1}_payment_gbp",
                f"band_{n}_payment_gbp",
                f"band_{n - 1}_payment_gbp",
            )
            for n in (2, 3)
        ],
    ]

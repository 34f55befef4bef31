"""Suite for referral records, in either shape the referral service exports."""

from __future__ import annotations

import datetime as dt

import great_expectations.expectations as gxe
import numpy as np
import pandas as pd

from expectations.common import between, empty, in_order, in_set, not_after, rule
from expectations.report import CheckContext

# Referral reference (rule V12): 2 letters without I or O, 4 digits, 2 letters of the contract type.
REFERRAL_REF = r"^[A-HJ-NP-Z]{2}\d{4}[A-Z]{2}$"
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
END_STATES = ("completed", "cancelled", "ended")
SERVICE_START = dt.datetime(2021, 6, 1)  # the referral service's reports start here (rule V8)

# (later, earlier) pairs of the referral's lifecycle, by warehouse name.
LIFECYCLE = [
    ("assessment_arranged_at", "referred_at"),
    ("assessment_scheduled_for", "assessment_arranged_at"),
    ("assessment_attended_at", "referred_at"),
    ("assessment_completed_at", "referred_at"),
    ("action_plan_submitted_at", "referred_at"),
    ("action_plan_submitted_at", "assessment_completed_at"),
    ("action_plan_approved_at", "action_plan_submitted_at"),
    ("first_session_attended_at", "action_plan_approved_at"),
    ("end_requested_at", "referred_at"),
    ("end_of_service_report_at", "referred_at"),
    ("concluded_at", "referred_at"),
    ("concluded_at", "end_of_service_report_at"),
    ("concluded_at", "end_requested_at"),
    ("completion_deadline", "referral_month"),
]


def expected_end_state(frame: pd.DataFrame) -> pd.Series:
    """Rule V10 of the referral service: the end state follows from which dates are present."""
    concluded = frame["concluded_at"].notna()
    requested = frame["end_requested_at"].notna()
    report = frame["end_of_service_report_at"].notna()
    state = np.select(
        [concluded & ~requested, concluded & requested & ~report, concluded & requested & report],
        ["completed", "cancelled", "ended"],
        default="",
    )
    return pd.Series(state, index=frame.index).replace("", None).astype(object)


def derive(frame: pd.DataFrame, ctx: CheckContext) -> pd.DataFrame:
    register = frame["contract_ref"].map(lambda ref: ctx.contracts.get(ref, {}))
    frame["contract__start"] = pd.to_datetime(register.map(lambda c: c.get("start_date")))
    end = register.map(lambda c: c.get("end_date"))
    frame["contract__end"] = (
        pd.to_datetime(end) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    )
    frame["end_state__expected"] = expected_end_state(frame)
    requested = frame["end_requested_at"].notna()
    has_reason = frame["end_reason_description"].notna()
    if "end_reason_code" in frame:
        has_reason |= frame["end_reason_code"].notna()
        pairs = ctx.reference.get("end_reason_pair", frozenset())
        both = frame["end_reason_code"].notna() & frame["end_reason_description"].notna()
        code_desc = (
            frame["end_reason_code"].astype(str) + "|" + frame["end_reason_description"].astype(str)
        )
        frame["end_reason__code_mismatch"] = code_desc.where(
            both & ~code_desc.isin(pairs), None
        ).astype(object)
    frame["end_reason__mismatch"] = pd.Series("mismatch", index=frame.index, dtype=object).where(
        requested != has_reason, None
    )
    if "provider_code" in frame:
        frame["contract__lead_provider_code"] = register.map(
            lambda c: c.get("lead_provider_code")
        ).astype(object)
    if "provider_name" in frame:
        frame["contract__lead_provider_name"] = register.map(
            lambda c: c.get("lead_provider_name")
        ).astype(object)
        frame["contract__type_name"] = register.map(lambda c: c.get("contract_type_name")).astype(
            object
        )
    return frame


def derive_sql(columns: set[str], ctx: CheckContext) -> list[str]:
    """derive() in SQL, over the typed rows `t` joined to their contract `c` (the register's start_date,
    end_date, lead_provider_code, lead_provider_name and contract_type_name): the same helper columns,
    for files checked in DuckDB. tests/integration/test_staged_ingest.py checks the two agree."""
    requested = "t.end_requested_at IS NOT NULL"
    concluded = "t.concluded_at IS NOT NULL"
    report = "t.end_of_service_report_at IS NOT NULL"
    has_reason = "t.end_reason_description IS NOT NULL"
    out = [
        "c.start_date::TIMESTAMP AS contract__start",
        "c.end_date::TIMESTAMP + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS contract__end",
        f"CASE WHEN {concluded} AND NOT {requested} THEN 'completed' "
        f"WHEN {concluded} AND {requested} AND NOT {report} THEN 'cancelled' "
        f"WHEN {concluded} AND {requested} AND {report} THEN 'ended' END AS end_state__expected",
    ]
    if "end_reason_code" in columns:
        has_reason = f"({has_reason} OR t.end_reason_code IS NOT NULL)"
        pairs = ", ".join(
            "'" + p.replace("'", "''") + "'"
            for p in sorted(ctx.reference.get("end_reason_pair", ()))
        )
        pair = "t.end_reason_code || '|' || t.end_reason_description"
        out.append(
            f"CASE WHEN t.end_reason_code IS NOT NULL AND t.end_reason_description IS NOT NULL "
            f"AND NOT list_contains([{pairs}]::VARCHAR[], {pair}) THEN {pair} END AS end_reason__code_mismatch"
        )
    out.append(
        f"CASE WHEN ({requested}) <> ({has_reason}) THEN 'mismatch' END AS end_reason__mismatch"
    )
    if "provider_code" in columns:
        out.append("c.lead_provider_code AS contract__lead_provider_code")
    if "provider_name" in columns:
        out.append("c.lead_provider_name AS contract__lead_provider_name")
        out.append("c.contract_type_name AS contract__type_name")
    return out


def rules(ctx: CheckContext, shape: str, names: dict[str, str]) -> list[gxe.Expectation]:
    """`names` maps warehouse column names to the file's own headers, used in every message."""

    def n(column: str) -> str:
        return names.get(column, column)

    dates = [
        c for c, _ in LIFECYCLE if c not in ("completion_deadline", "assessment_scheduled_for")
    ] + ["referred_at", "assessment_first_missed_at"]
    booked_limit = dt.datetime.combine(ctx.today + dt.timedelta(days=183), dt.time.max)
    found = [
        rule(
            gxe.ExpectColumnValuesToMatchRegex,
            "'referral_ref' must look like AB1234AC: two letters (not I or O), four digits, two letters.",
            column="referral_ref",
            regex=REFERRAL_REF,
        ),
        rule(
            gxe.ExpectColumnValuesToMatchRegex,
            "'referral_id' must be the referral's UUID from the referral service.",
            column="referral_id",
            regex=UUID,
        ),
        in_set(
            "contract_ref", n("contract_ref"), ctx.contracts, "a contract in the contract register"
        ),
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            "The referral must have been received on or after 1 June 2021, when the service started.",
            column="referred_at",
            min_value=SERVICE_START,
        ),
        rule(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            "The referral must be received on or after its contract's start date.",
            column_A="referred_at",
            column_B="contract__start",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        rule(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            "The referral must be received no later than its contract's end date.",
            column_A="contract__end",
            column_B="referred_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        *[not_after(c, n(c), ctx.today) for c in dict.fromkeys(dates)],
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            f"'{n('assessment_scheduled_for')}' may be a booked appointment, but not more than 6 months ahead (rule V3).",
            column="assessment_scheduled_for",
            max_value=booked_limit,
        ),
        *[
            in_order(
                later,
                earlier,
                n(later),
                n(earlier) if earlier != "referral_month" else n("referred_at"),
            )
            for later, earlier in LIFECYCLE
        ],
        empty(
            "end_reason__mismatch",
            f"When an end was requested ('{n('end_requested_at')}'), its reason must be given, and only then.",
            show_values=False,
        ),
        in_set("end_state", n("end_state"), END_STATES, "one of"),
        rule(
            gxe.ExpectColumnPairValuesToBeEqual,
            "The end state must follow from the dates: concluded with no end request = completed; end requested and "
            "no end-of-service report = cancelled; end requested with a report = ended; not concluded = empty.",
            column_A="end_state",
            column_B="end_state__expected",
            ignore_row_if="both_values_are_missing",
        ),
        in_set(
            "end_reason_description",
            n("end_reason_description"),
            ctx.reference["end_reason_description"],
            "a reason the referral service offers",
        ),
        between("outcomes_to_achieve", n("outcomes_to_achieve"), 0, 50),
        between("outcomes_achieved_score", n("outcomes_achieved_score"), 0, 50),
        rule(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            f"'{n('outcomes_achieved_score')}' cannot be more than '{n('outcomes_to_achieve')}'.",
            column_A="outcomes_to_achieve",
            column_B="outcomes_achieved_score",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        between("sessions_expected", n("sessions_expected"), 0, 500),
        between("sessions_attended", n("sessions_attended"), 0, 500),
    ]
    if shape == "referrals_performance_report":
        found.append(
            rule(
                gxe.ExpectColumnPairValuesToBeEqual,
                "'organisation_id' must be the lead provider of the contract in the contract register.",
                column_A="provider_code",
                column_B="contract__lead_provider_code",
                ignore_row_if="either_value_is_missing",
            )
        )
    else:
        found.append(
            in_set(
                "end_reason_code",
                n("end_reason_code"),
                ctx.reference["end_reason_code"],
                "a reason code of the referral service",
            )
        )
        found.append(
            empty(
                "end_reason__code_mismatch",
                f"'{n('end_reason_code')}' and '{n('end_reason_description')}' must be a code and its own description.",
            )
        )
        found.append(
            rule(
                gxe.ExpectColumnPairValuesToBeEqual,
                "'crs_contract_type' must be the contract type of the contract in the contract register.",
                column_A="contract_type_name",
                column_B="contract__type_name",
                ignore_row_if="either_value_is_missing",
            )
        )
        found.append(
            rule(
                gxe.ExpectColumnPairValuesToBeEqual,
                "'crs_provider_id' must be the lead provider of the contract in the contract register.",
                column_A="provider_name",
                column_B="contract__lead_provider_name",
                ignore_row_if="either_value_is_missing",
            )
        )
    return found

"""Suites for the providers' quarterly returns: KPIs and finance."""

from __future__ import annotations

import datetime as dt

import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import between, empty, in_order, in_set, rule
from expectations.report import CheckContext


def derive(frame: pd.DataFrame, ctx: CheckContext) -> pd.DataFrame:
    """The contract's end date, and the provider when it is neither the lead nor a listed subcontractor."""
    register = frame["contract_ref"].map(lambda ref: ctx.contracts.get(ref))
    frame["contract__end"] = pd.to_datetime(
        register.map(lambda c: c.get("end_date") if c else None)
    ).astype("datetime64[us]")

    def outside(contract: dict | None, provider: object) -> object:
        if not contract or not isinstance(provider, str):
            return None  # an unknown contract fails the register check already
        chain = {contract["lead_provider_code"], *contract.get("subcontractor_codes", ())}
        return None if provider in chain else provider

    frame["provider__outside_chain"] = pd.Series(
        [outside(c, p) for c, p in zip(register, frame["provider_code"], strict=True)],
        index=frame.index,
        dtype=object,
    )
    return frame


def derive_sql(columns: set[str], ctx: CheckContext) -> list[str]:
    """derive() in SQL over the typed rows `t` and their contract `c`, for files checked in DuckDB."""
    provider = "t.provider_code"
    chain = f"{provider} = c.lead_provider_code OR list_contains(c.subcontractor_codes, {provider})"
    return [
        "c.end_date::TIMESTAMP AS contract__end",
        f"CASE WHEN c.contract_ref IS NULL OR {provider} IS NULL OR {chain} THEN NULL "
        f"ELSE {provider} END AS provider__outside_chain",
    ]


# The lead provider is the provider of a return row that names none (ingest.load.with_lead_provider),
# filled in the typed rows before they are derived and checked.
LEAD_PROVIDER_SQL = """UPDATE {typed} t SET provider_code = c.lead_provider_code FROM core_contract c
    WHERE t.provider_code IS NULL AND t.contract_ref = c.contract_ref"""


def _quarter_rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        in_set(
            "contract_ref", "contract_ref", ctx.contracts, "a contract in the contract register"
        ),
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            "'quarter' must not have started after today.",
            column="quarter_start",
            max_value=dt.datetime.combine(ctx.today, dt.time()),
        ),
        rule(
            gxe.ExpectColumnValuesToBeBetween,
            "'quarter' must be 2021-Q1 or later (returns start in January 2021).",
            column="quarter_start",
            min_value=dt.datetime(2021, 1, 1),
        ),
        rule(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            "'quarter' must not start after the contract's end date in the contract register.",
            column_A="contract__end",
            column_B="quarter_start",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        empty(
            "provider__outside_chain",
            "'provider_code' must be the contract's lead provider or one of its subcontractors in the "
            "contract register (leave it empty for the lead provider).",
        ),
    ]


def kpi_rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        *_quarter_rules(ctx),
        between("numerator", "numerator", 0, 1_000_000),
        between("denominator", "denominator", 0, 1_000_000),
        in_order("denominator", "numerator", "denominator", "numerator"),
        between("target_pct", "target_pct", 0, 100, "%"),
    ]


def financial_rules(ctx: CheckContext) -> list[gxe.Expectation]:
    return [
        *_quarter_rules(ctx),
        between("contract_income_gbp", "contract_income_gbp", 0, 100_000_000),
        between("full_delivery_cost_gbp", "full_delivery_cost_gbp", 0, 100_000_000),
        between("other_funding_gbp", "other_funding_gbp", 0, 100_000_000),
    ]

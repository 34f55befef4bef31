"""Suites for the providers' quarterly returns: KPIs and finance."""

from __future__ import annotations

import datetime as dt

import great_expectations.expectations as gxe
import pandas as pd

from expectations.common import between, in_order, in_set, rule
from expectations.report import CheckContext


def derive(frame: pd.DataFrame, ctx: CheckContext) -> pd.DataFrame:
    return frame


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

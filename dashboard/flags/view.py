"""Flags for the pages: the store for this app, the flags the signed-in user may see, and the tables,
labels and counts shown and downloaded (plain DataFrames and strings; no Streamlit below `store` and
`visible`). tests/unit/test_flags_view.py checks the labels and counts on three-row frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import data
from dashboard.flags.store import ACTIVE, CATEGORIES, FOUND_IN, STATUSES, ContractFacts, FlagStore
from warehouse.access import User
from warehouse.connection import Version
from warehouse.settings import Settings


def store(settings: Settings) -> FlagStore:
    return FlagStore.from_settings(settings)


def visible(settings: Settings, version: Version, user: User) -> pd.DataFrame:
    """The flags this user may see (read fresh on every run: flags change between refreshes)."""
    return store(settings).flags(
        user, data.allowed_contracts(version, user), today=settings.today_london
    )


def queue(
    flags: pd.DataFrame,
    statuses: list[str],
    contract: str | None,
    provider: str | None,
    older_than_days: int,
) -> pd.DataFrame:
    """The triage queue as chosen: these statuses, raised at least so many days ago, and one
    contract or provider if given."""
    shown = flags[flags.status.isin(statuses) & (flags.age_days >= older_than_days)]
    if contract is not None:
        shown = shown[shown.contract_ref == contract]
    if provider is not None:
        shown = shown[shown.provider_code == provider]
    return shown


def disputed(flags: pd.DataFrame, contracts) -> pd.DataFrame:
    """Open or under-review flags on these contracts: contract_ref, month, flag_id."""
    active = flags[flags.status.isin(ACTIVE) & flags.contract_ref.isin(list(contracts))]
    return active[["contract_ref", "month", "flag_id"]].reset_index(drop=True)


def disputed_labels(months: pd.Series, active: pd.DataFrame) -> pd.Series:
    """'yes (flag 3)' for months under an open flag, else 'no', aligned with `months` (dates)."""
    if active.empty:
        return pd.Series("no", index=months.index)
    by_month = (
        active.assign(month=pd.to_datetime(active.month))
        .groupby("month")
        .flag_id.apply(lambda ids: ", ".join(str(i) for i in sorted(ids)))
    )
    found = pd.to_datetime(months).map(by_month)
    return found.map(lambda ids: "no" if pd.isna(ids) else f"yes (flag {ids})")


def flag_table(flags: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The flags as shown and downloaded: one row each, plain words, no codes. What a reviewer acts on
    (status, respond-by date, overdue) comes straight after the flag and contract, so it is on screen at
    1400 px without scrolling sideways."""
    return pd.DataFrame(
        {
            "Flag": flags.flag_id.astype(int),
            "Contract": flags.contract_ref.map(lambda c: titles.get(c, c)),
            "Status": flags.status.map(STATUSES),
            "Respond by": pd.to_datetime(flags.respond_by).dt.strftime("%d %b %Y"),
            "Overdue": flags.overdue.map({True: "Overdue", False: "no"}),
            "Month": pd.to_datetime(flags.month).dt.strftime("%b %Y"),
            "What is wrong": flags.category.map(lambda c: (CATEGORIES.get(c) or c).split(" (")[0]),
            "Provider's count": flags.provider_count.astype(int),
            "Warehouse count": flags.warehouse_count.astype(int),
            "Provider": flags.provider_code,
            "Raised": flags.raised_at.dt.strftime("%d %b %Y %H:%M"),
            "Latest response": flags.latest_response,
        }
    )


def reconciliation_table(references: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Referral reference": references.reference,
            "Found": references.found_in.map(FOUND_IN),
        }
    )


def reconciliation_counts(references: pd.DataFrame) -> dict[str, int]:
    counts = references.found_in.value_counts()
    return {label: int(counts.get(key, 0)) for key, label in FOUND_IN.items()}


def history_table(events: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "When": events["at"].dt.strftime("%d %b %Y %H:%M"),
            "Who": events.by_name,
            "Status": events.status.map(STATUSES),
            "Response": events.response,
        }
    )


def contract_titles(contracts: pd.DataFrame) -> dict[str, str]:
    """Each contract's label by its reference, from rows of the flag_contracts query."""
    return dict(zip(contracts.contract_ref, contracts.contract_label, strict=True))


def month_counts(months: pd.DataFrame) -> dict[dt.date, int]:
    """Referrals received by month (a date, the first of the month), from rows of the flag_months query."""
    return dict(zip(pd.to_datetime(months.month).dt.date, months.received, strict=True))


def contract_facts(
    contract: pd.DataFrame, warehouse_count: int, warehouse_references, version: int
) -> ContractFacts:
    """What the warehouse says of a contract and month, as a raised flag records it: `contract` is the
    contract's one row of the flag_contracts query."""
    return ContractFacts(
        region_code=contract.region_code.iloc[0],
        lead_provider_code=contract.lead_provider_code.iloc[0],
        warehouse_count=warehouse_count,
        warehouse_references=tuple(warehouse_references),
        version=version,
    )


def status_counts(flags: pd.DataFrame) -> dict[str, int]:
    """The triage page's three figures: flags open, under review, and active but overdue."""
    active = flags[flags.status.isin(ACTIVE)]
    return {
        "Open": int((flags.status == "open").sum()),
        "Under review": int((flags.status == "under_review").sum()),
        "Overdue": int(active.overdue.sum()),
    }


def flag_label(flags: pd.DataFrame, flag_id, titles: dict[str, str]) -> str:
    """A flag as offered for review: 'Flag 3: <contract label>, May 2026 (open, overdue)'."""
    row = flags[flags.flag_id == flag_id].iloc[0]
    overdue = ", overdue" if row.overdue else ""
    return (
        f"Flag {flag_id}: {titles.get(row.contract_ref, row.contract_ref)}, {row.month:%b %Y} "
        f"({STATUSES[row.status].lower()}{overdue})"
    )


def reconciliation_line(references: pd.DataFrame) -> str:
    """The reconciliation's counts in one line: 'only in your list: 2; only in the warehouse: 0; ...'."""
    counts = reconciliation_counts(references)
    return "; ".join(f"{label.lower()}: {n:,}" for label, n in counts.items())

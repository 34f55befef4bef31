"""Layout metadata of every file the product accepts, kept as data in the TOML files beside this one.

A *source* is one kind of file (the contract register, a referral export, ...). Its TOML file says
which columns it has, their types, which are required, what the warehouse calls them, and which
are dropped or hashed. The checks themselves live in `expectations/`; the code that reads and
transforms files lives in `ingest/`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

COLUMN_TYPES = (
    "code",
    "text",
    "quarter",
    "date",
    "timestamp",
    "integer",
    "number",
    "money",
    "yesno",
    "list",
    "crn",
    "answer",  # a survey answer: yes, no or not sure
)

# The order files are loaded in within one run: a file may only refer to what earlier kinds hold.
LOAD_ORDER = (
    "contracts",
    "organisations",
    "forum_meetings",
    "referrals_performance_report",
    "referrals_weekly_extract",
    "kpi_returns",
    "financial_returns",
    "forum_attendance",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str  # what the column means, as docs/data-contracts.md shows it (Markdown)
    to: str | None = None
    drop: str | None = None
    identifier: bool = False
    example: str | None = None
    # Added after files were already in use: a file without this column still loads (its cells read
    # as empty), so files made before it existed are not refused.
    may_be_absent: bool = False
    # The two referral exports: where the referral service takes the value from.
    service_field: str | None = None

    @property
    def target(self) -> str:
        """The column's name in the warehouse."""
        return self.to or self.name


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    table: str
    description: str
    key: tuple[str, ...]
    replace_by: tuple[str, ...]
    replace_rule: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def kept(self) -> tuple[Column, ...]:
        """Columns that reach the warehouse (possibly renamed or hashed)."""
        return tuple(c for c in self.columns if not c.drop)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name or c.target == name:
                return c
        raise KeyError(name)


def _load(name: str) -> Source:
    raw = tomllib.loads(resources.files(__package__).joinpath(f"{name}.toml").read_text("utf-8"))
    columns = tuple(Column(**c) for c in raw.pop("columns"))
    for c in columns:
        if c.type not in COLUMN_TYPES:
            raise ValueError(f"{name}.toml: column {c.name} has unknown type {c.type}")
    return Source(
        columns=columns,
        key=tuple(raw.pop("key")),
        replace_by=tuple(raw.pop("replace_by")),
        **raw,
    )


@cache
def all_sources() -> dict[str, Source]:
    """Every source, in load order."""
    return {name: _load(name) for name in LOAD_ORDER}


def source(name: str) -> Source:
    return all_sources()[name]

"""What a check run found, as plain data (no Great Expectations import: cheap for any caller)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from expectations.patterns import is_masked

SAMPLE_LIMIT = 200  # Great Expectations returns at most this many failing rows
# Suffix of the helper column holding the text of cells that could not be read as their type.
UNREADABLE = "__unreadable"
# The table each file is checked in, inside the warehouse version being built; dropped once checked.
STAGING = "check_staging"


@dataclass(frozen=True)
class CheckContext:
    """What the checks compare a file against: today, the reference data and what the warehouse holds."""

    today: dt.date
    reference: dict[str, frozenset[str]]
    categories_by_type: dict[str, frozenset[str]]
    pcc_region: dict[str, str]
    contracts: dict[str, dict] = field(default_factory=dict)  # contract_ref -> register row
    org_ids: frozenset[str] = frozenset()
    meeting_ids: frozenset[str] = frozenset()
    # provider codes of the contract register: every contract's lead and subcontractors
    register_providers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckResult:
    check_type: str
    column: str | None
    rule: str
    success: bool
    rows_failing: int = 0
    failing_rows: tuple[int, ...] = ()
    found_values: tuple[str, ...] = ()
    hidden: bool = False  # identifier checks never show what was found

    def message(self) -> str:
        """One plain-English line for a failed check."""
        if self.success:
            return f"Passed: {self.rule}"
        shown = _join([str(r) for r in self.failing_rows[:10]])
        more = self.rows_failing - min(len(self.failing_rows), 10)
        text = f"{self.rule} This is not so in {_rows(self.rows_failing)}"
        if shown:
            text += f": row{'s' if len(self.failing_rows) > 1 else ''} {shown}"
            if more > 0:
                text += f" and {more:,} more"
        if self.found_values and not self.hidden:
            values = list(dict.fromkeys(self.found_values))[:5]
            # A value masked when it was found is shown as what it looks like, not in quotes.
            text += f" (found {_join([v if is_masked(v) else repr(v) for v in values])})"
        return text + "."


@dataclass(frozen=True)
class CheckReport:
    source: str
    rows: int
    results: tuple[CheckResult, ...]
    # Great Expectations' own result, for the run's Data Docs (runner.build_data_docs), when asked for.
    validation: object = field(default=None, compare=False, repr=False)

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success]

    def summary(self) -> str:
        if self.success:
            return f"All {len(self.results)} checks passed on {self.rows:,} rows."
        lines = [
            f"{len(self.failed)} of {len(self.results)} checks failed (rows are numbered as in the file, header = row 1):"
        ]
        lines += [f"  - {r.message()}" for r in self.failed]
        return "\n".join(lines)


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n:,} rows"


def _join(items: list[str]) -> str:
    return (
        items[0]
        if len(items) == 1
        else ", ".join(items[:-1]) + " and " + items[-1]
        if items
        else ""
    )

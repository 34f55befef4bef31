"""Rules every source shares, built from its layout: readable values, required columns, unique keys,
no spreadsheet formulas and no personal identifiers. Each expectation carries its rule in plain
English in meta["rule"]; that sentence is what users read when it fails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

import great_expectations.expectations as gxe
import pandas as pd

from expectations.patterns import FORMULA, IDENTIFIER, re2
from expectations.report import UNREADABLE

if TYPE_CHECKING:
    from ingest.sources import Source

TYPE_WORDS = {
    "date": "a date, written 2026-05-31 or 31/05/2026",
    "timestamp": "a date or date and time, written 2026-05-31, 2026-05-31T14:05:00 or 31/05/2026 14:05",
    "integer": "a whole number, such as 120 or 1,200",
    "number": "a number, such as 85 or 85.5",
    "money": "an amount in pounds, such as 1234567, £1,234,567 or 1234.50",
    "yesno": "yes or no",
    "crn": "a case reference number: a letter and six digits",
    "quarter": "a calendar quarter written like 2026-Q2 (Q1 = January to March)",
    "answer": "yes, no or not sure",
}
IDENTIFIERS = IDENTIFIER.pattern
GIVEN = "__given"
TEXT = "__text"
# A key of several columns as one value, for ExpectColumnValuesToBeUnique: on SQL, Great Expectations'
# ExpectCompoundColumnsToBeUnique gives no failing rows. Shown as no column (runner._display_column).
KEY = "__key"
_MISSING, _BETWEEN = "\x00", "\x1f"


def rule(kind: type, text: str, *, show_values: bool = True, **kwargs) -> gxe.Expectation:
    """An expectation with its plain-English rule attached. A regular expression (written for Python's
    `re`, as everywhere else) is given as DuckDB runs the same match (patterns.re2)."""
    if "regex" in kwargs:
        kwargs["regex"] = re2(kwargs["regex"])
    return kind(meta={"rule": text, "show_values": show_values}, **kwargs)


def empty(column: str, text: str, *, show_values: bool = True) -> gxe.Expectation:
    """The rule `text`, broken by every row whose helper column `column` is filled in (with what was
    found wrong, or a mark where showing the values would not help)."""
    return rule(gxe.ExpectColumnValuesToBeNull, text, column=column, show_values=show_values)


def prepare(source: Source, frame: pd.DataFrame) -> pd.DataFrame:
    """Helper columns the shared rules read: which required cells were given, and list columns as text."""
    frame = frame.copy()
    for column in source.kept:
        if column.required:
            given = frame[column.target].notna()
            if column.target + UNREADABLE in frame:
                given |= frame[column.target + UNREADABLE].notna()
            frame[column.target + GIVEN] = given
        if column.type == "list":
            frame[column.target + TEXT] = frame[column.target].map(
                lambda v: ";".join(v) if isinstance(v, list) else None
            )
    if len(source.key) > 1:
        frame[KEY] = compound_key(frame[list(source.key)])
    return frame


def prepare_sql(source: Source, columns: set[str]) -> list[str]:
    """prepare() in SQL over the typed rows `t`: the same helper columns, a list as its items joined by
    ';', and the compound key written as compound_key() writes it."""
    out = []
    for column in source.kept:
        if column.required:
            given = f't."{column.target}" IS NOT NULL'
            if column.target + UNREADABLE in columns:
                given += f' OR t."{column.target}{UNREADABLE}" IS NOT NULL'
            out.append(f'({given}) AS "{column.target}{GIVEN}"')
        if column.type == "list":
            out.append(f'array_to_string(t."{column.target}", \';\') AS "{column.target}{TEXT}"')
    if len(source.key) > 1:
        parts = [f't."{k}"' for k in source.key]
        joined = f" || chr({ord(_BETWEEN)}) || ".join(
            f"coalesce({p}::VARCHAR, chr({ord(_MISSING)}))" for p in parts
        )
        every_missing = " AND ".join(f"{p} IS NULL" for p in parts)
        out.append(f'CASE WHEN {every_missing} THEN NULL ELSE {joined} END AS "{KEY}"')
    return out


def sql_text(value: str) -> str:
    """`value` as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values) -> str:
    """`values` as an SQL list of text, in order."""
    return f"[{', '.join(sql_text(v) for v in sorted(values))}]::VARCHAR[]"


def outside_sql(items: str, allowed: str) -> str:
    """listed_outside() in SQL: the items of the list expression `items` not in the list expression
    `allowed` (sql_list of a set, or a CASE giving one per row), joined by ';' (NULL when all are
    allowed or there is no list)."""
    return joined_sql(f"list_filter({items}, lambda x: NOT list_contains({allowed}, x))")


def joined_sql(items: str) -> str:
    """A list expression's items joined by ';', or NULL when it has none."""
    return f"CASE WHEN len({items}) > 0 THEN array_to_string({items}, ';') END"


def compound_key(parts: pd.DataFrame) -> pd.Series:
    """Each row's key columns as one text, equal where every part is equal (an empty part equal to an
    empty part, as pandas compares rows); empty where every part is (such rows are not checked)."""
    text = parts.astype(str).where(parts.notna(), _MISSING)
    key = text.iloc[:, 0].str.cat([text.iloc[:, n] for n in range(1, parts.shape[1])], sep=_BETWEEN)
    return key.astype(object).where(parts.notna().any(axis=1), None)


def shared_rules(source: Source, columns: Collection[str]) -> list[gxe.Expectation]:
    """`columns`: the checked table's columns (a frame's will do)."""
    rules: list[gxe.Expectation] = []
    for column in source.kept:
        name, target = column.name, column.target
        if column.required:
            rules.append(
                rule(
                    gxe.ExpectColumnValuesToBeInSet,
                    f"'{name}' must be filled in on every row.",
                    show_values=False,
                    column=target + GIVEN,
                    value_set=[True],
                )
            )
        if target + UNREADABLE in columns:
            rules.append(
                empty(
                    target + UNREADABLE,
                    f"Every value in '{name}' must be {TYPE_WORDS[column.type]}.",
                    show_values=not column.identifier,
                )
            )
        text_column = (
            target + TEXT
            if column.type == "list"
            else target
            if column.type in ("code", "text", "quarter")
            else None
        )
        if text_column:
            rules.append(
                rule(
                    gxe.ExpectColumnValuesToNotMatchRegex,
                    f"Values in '{name}' must not start with =, +, @ or - (a spreadsheet would run them as formulas).",
                    column=text_column,
                    regex=FORMULA,
                )
            )
            rules.append(
                rule(
                    gxe.ExpectColumnValuesToNotMatchRegex,
                    f"'{name}' must not contain National Insurance numbers or case reference numbers "
                    "(CRN: a letter and six digits).",
                    show_values=False,
                    column=text_column,
                    regex=IDENTIFIERS,
                )
            )
    key_names = " and ".join(f"'{source.column(k).name}'" for k in source.key)
    if len(source.key) == 1:
        rules.append(
            rule(
                gxe.ExpectColumnValuesToBeUnique,
                f"Each {key_names} must appear only once in the file.",
                column=source.key[0],
            )
        )
    else:
        rules.append(
            rule(
                gxe.ExpectColumnValuesToBeUnique,
                f"Each combination of {key_names} must appear only once in the file.",
                column=KEY,
                show_values=False,
            )
        )
    return rules


def not_after(column: str, name: str, day: dt.date) -> gxe.Expectation:
    """No date in the future: on or before the end of `day`."""
    end = dt.datetime.combine(day, dt.time.max)
    return rule(
        gxe.ExpectColumnValuesToBeBetween,
        f"'{name}' must not be in the future (after {day:%d %B %Y}).",
        column=column,
        max_value=end,
    )


def in_order(later: str, earlier: str, later_name: str, earlier_name: str) -> gxe.Expectation:
    return rule(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        f"'{later_name}' must not be before '{earlier_name}'.",
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )


def in_set(column: str, name: str, values, what: str) -> gxe.Expectation:
    values = sorted(values)
    if not values:
        listed = "none loaded yet"
    elif len(values) <= 12:
        listed = ", ".join(values)
    else:
        listed = f"{len(values)} known values"
    return rule(
        gxe.ExpectColumnValuesToBeInSet,
        f"'{name}' must be {what} ({listed}).",
        column=column,
        value_set=values,
    )


def between(column: str, name: str, low, high, unit: str = "") -> gxe.Expectation:
    return rule(
        gxe.ExpectColumnValuesToBeBetween,
        f"'{name}' must be between {low:,}{unit} and {high:,}{unit}.",
        column=column,
        min_value=low,
        max_value=high,
    )


def listed_outside(values: pd.Series, allowed) -> pd.Series:
    """For a list column: the items not in `allowed`, joined by ';' (None when all are allowed)."""

    def bad(items):
        if not isinstance(items, list):
            return None
        wrong = [i for i in items if i not in allowed]
        return ";".join(wrong) or None

    return values.map(bad).astype(object)

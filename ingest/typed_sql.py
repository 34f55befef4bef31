"""The types of a file's columns, given in DuckDB's SQL: the same rules as ingest.transform, run inside
the warehouse instead of in pandas, so that a large file is typed while it is read and never held in
memory.

Each kept column becomes its warehouse column (`target`) and, for a column with a type, the helper
`<target>__unreadable` holding the text that could not be read as that type (or a mark, for an
identifier), exactly as ingest.transform.to_typed makes them; tests/unit/test_typed_sql.py checks the
two agree, value for value, on ordinary and hostile cells. Regular expressions are transform's own,
written for DuckDB's RE2 by expectations.patterns.re2 (Unicode digits and spaces as Python's).
"""

from __future__ import annotations

import hashlib

from expectations.patterns import re2
from expectations.report import UNREADABLE
from ingest import transform
from ingest.sources import Column, Source

# Python's str.strip() removes these (every character for which str.isspace() is true); DuckDB's trim()
# removes only spaces unless told which characters.
PYTHON_SPACE = "".join(chr(n) for n in range(0x3001) if chr(n).isspace())
HIDDEN_IDENTIFIER = "(hidden: personal identifier)"
# Types whose cells are taken as text (no helper column: any text is readable).
AS_TEXT = ("code", "text", "quarter", "list")


def _literal(text: str) -> str:
    """`text` as an SQL string literal (only the product's own patterns and names are passed here)."""
    return "'" + text.replace("'", "''") + "'"


def _matches(value: str, pattern: str) -> str:
    return f"regexp_matches({value}, {_literal(re2(pattern))})"


def hmac_sql(value: str, key: bytes) -> str:
    """HMAC-SHA256 of `value` (a VARCHAR expression), as the first 32 hex characters: the SQL twin of
    ingest.transform.keyed_hash (RFC 2104 written out with DuckDB's sha256, which hashes BLOBs)."""
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block).hex()
    outer = bytes(b ^ 0x5C for b in block).hex()
    return (
        f"left(sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode({value})))), 32)"
    )


def _timestamp(t: str, iso: str, uk: str) -> str:
    """ISO text (with or without a time, with or without an offset) or UK day/month/year text, as UK
    local time: transform._dates. An hour of 24, which DuckDB reads as the next day, is not a time."""
    offset = _matches(t, r"(?:Z|[+-]\d{2}:?\d{2})$")
    return (
        f"CASE WHEN {_matches(t, iso)} THEN CASE "
        f"WHEN length({t}) > 10 AND substr({t}, 12, 2) >= '24' THEN NULL "
        f"WHEN {offset} THEN timezone('Europe/London', TRY_CAST({t} AS TIMESTAMPTZ)) "
        f"ELSE TRY_CAST({t} AS TIMESTAMP) END "
        f"WHEN {_matches(t, uk)} THEN "
        f"try_strptime({t}, ['%d/%m/%Y', '%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S']) END"
    )


def _number(kind: str, t: str) -> str:
    """Whole numbers, numbers (a % sign allowed) and amounts in pounds, as transform._parse reads them."""
    if kind == "integer":
        return f"CASE WHEN {_matches(t, transform._INTEGER)} THEN TRY_CAST(replace({t}, ',', '') AS BIGINT) END"
    if kind == "number":
        cleaned = f"replace(replace({t}, ',', ''), '%', '')"
        return f"CASE WHEN {_matches(t, transform._NUMBER)} THEN TRY_CAST({cleaned} AS DOUBLE) END"
    cleaned = f"replace(replace(replace({t}, '£', ''), ',', ''), '--', '-')"
    return f"CASE WHEN {_matches(t, transform._MONEY)} THEN round(TRY_CAST({cleaned} AS DOUBLE), 2) END"


def value_sql(column: Column, t: str, key: bytes) -> str:
    """The SQL expression of a column's typed value from its stripped text `t` ('' when empty)."""
    kind = column.type
    if kind == "quarter":
        return f"nullif(upper({t}), '')"
    if kind in ("code", "text"):
        return f"nullif({t}, '')"
    if kind == "crn":
        upper = f"upper({t})"
        return f"CASE WHEN {_matches(upper, transform._CRN)} THEN {hmac_sql(upper, key)} END"
    if kind == "date":
        stamp = _timestamp(t, transform._ISO_DATE, transform._UK_DATE)
        return f"date_trunc('day', {stamp})::TIMESTAMP"
    if kind == "timestamp":
        stamp = _timestamp(t, transform._ISO_TIMESTAMP, transform._UK_TIMESTAMP)
        return f"({stamp})::TIMESTAMP"
    if kind in ("integer", "number", "money"):
        return _number(kind, t)
    if kind == "list":  # items between semicolons, each stripped; no item is no list
        items = f"list_filter(list_transform(string_split({t}, ';'), lambda x: {stripped('x')}), lambda x: x <> '')"
        return f"CASE WHEN len({items}) > 0 THEN {items} END"
    if kind == "yesno":
        yes = ", ".join(map(_literal, sorted(transform._YES)))
        no = ", ".join(map(_literal, sorted(transform._NO)))
        return f"CASE WHEN lower({t}) IN ({yes}) THEN true WHEN lower({t}) IN ({no}) THEN false END"
    if kind == "answer":
        spaces = _literal(re2(r"\s+"))
        spaced = f"regexp_replace(lower({t}), {spaces}, ' ', 'g')"
        cases = " ".join(
            f"WHEN {spaced} = {_literal(k)} THEN {_literal(v)}"
            for k, v in transform._ANSWERS.items()
        )
        return f"CASE {cases} END"
    raise NotImplementedError(f"no SQL typing for columns of type {kind}")


def stripped(value: str) -> str:
    """A cell's text as transform reads it: '' for an empty cell, Python's white space trimmed. Trimming
    by a set of characters is slow, so only a cell that starts or ends with white space is trimmed
    (found by one regular expression, the quickest test measured)."""
    edges = _literal(re2(r"^\s|\s$"))
    return (
        f"CASE WHEN {value} IS NULL THEN '' WHEN regexp_matches({value}, {edges}) "
        f"THEN trim({value}, {_literal(PYTHON_SPACE)}) ELSE {value} END"
    )


def _quarter_start() -> list[str]:
    """transform._derive's quarter_start (the quarter's first day) and quarter__unreadable (a quarter
    not written like 2026-Q2), from the typed (upper-cased) quarter."""
    pattern = _literal(re2(transform._QUARTER))
    year = f"regexp_extract(quarter, {pattern}, 1)"
    month = f"TRY_CAST(regexp_extract(quarter, {pattern}, 2) AS INTEGER) * 3 - 2"
    first_day = f"{year} || '-' || lpad(({month})::VARCHAR, 2, '0') || '-01'"
    return [
        f"CASE WHEN regexp_matches(quarter, {pattern}) THEN TRY_CAST({first_day} AS DATE)::TIMESTAMP "
        "END AS quarter_start",
        f"CASE WHEN quarter IS NOT NULL AND NOT regexp_matches(quarter, {pattern}) THEN quarter END "
        f'AS "quarter{UNREADABLE}"',
    ]


def typed_query(source: Source, text_of: dict[str, str], key: bytes, relation: str, keep=()) -> str:
    """A query turning the text columns of `relation` into the typed columns and helpers of
    transform.to_typed (and the columns named in `keep`, as they are). `text_of` maps a column's file
    name to its column in `relation`; a column the file leaves out (Column.may_be_absent) reads as
    empty cells. Each cell is stripped once and typed once, in layers."""
    kept = list(source.kept)
    texts = [
        f"{stripped(text_of[c.name]) if c.name in text_of else repr('')} AS t{n}"
        for n, c in enumerate(kept)
    ]
    passed = [f'"{k}"' for k in keep]
    values = [f'{value_sql(c, f"t{n}", key)} AS "{c.target}"' for n, c in enumerate(kept)]
    out = []
    for n, column in enumerate(kept):
        out.append(f'"{column.target}"')
        if column.type not in AS_TEXT:
            shown = _literal(HIDDEN_IDENTIFIER) if column.identifier else f"t{n}"
            out.append(
                f"CASE WHEN t{n} <> '' AND \"{column.target}\" IS NULL THEN {shown} END "
                f'AS "{column.target}{UNREADABLE}"'
            )
    if any(c.target == "referred_at" for c in kept):
        out.append("date_trunc('month', referred_at)::TIMESTAMP AS referral_month")
        out.append(f"{_literal(source.name)} AS source_shape")
    if any(c.target == "quarter" for c in kept):
        out.extend(_quarter_start())
    # Names are the layout's and the caller's own; no cell's text is ever part of the query.
    layer = f"SELECT {', '.join([*texts, *passed])} FROM {relation}"  # noqa: S608
    t_columns = [f"t{n}" for n in range(len(kept))]
    layer = f"SELECT {', '.join([*t_columns, *values, *passed])} FROM ({layer})"  # noqa: S608
    return f"SELECT {', '.join([*out, *passed])} FROM ({layer})"  # noqa: S608

"""Pure DataFrame -> DataFrame steps: text cells in, typed columns with warehouse names out.

The rules of each column type, written in pandas. Files are typed in DuckDB by ingest/typed_sql.py,
which takes its regular expressions from here; to_typed is the reference it is held to, cell for
cell (tests/unit/test_typed_sql.py, tests/integration/test_staged_ingest.py), and keyed_hash hashes
the case references in the kept copy of a file read whole.

Nothing here raises on bad values: a cell that cannot be read as its type becomes empty, and its
original text goes to a helper column `<column>__unreadable`, which a check expects to be empty.
That way every bad cell is reported, with its row, by the same checks as everything else.
Case reference numbers are replaced by a keyed hash here, before anything is written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

from expectations.report import UNREADABLE
from ingest.sources import Column, Source

HEADER_ROWS = 1  # file row numbers count the header as row 1

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
_ISO_TIMESTAMP = (
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_UK_TIMESTAMP = r"^\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?$"
_INTEGER = r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)$"
_NUMBER = r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$"
_MONEY = r"^-?£?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$"
_CRN = r"^[A-Z]\d{6}$"
_QUARTER = r"^(\d{4})-Q([1-4])$"
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_ANSWERS = {
    "yes": "yes",
    "y": "yes",
    "no": "no",
    "n": "no",
    "not sure": "not sure",
    "unsure": "not sure",
}


def keyed_hash(values: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 of each value (first 32 hex characters): the same person gives the same key."""
    cache: dict[str, str] = {}

    def one(v: str) -> str:
        h = cache.get(v)
        if h is None:
            h = cache[v] = hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        return h

    return values.map(one)


def _dates(text: pd.Series, iso: str, uk: str) -> pd.Series:
    """Parse ISO (with or without time) or UK day/month/year text, as UK local time.

    A time with an offset (Z, +01:00) is converted to UK local time, so a referral at 00:30 BST on the
    1st counts in that month; a time without one is taken as UK local time already."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    is_iso = text.str.match(iso)
    if is_iso.any():
        iso_text = text[is_iso]
        has_offset = iso_text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
        if (~has_offset).any():
            out[is_iso & ~has_offset] = pd.to_datetime(
                iso_text[~has_offset], format="ISO8601", errors="coerce"
            )
        if has_offset.any():
            parsed = pd.to_datetime(
                iso_text[has_offset], format="ISO8601", errors="coerce", utc=True
            )
            out[is_iso & has_offset] = (
                parsed.dt.tz_convert("Europe/London").dt.tz_localize(None).astype("datetime64[us]")
            )
    is_uk = text.str.match(uk)
    if is_uk.any():
        uk_text = text[is_uk]
        with_time = uk_text.str.contains(":")
        parsed = pd.Series(pd.NaT, index=uk_text.index, dtype="datetime64[us]")
        if (~with_time).any():
            parsed[~with_time] = pd.to_datetime(
                uk_text[~with_time], format="%d/%m/%Y", errors="coerce"
            )
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"):
            todo = with_time & parsed.isna()
            if todo.any():
                parsed[todo] = pd.to_datetime(uk_text[todo], format=fmt, errors="coerce")
        out[is_uk] = parsed
    return out


def _parse(column: Column, text: pd.Series, key: bytes) -> pd.Series:
    t = column.type
    if t == "quarter":  # one spelling everywhere: "2022-q2" is read and shown as 2022-Q2
        return text.str.upper().where(text != "", None)
    if t in ("code", "text"):
        return text.where(text != "", None)
    if t == "list":
        return text.map(
            lambda v: [p.strip() for p in v.split(";") if p.strip()] or None if v else None
        )
    if t == "crn":
        upper = text.str.upper()
        ok = upper.str.match(_CRN)
        hashed = pd.Series(None, index=text.index, dtype=object)
        if ok.any():
            hashed[ok] = keyed_hash(upper[ok], key)
        return hashed
    if t == "date":
        return _dates(text, _ISO_DATE, _UK_DATE).dt.normalize()
    if t == "timestamp":
        return _dates(text, _ISO_TIMESTAMP, _UK_TIMESTAMP)
    if t == "integer":
        ok = text.str.match(_INTEGER)
        return pd.to_numeric(
            text.where(ok).str.replace(",", "", regex=False), errors="coerce"
        ).astype("Int64")
    if t == "number":
        ok = text.str.match(_NUMBER)
        return pd.to_numeric(
            text.where(ok).str.replace(r"[,%]", "", regex=True), errors="coerce"
        ).astype("Float64")
    if t == "money":
        ok = text.str.match(_MONEY)
        cleaned = (
            text.where(ok).str.replace(r"[£,]", "", regex=True).str.replace("--", "-", regex=False)
        )
        return pd.to_numeric(cleaned, errors="coerce").round(2).astype("Float64")
    if t == "yesno":
        low = text.str.lower()
        return low.map(lambda v: True if v in _YES else False if v in _NO else None).astype(
            "boolean"
        )
    if t == "answer":
        low = text.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
        return low.map(lambda v: _ANSWERS.get(v)).astype(object)
    raise ValueError(f"unknown column type {t}")


def to_typed(source: Source, raw: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Typed columns under their warehouse names, helper columns for unreadable cells, and source_row."""
    out: dict[str, pd.Series] = {}
    for column in source.kept:
        # A column the file may leave out (Column.may_be_absent) reads as empty cells.
        text = (
            raw[column.name].astype(str)
            if column.name in raw
            else pd.Series("", index=raw.index, dtype=object)
        )
        value = _parse(column, text, key)
        out[column.target] = value
        if column.type not in ("code", "text", "list", "quarter"):
            bad = (text != "") & value.isna()
            # An unreadable identifier is reported by row only: its text is never copied anywhere.
            shown = (
                pd.Series("(hidden: personal identifier)", index=text.index)
                if column.identifier
                else text
            )
            out[column.target + UNREADABLE] = shown.astype(object).where(bad, None)
    typed = pd.DataFrame(out, index=raw.index)
    typed["source_row"] = np.arange(len(raw), dtype="int64") + HEADER_ROWS + 1
    return _derive(source, typed)


def _derive(source: Source, typed: pd.DataFrame) -> pd.DataFrame:
    """Columns the warehouse keeps that are computed from the file's own columns."""
    if "referred_at" in typed:
        typed["referral_month"] = (
            typed["referred_at"].dt.to_period("M").dt.start_time.astype("datetime64[us]")
        )
        typed["source_shape"] = source.name
    if "quarter" in typed:
        parts = typed["quarter"].astype("string").str.extract(_QUARTER)
        ok = parts[0].notna()
        typed["quarter_start"] = pd.to_datetime(
            parts[0]
            + "-"
            + (parts[1].astype(float) * 3 - 2).astype("Int64").astype(str).str.zfill(2)
            + "-01",
            format="%Y-%m-%d",
            errors="coerce",
        ).astype("datetime64[us]")
        typed["quarter" + UNREADABLE] = np.where(
            typed["quarter"].notna() & ~ok, typed["quarter"], None
        )
    return typed


def unreadable_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith(UNREADABLE)]

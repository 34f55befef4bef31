"""Recognising which kind of file a header belongs to, and refusing personal details by column name."""

from __future__ import annotations

import difflib
import re
from collections import Counter

from ingest.read import RejectedFile
from ingest.sources import Source, all_sources

# Column names that mean personal details about a person on probation. A file carrying one is
# refused whatever else it holds; the CRN is only accepted in the referral shapes, where it is hashed.
PERSONAL = [
    (
        re.compile(
            r"(^|_)(first|last|given|family|full|middle|sur|fore|person|client|offender|service_user)_?names?$|^(surname|forename|name)$"
        ),
        "people's names",
    ),
    (re.compile(r"date_?of_?birth|birth_?date|^dob$|_dob$"), "dates of birth"),
    (
        re.compile(r"national_?insurance|^ni_?(number|no|num)?$|^nino$"),
        "National Insurance numbers",
    ),
    (re.compile(r"(^|_)crn$|case_?reference"), "case reference numbers (CRN)"),
    (re.compile(r"(^|_)pnc(_|$)|police_national"), "Police National Computer numbers"),
    (re.compile(r"(^|_)(nomis|noms|prison)_?(number|no|id)$"), "prison numbers"),
    (re.compile(r"(^|_)(home_)?address|postcode|post_code"), "addresses"),
    (re.compile(r"(^|_)(e_?mail|phone|telephone|mobile)(_|$)"), "contact details"),
]


def normalise(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def personal_columns(headers: list[str], allowed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(header, what it holds) for every header that names personal details."""
    found = []
    for h in headers:
        n = normalise(h)
        if n in allowed:
            continue
        for pattern, what in PERSONAL:
            if pattern.search(n):
                found.append((h, what))
                break
    return found


def _allowed_identifiers(source: Source) -> tuple[str, ...]:
    return tuple(c.name for c in source.columns if c.identifier)


def identify(headers: list[str]) -> Source:
    """The source whose columns these are (any order, any case). Raise RejectedFile saying why not."""
    normalised = [normalise(h) for h in headers]
    unnamed = [i for i, n in enumerate(normalised, start=1) if not n]
    if unnamed:
        where = _join([f"{i} ({_letter(i)})" for i in unnamed[:10]])
        raise RejectedFile(
            f"Row 1 has {len(unnamed)} column{'s' if len(unnamed) > 1 else ''} with no name: "
            f"column{'s' if len(unnamed) > 1 else ''} {where}. Row 1 must hold the column names, with no "
            "title above them; delete any empty columns at the side and any rows above the column names."
        )
    duplicates = [h for h, n in Counter(normalised).items() if n > 1]
    if duplicates:
        raise RejectedFile(
            f"The column '{duplicates[0]}' appears more than once in the header row."
        )
    sources = list(all_sources().values())
    best = max(sources, key=lambda s: (len(set(normalised) & set(s.headers)), -len(s.headers)))
    personal = personal_columns(normalised, _allowed_identifiers(best))
    if personal:
        column, what = personal[0]
        raise RejectedFile(
            f"The column '{column}' looks like it holds {what}. This service must not receive personal details "
            "of people on probation: delete that column and send the file again."
        )
    overlap = set(normalised) & set(best.headers)
    if len(overlap) < max(2, len(best.headers) // 2):
        names = "; ".join(s.title for s in sources)
        raise RejectedFile(
            "We do not recognise this file: its column names do not match any kind of file we accept "
            f"({names}). Check the first row holds the column names listed in docs/data-contracts.md."
        )
    missing = [c.name for c in best.columns if c.name not in normalised and not c.may_omit]
    extra = [h for h in headers if normalise(h) not in best.headers]
    if missing or extra:
        parts = [f"This looks like a {best.title} file, but its columns do not match."]
        if missing:
            parts.append(f"Missing: {_quoted(missing)}.")
        if extra:
            hints = []
            for h in extra:
                close = difflib.get_close_matches(normalise(h), missing, n=1)
                hints.append(f"'{h}' (did you mean '{close[0]}'?)" if close else f"'{h}'")
            parts.append(f"Not expected: {', '.join(hints)}.")
        parts.append("Use exactly the columns listed in docs/data-contracts.md.")
        raise RejectedFile(" ".join(parts))
    return best


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _letter(number: int) -> str:
    """A spreadsheet's name for column `number` (1 = A, 27 = AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)

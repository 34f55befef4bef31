"""Patterns shared by the checks and by the code that keeps copies of files (no Great Expectations import),
and `masked`: the one function that decides whether text taken from a file may be shown as it is."""

from __future__ import annotations

import re

# A cell a spreadsheet would run as a formula: =..., +..., @..., or - followed by anything but a
# plain number (-5, -1,200.50, -5%), a space or nothing: -A1 and -2+3 are formulas, and so is
# -1+cmd|' /C calc'!A0, which runs a program. Written without look-ahead, which DuckDB's regular
# expressions (RE2) lack: after the -, a first character that is not a space, then something that
# cannot be a plain number: a character no number has, no digit at all, something after the %, or
# something after a new line (Python's $ also allows one final new line).
_NOT_IN_NUMBER = r"[^\d.,%\n]"
_ANY = "(?s:.)"  # any character, a new line too
FORMULA = (
    r"^\s*(?:[=+@]|-(?:"
    rf"[^\s\d.,%]|\S{_ANY}*{_NOT_IN_NUMBER}"  # a character no number has
    r"|[^\s\d][^\d]*$"  # no digit at all
    rf"|(?:%|\S{_ANY}*%)(?:[^\n]|\n{_ANY})"  # something after the %
    rf"|\S{_ANY}*\n{_ANY}"  # something after a new line
    r"))"
)
NATIONAL_INSURANCE = r"(?:^|[^A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?:$|[^A-Za-z0-9])"
CASE_REFERENCE = r"(?:^|[^A-Za-z0-9])[A-Z]\d{6}(?:$|[^A-Za-z0-9])"
# In any capitals: people type "crn x123456" and "ab 12 34 56 c" too (the CRN column itself is upper-cased).
IDENTIFIER = re.compile(f"(?i:{NATIONAL_INSURANCE}|{CASE_REFERENCE})")

# A date before 2021 could be a date of birth: nothing this service records happened before the
# referral service started (June 2021), while everyone on probation was born long before. Written
# 1980-02-01, 01/02/1980, 1.2.1980, 1 Feb 1980 or 01/02/80 (a two-digit year outside 21 to 39).
_BEFORE_2021 = r"(?:19\d\d|20[01]\d|2020)"
_SHORT_YEAR = r"(?:[04-9]\d|1\d|20)"
_MONTH = r"(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6})"
DATE_OF_BIRTH = (
    rf"(?<!\d){_BEFORE_2021}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?!\d)"
    rf"|(?<!\d)\d{{1,2}}[-/. ]\s?(?:\d{{1,2}}|{_MONTH})[-/. ]\s?{_BEFORE_2021}(?!\d)"
    rf"|(?<!\d)\d{{1,2}}[-/.]\d{{1,2}}[-/.]{_SHORT_YEAR}(?!\d)"
)
# Everything a kept copy blanks in the cells of a rejected file.
IDENTIFYING = re.compile(f"{IDENTIFIER.pattern}|{DATE_OF_BIRTH}")

_KINDS = (
    (re.compile(f"(?i:{NATIONAL_INSURANCE})"), "shaped like a National Insurance number"),
    (re.compile(f"(?i:{CASE_REFERENCE})"), "shaped like a case reference number"),
    (re.compile(DATE_OF_BIRTH), "that could be a date of birth"),
)
HIDDEN = "(hidden)"


# Python's \s (Unicode white space: str.isspace, all below U+3001) spelled out for RE2, where \s is ASCII.
_SPACE = "".join(f"\\x{{{n:x}}}" for n in range(0x3001) if chr(n).isspace())
_TOKEN = re.compile(r"(\\.|\[|\]|\$)")


_DIGITS = {"\\d": r"\p{Nd}", "\\D": r"\P{Nd}"}  # Python's \d is every Unicode digit


def _space(token: str, in_class: bool, pattern: str) -> str:
    """Python's \\s or \\S for RE2, whose \\s is ASCII only."""
    if token == "\\s":
        return _SPACE if in_class else f"[{_SPACE}]"
    if in_class:
        raise ValueError(f"\\S inside [...] cannot be written for RE2: {pattern}")
    return f"[^{_SPACE}]"


def re2(pattern: str) -> str:
    """A pattern of Python's `re` written for DuckDB's regular expressions (RE2), matching the same text:
    RE2's \\d and \\s are ASCII only (Python's take every Unicode digit and space, a no-break space
    too), and RE2's $ does not allow the final new line that Python's allows. Look-around and
    back-references, which RE2 lacks, are refused."""
    if re.search(r"\(\?<?[=!]|\\[1-9]", pattern):
        raise ValueError(f"RE2 has no look-around or back-references: {pattern}")
    out, in_class = [], False
    for token in _TOKEN.split(pattern):
        if token in ("[", "]"):
            in_class = token == "["
        elif token in _DIGITS:
            token = _DIGITS[token]
        elif token in ("\\s", "\\S"):
            token = _space(token, in_class, pattern)
        elif token == "$" and not in_class:
            token = r"(?:\n?$)"
        out.append(token)
    return "".join(out)


def masked(text: str, what: str = "value") -> str:
    """`text` taken from a file, as it may be shown: itself, or what it looks like if it could identify
    someone ("a value shaped like a case reference number (hidden)"). Every value, column name or
    sheet name quoted in a message, a check result or a report passes through here."""
    for pattern, looks in _KINDS:
        if pattern.search(text):
            noun = "date" if what == "value" and pattern is _KINDS[-1][0] else what
            return f"a {noun} {looks} {HIDDEN}"
    return text


def is_masked(text: str) -> bool:
    """Whether `text` is what masked() shows instead of an identifier (quoted as it stands, not as a value)."""
    return text.startswith("a ") and text.endswith(HIDDEN) and masked(text) == text


def quoted(text: str, what: str = "value", quote=lambda t: f"'{t}'") -> str:
    """`text` in quotes for a message, or, if it could identify someone, what it looks like (unquoted)."""
    shown = masked(text, what)
    return shown if shown != text else quote(text)


# A case reference or National Insurance number anywhere in a message, whatever put it there.
_ANY_IDENTIFIER = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:[A-Z]\d{6}|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])(?![A-Za-z0-9])"
)


def scrubbed(message: str) -> str:
    """A message with any case reference or National Insurance number left in it replaced by (hidden):
    the last guard before a message is stored, logged or written to a report."""
    return _ANY_IDENTIFIER.sub(HIDDEN, message)

"""Patterns shared by the checks and by the code that keeps copies of files (no Great Expectations import)."""

from __future__ import annotations

import re

# A cell a spreadsheet would run as a formula: =..., +..., @..., or - followed by anything but a
# plain number (-5, -1,200.50, -5%), a space or nothing: -A1 and -2+3 are formulas, and so is
# -1+cmd|' /C calc'!A0, which runs a program.
FORMULA = r"^\s*(?:[=+@]|-(?!\s|$|[\d.,]*\d[\d.,]*%?$))"
NATIONAL_INSURANCE = r"(?:^|[^A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?:$|[^A-Za-z0-9])"
CASE_REFERENCE = r"(?:^|[^A-Za-z0-9])[A-Z]\d{6}(?:$|[^A-Za-z0-9])"
# In any capitals: people type "crn x123456" and "ab 12 34 56 c" too (the CRN column itself is upper-cased).
IDENTIFIER = re.compile(f"(?i:{NATIONAL_INSURANCE}|{CASE_REFERENCE})")

"""Patterns shared by the checks and by the code that keeps copies of files (no Great Expectations import)."""

from __future__ import annotations

import re

# A cell a spreadsheet would run as a formula: =..., +..., @..., or - followed by a letter.
FORMULA = r"^\s*(?:[=+@]|-[^\d.\s])"
NATIONAL_INSURANCE = r"(?:^|[^A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?:$|[^A-Za-z0-9])"
CASE_REFERENCE = r"(?:^|[^A-Za-z0-9])[A-Z]\d{6}(?:$|[^A-Za-z0-9])"
# In any capitals: people type "crn x123456" and "ab 12 34 56 c" too (the CRN column itself is upper-cased).
IDENTIFIER = re.compile(f"(?i:{NATIONAL_INSURANCE}|{CASE_REFERENCE})")

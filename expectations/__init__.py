"""Great Expectations suites, one per source. The only package that imports great_expectations.

`validate`, `validate_typed`, `drop_staging` and `build_data_docs` are expectations.runner's, looked
up only when first used: importing Great Expectations costs seconds and hundreds of MB, so processes
that never check a file (the app, `rpd status`) never pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.report import CheckContext, CheckReport, CheckResult

if TYPE_CHECKING:
    from expectations.runner import build_data_docs, drop_staging, validate, validate_typed

_FROM_RUNNER = ("build_data_docs", "drop_staging", "validate", "validate_typed")

__all__ = [
    "CheckContext",
    "CheckReport",
    "CheckResult",
    "build_data_docs",
    "drop_staging",
    "validate",
    "validate_typed",
]


def __getattr__(name: str):
    """The runner's functions, imported on first use (PEP 562)."""
    if name in _FROM_RUNNER:
        from expectations import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'expectations' has no attribute {name!r}")

"""Engagement coverage (being built for issue 3)."""

from __future__ import annotations

from dashboard.layout import start
from warehouse.settings import Settings


def render(settings: Settings) -> None:
    start("Engagement coverage", settings)

"""The one settings object. Read from `RPD_` environment variables by entry points only, then passed down.

Every setting is declared once here with its default and help text; `docs/settings.md` is checked
against this file by `tests/unit/test_docs.py`.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import environ

LONDON = ZoneInfo("Europe/London")


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _optional_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@environ.config(prefix="RPD", frozen=True)
class Settings:
    data_dir: Path = environ.var(
        "./data",
        converter=Path,
        help="The one data folder. Everything the product writes goes under it unless set below.",
    )
    warehouse_dir: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="Published warehouse versions and the pointer to the current one. Default: DATA_DIR/warehouse.",
    )
    landing_dir: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="Where new files are dropped for the next refresh. Default: DATA_DIR/landing.",
    )
    archive_dir: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="Accepted files, with case references already replaced. Default: DATA_DIR/archive.",
    )
    quarantine_dir: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="Rejected files (identifiers replaced) with their plain-English report. Default: DATA_DIR/quarantine.",
    )
    logs_dir: Path | None = environ.var(
        None, converter=_optional_path, help="Run logs. Default: DATA_DIR/logs."
    )
    reports_dir: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="Validation reports and Great Expectations Data Docs. Default: DATA_DIR/reports.",
    )
    hash_key: str | None = environ.var(
        None,
        help="Secret key for the keyed hash that replaces case reference numbers (CRN). Never logged. "
        "If unset, a random key is created once in DATA_DIR/secrets/hash-key (keep that file: a new "
        "key would stop repeat referrals of one person being counted across files).",
    )
    keep_versions: int = environ.var(
        5,
        converter=int,
        help="How many published warehouse versions to keep (for 'what changed' and rollback).",
    )
    lock_timeout_seconds: float = environ.var(
        30,
        converter=float,
        help="How long `rpd ingest` waits for another refresh to finish before giving up.",
    )
    schedule: str = environ.var(
        "0 6 * * mon",
        help="When `rpd schedule` refreshes from the landing folder: a crontab line in Europe/London time "
        "(minute hour day month weekday), weekdays as names. Default: Mondays at 06:00.",
    )
    source_schedules: str = environ.var(
        "",
        help="Other timetables for some kinds of file, e.g. 'contracts=0 7 1 * *; organisations=0 7 * * fri'. "
        "Those kinds are then refreshed only on their own timetable.",
    )
    today: dt.date | None = environ.var(
        None,
        converter=_optional_date,
        help="Treat this ISO date as today (for replaying old files and for tests). Default: the real date in Europe/London.",
    )

    def dir(self, name: str) -> Path:
        """A folder the product writes to: the setting if given, else a folder of that name under DATA_DIR."""
        explicit = getattr(self, f"{name}_dir")
        return Path(explicit) if explicit else Path(self.data_dir) / name

    @property
    def today_london(self) -> dt.date:
        return self.today or dt.datetime.now(LONDON).date()

    def resolved_hash_key(self) -> bytes:
        """The hashing secret: from the setting, or a random one kept in DATA_DIR/secrets."""
        if self.hash_key:
            return self.hash_key.encode("utf-8")
        path = Path(self.data_dir) / "secrets" / "hash-key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return path.read_text().strip().encode("utf-8")

    def to_env(self) -> dict[str, str]:
        """These settings as RPD_ variables, for a child process (the app's refresh button)."""
        env = {}
        for field in self.__attrs_attrs__:  # type: ignore[attr-defined]
            value = getattr(self, field.name)
            if value is not None:
                env[f"RPD_{field.name.upper()}"] = (
                    value.isoformat() if isinstance(value, dt.date) else str(value)
                )
        return env

    def __repr__(self) -> str:  # never show the secret
        return f"Settings(data_dir={str(self.data_dir)!r})"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (entry points only)."""
    return environ.to_config(Settings, dict(os.environ if env is None else env))


def settings_help() -> str:
    return environ.generate_help(Settings, display_defaults=True)

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


class SettingsError(ValueError):
    """Settings that cannot work together; the message says what to change."""


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
        help="How many published warehouse versions to keep (for 'what changed' and rollback); "
        "runs that change no data do not count.",
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

    sign_in: str = environ.var(
        "demo",
        help="How people sign in: 'demo' (choose a demo user; for trying the service, never for real data) or "
        "'oidc' (Streamlit's st.login with the OpenID Connect provider set in .streamlit/secrets.toml).",
    )
    production: bool = environ.bool_var(
        False,
        help="Set to true on a real deployment. Demo sign-in is then refused: the app and `rpd` stop with an error.",
    )
    users_file: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="Who may sign in and their role (TOML, see docs/access.md). Default: DATA_DIR/users.toml.",
    )
    flags_url: str = environ.var(
        "",
        help="Where flags and their audit trail are kept. Empty: a local SQLite file, DATA_DIR/flags/flags.sqlite "
        "(one app process). For several app processes, a PostgreSQL address such as "
        "'postgresql+psycopg://user:password@host/rpd'. Never logged.",
    )
    flag_response_days: int = environ.var(
        10,
        converter=int,
        help="Working days (England and Wales bank holidays excluded) an RPD team has to respond to a flag.",
    )

    def __attrs_post_init__(self) -> None:
        if self.sign_in not in ("demo", "oidc"):
            raise SettingsError(f"RPD_SIGN_IN must be 'demo' or 'oidc', not {self.sign_in!r}.")
        if self.production and self.sign_in == "demo":
            raise SettingsError(
                "Demo sign-in cannot be used when RPD_PRODUCTION is true: anyone could choose to be anyone. "
                "Set RPD_SIGN_IN=oidc and configure sign-in in .streamlit/secrets.toml (see docs/access.md)."
            )

    @property
    def users_path(self) -> Path:
        return Path(self.users_file) if self.users_file else Path(self.data_dir) / "users.toml"

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

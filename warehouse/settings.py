"""The one settings object. Read from `RPD_` environment variables by entry points only, then passed down.

Every setting is declared once here with its default and help text; `docs/settings.md` is checked
against this file by `tests/unit/test_docs.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import environ

LONDON = ZoneInfo("Europe/London")
log = logging.getLogger(__name__)
# The shortest hashing key accepted in production: 32 random characters cannot be guessed.
MIN_KEY_LENGTH = 32
KEY_HELP = "See 'The hashing key' in docs/operations.md."


def keep_files_private() -> None:
    """Everything this process creates is readable by its own user only (files 0600, folders 0700).

    Called once where a program starts (`rpd`, the app): warehouse versions, flags, logs, copies and
    reports hold data derived from case records, and the key file is the key to the hashes."""
    os.umask(0o077)


def _absolute_path(value: str | Path) -> Path:
    """A folder setting as an absolute path, resolved once against the folder the program started in.

    Great Expectations refuses a relative folder for its Data Docs, and a child process (the app's
    refresh) may start elsewhere: every path setting is made absolute here, never later."""
    return Path(os.path.abspath(Path(value).expanduser()))


def _optional_path(value: str | None) -> Path | None:
    return _absolute_path(value) if value else None


def _optional_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _memory_size(value: str) -> str:
    """An amount of memory as DuckDB's memory_limit takes it (1GB, 1.5GiB, 512MB)."""
    text = str(value).strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?\s*(?:[KMGT]i?B)", text, re.IGNORECASE):
        raise SettingsError(
            f"RPD_DUCKDB_MEMORY_LIMIT must be an amount of memory such as 1GB or 512MB, not {text!r}."
        )
    return text


class SettingsError(ValueError):
    """Settings that cannot work together; the message says what to change."""


@environ.config(prefix="RPD", frozen=True)
class Settings:
    data_dir: Path = environ.var(
        "./data",
        converter=_absolute_path,
        help="The one data folder. Everything the product writes goes under it unless set below. "
        "A relative path is taken from the folder the program starts in.",
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
        "Required when RPD_PRODUCTION is true (this or RPD_HASH_KEY_FILE), at least 32 characters. "
        "Outside production, if neither is set, a random key is created once in DATA_DIR/secrets/hash-key "
        "for trying the service. Keep the key: a new one stops old and new hashes matching.",
    )
    hash_key_file: Path | None = environ.var(
        None,
        converter=_optional_path,
        help="A file holding the hashing key (e.g. a mounted secret), instead of RPD_HASH_KEY. Never logged.",
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
    duckdb_memory_limit: str = environ.var(
        "1GB",
        converter=_memory_size,
        help="Most memory DuckDB may use while a refresh reads and checks files (DuckDB's memory_limit, "
        "such as 1GB or 512MB); past it DuckDB spills to disk beside the warehouse. See docs/operations.md.",
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
        help="Set to true on a real deployment. Demo sign-in, and running without a hashing key you set, are "
        "then refused: the app and `rpd` stop with an error.",
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
        if self.hash_key and self.hash_key_file:
            raise SettingsError(
                "Both RPD_HASH_KEY and RPD_HASH_KEY_FILE are set: set only one, so that there is no "
                f"doubt which key hashes the case reference numbers. {KEY_HELP}"
            )
        if self.production:
            key = self._explicit_key()
            if key is None:
                raise SettingsError(
                    "No hashing key is set, and RPD_PRODUCTION is true: set RPD_HASH_KEY, or "
                    "RPD_HASH_KEY_FILE to a file holding the key, and keep the key safe outside the "
                    "data folder (a key the service made itself would sit beside the data it protects). "
                    + KEY_HELP
                )
            if len(key) < MIN_KEY_LENGTH:
                raise SettingsError(
                    f"The hashing key is too short ({len(key)} characters; at least {MIN_KEY_LENGTH}): "
                    "a short key can be guessed, and with it every case reference number. Make one with "
                    "`python -c 'import secrets; print(secrets.token_hex(32))'`. " + KEY_HELP
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

    def _explicit_key(self) -> str | None:
        """RPD_HASH_KEY, or the contents of RPD_HASH_KEY_FILE, or None if neither is set."""
        if self.hash_key:
            return self.hash_key
        if self.hash_key_file is None:
            return None
        try:
            key = Path(self.hash_key_file).read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "it is not text"
            raise SettingsError(
                f"RPD_HASH_KEY_FILE names {self.hash_key_file}, which cannot be read ({reason}). {KEY_HELP}"
            ) from None
        if not key:
            raise SettingsError(
                f"RPD_HASH_KEY_FILE names {self.hash_key_file}, which is empty: put the key in it. {KEY_HELP}"
            )
        return key

    def resolved_hash_key(self) -> bytes:
        """The hashing secret: RPD_HASH_KEY or RPD_HASH_KEY_FILE; outside production only, a random
        key made once in DATA_DIR/secrets for trying the service."""
        key = self._explicit_key()
        if key is not None:
            return key.encode("utf-8")
        if self.production:  # refused when the settings were read; never make one here
            raise SettingsError("No hashing key is set, and RPD_PRODUCTION is true. " + KEY_HELP)
        path = Path(self.data_dir) / "secrets" / "hash-key"
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            log.warning(
                "No hashing key is set (RPD_HASH_KEY or RPD_HASH_KEY_FILE), so one was made in %s "
                "for trying the service. A real deployment sets RPD_PRODUCTION=true and its own key "
                "(see 'The hashing key' in docs/operations.md).",
                path,
            )
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

"""Flags: a provider says the warehouse's referral count for one of their contracts and months is wrong;
an RPD team reviews it. The only data users write, so it lives outside the warehouse versions and
outlives every refresh: a local SQLite file by default, or PostgreSQL (`RPD_FLAGS_URL`) when several
app processes share it. One interface (`FlagStore`, SQLAlchemy Core) over both.

The store is append-only: a flag's facts are written once, and each status change is a new event
with who, when and what. Nothing is ever updated or deleted (triggers refuse it in both databases).
Every write checks the user's role and contracts (`warehouse.access`). Imports no Streamlit: the
refresh summary (`ingest.summary`) reads the store in `rpd` and the scheduler.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import holidays
import pandas as pd
import sqlalchemy as sa

from dashboard.flags.migrations import migrate
from warehouse.access import AccessRefused, User
from warehouse.settings import LONDON, Settings

CATEGORIES = {
    "missing": "Missing referrals (we received referrals you do not show)",
    "duplicates": "Duplicates (you count a referral more than once)",
    "wrong_contract": "Wrong contract (referrals counted against the wrong contract)",
    "wrong_dates": "Wrong dates (referrals counted in the wrong month)",
    "other": "Something else",
}
STATUSES = {
    "open": "Open",
    "under_review": "Under review",
    "resolved": "Resolved",
    "not_upheld": "Not upheld",
}
ACTIVE = ("open", "under_review")  # figures under these flags are shown as disputed
# Which statuses a review may move a flag to, from each status.
NEXT = {
    "open": ("under_review", "resolved", "not_upheld"),
    "under_review": ("resolved", "not_upheld"),
    "resolved": ("under_review",),
    "not_upheld": ("under_review",),
}
MAX_COMMENT = 2000
MAX_RESPONSE = 2000
MAX_COUNT = 1_000_000
MAX_REFERENCES = 20_000
# One limit for a reference list, uploaded or pasted, in Streamlit's megabytes (1,048,576 bytes), so
# the upload box (`max_upload_size`) and this module count the same way.
MAX_REFERENCE_MB = 1
MAX_REFERENCE_BYTES = MAX_REFERENCE_MB * 1024 * 1024
REFERENCE = re.compile(r"^[A-HJ-NP-Z]{2}\d{4}[A-Z]{2}$")

# The tables as the store reads and writes them. Created and changed only by numbered migrations
# (dashboard/flags/migrations): a change here needs a new migration, and a test compares the two.
metadata = sa.MetaData()
flag = sa.Table(
    "flag",
    metadata,
    sa.Column("flag_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("contract_ref", sa.String(100), nullable=False),
    sa.Column("month", sa.Date, nullable=False),  # first day of the month disputed
    sa.Column("region_code", sa.String(10), nullable=False),
    sa.Column("provider_code", sa.String(100), nullable=False),  # the raising provider
    sa.Column("category", sa.String(30), nullable=False),
    sa.Column("provider_count", sa.Integer, nullable=False),
    sa.Column("warehouse_count", sa.Integer, nullable=False),
    sa.Column("warehouse_version", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("references_supplied", sa.Integer, nullable=False),
    sa.Column("raised_by", sa.String(320), nullable=False),
    sa.Column("raised_by_name", sa.String(200), nullable=False),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("respond_by", sa.Date, nullable=False),
)
flag_reference = sa.Table(
    "flag_reference",
    metadata,
    sa.Column("flag_id", sa.Integer, sa.ForeignKey("flag.flag_id"), nullable=False, index=True),
    sa.Column("reference", sa.String(20), nullable=False),
    sa.Column("found_in", sa.String(20), nullable=False),  # provider_only | warehouse_only | both
)
flag_event = sa.Table(
    "flag_event",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("flag_id", sa.Integer, sa.ForeignKey("flag.flag_id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("by_user", sa.String(320), nullable=False),
    sa.Column("by_name", sa.String(200), nullable=False),
    sa.Column("by_role", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("response", sa.Text, nullable=False),
)


class FlagError(ValueError):
    """A flag or review that cannot be saved; the message says what to change."""


@lru_cache(maxsize=4)
def _bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    # England and Wales share their bank holidays; Scotland and Northern Ireland differ.
    return frozenset(
        holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    )


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (weekends and England and Wales bank holidays skipped)."""
    off = _bank_holidays(start.year, start.year + 1 + days // 200)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


@dataclass(frozen=True)
class Reconciliation:
    provider_only: list[str]
    warehouse_only: list[str]
    both: list[str]

    @property
    def rows(self) -> list[tuple[str, str]]:
        return (
            [(r, "provider_only") for r in self.provider_only]
            + [(r, "warehouse_only") for r in self.warehouse_only]
            + [(r, "both") for r in self.both]
        )


FOUND_IN = {
    "provider_only": "Only in your list",
    "warehouse_only": "Only in the warehouse",
    "both": "In both",
}


def reconcile(provider: Iterable[str], warehouse: Iterable[str]) -> Reconciliation:
    mine, theirs = set(provider), set(warehouse)
    return Reconciliation(sorted(mine - theirs), sorted(theirs - mine), sorted(mine & theirs))


def parse_references(raw: bytes | str) -> tuple[list[str], list[str]]:
    """Referral references from an uploaded CSV or text, or pasted text: (valid, not references).

    One reference per line, or a CSV whose first column (or a column headed 'reference') holds them;
    spaces and case are forgiven. A header line is ignored."""
    _check_size(raw)
    if isinstance(raw, bytes):
        if b"\x00" in raw[:4096] or raw[:2] == b"PK":
            raise FlagError(
                "The reference list is not a text or CSV file. Save it as CSV (one reference per line)."
            )
        data = raw
        try:
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raw = data.decode("cp1252", errors="replace")
    lines = [line for line in raw.splitlines() if line.strip()]
    column = 0
    if lines:
        first = [c.strip().strip('"').lower() for c in lines[0].split(",")]
        for n, name in enumerate(first):
            if name in ("reference", "referral reference", "referral_ref", "reference number"):
                column = n
                lines = lines[1:]
                break
    valid, invalid = [], []
    for line in lines:
        cells = line.split(",")
        cell = cells[column] if column < len(cells) else ""
        value = cell.strip().strip('"').replace(" ", "").upper()
        if REFERENCE.match(value):
            valid.append(value)
        elif value.lower() not in ("reference", "referral_ref", ""):
            invalid.append(cell.strip()[:40])
    if len(valid) > MAX_REFERENCES:
        raise FlagError(f"The list has {len(valid):,} references; the limit is {MAX_REFERENCES:,}.")
    return list(dict.fromkeys(valid)), invalid


def _check_size(raw: bytes | str) -> None:
    """Refuse a list over the limit before reading it (a pasted list is measured as UTF-8 bytes; its
    length in characters first, so that a huge paste costs nothing more)."""
    if isinstance(raw, bytes) or len(raw) > MAX_REFERENCE_BYTES:
        size = len(raw)
    else:
        size = len(raw.encode("utf-8"))
    if size > MAX_REFERENCE_BYTES:
        megabytes = math.ceil(size / 1024 / 1024 * 10) / 10  # just over the limit is not "1.0 MB"
        raise FlagError(
            f"Your list of references is {megabytes:.1f} MB; the limit is {MAX_REFERENCE_MB} MB "
            f"(and {MAX_REFERENCES:,} references). Send the references of this contract and month only."
        )


def provider_references(upload: bytes | None, pasted: str) -> tuple[str, ...] | None:
    """The provider's own list: an uploaded file, else pasted text; None if they gave neither.
    Lines that are not referral references refuse the list, naming a few of them."""
    if upload is None and not pasted.strip():
        return None
    valid, invalid = parse_references(upload if upload is not None else pasted)
    if invalid:
        shown = ", ".join(repr(v) for v in invalid[:5])
        more = f" and {len(invalid) - 5} more" if len(invalid) > 5 else ""
        raise FlagError(
            f"{len(invalid)} line(s) of your list are not referral references (like AB1234AC): "
            f"{shown}{more}. Correct or remove them and raise the flag again."
        )
    return tuple(valid)


@dataclass(frozen=True)
class NewFlag:
    contract_ref: str
    month: dt.date
    category: str
    provider_count: int
    comment: str
    references: tuple[str, ...] | None = None  # the provider's own list, if given


@dataclass(frozen=True)
class ContractFacts:
    """What the warehouse says of the flagged contract and month (read by the caller, which has access)."""

    region_code: str
    lead_provider_code: str
    warehouse_count: int
    warehouse_references: tuple[str, ...]
    version: int


class FlagStore:
    """Flags and their audit trail in SQLite or PostgreSQL."""

    def __init__(self, url: str, response_days: int = 10):
        self.response_days = response_days
        kwargs: dict = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._create()

    @classmethod
    def from_settings(cls, settings: Settings) -> FlagStore:
        """The store the settings name (one engine per address per process)."""
        return _store(settings.flags_url or _local_url(settings), settings.flag_response_days)

    def __repr__(self) -> str:  # the address may hold a password
        return f"FlagStore({self.engine.dialect.name})"

    def _create(self) -> None:
        """Create the store, or bring it to the newest migration (dashboard/flags/migrations)."""
        with self.engine.begin() as con:
            _one_at_a_time(con, _SETUP_LOCK)  # app processes starting together on an empty database
            migrate(con)

    # --- writes -------------------------------------------------------------------------------

    def raise_flag(
        self,
        user: User,
        new: NewFlag,
        facts: ContractFacts,
        allowed_contracts: list[str] | None,
        now: dt.datetime | None = None,
    ) -> int:
        """Save a provider's flag (and its reconciliation) and its first event; returns its number.

        `allowed_contracts`: the contracts the user may read (None: every contract), as for review().
        Refused if the contract is not one of them, or if the same flag is already open."""
        user.require("raise_flags")
        if not _within(new.contract_ref, allowed_contracts):
            raise AccessRefused(
                f"{user.name} may not raise a flag on contract {new.contract_ref[:100]}: it is not "
                "one of your organisation's contracts."
            )
        _check_new(new)
        provider_code = user.providers[0] if user.providers else ""
        comment = new.comment.strip()
        supplied = len(new.references) if new.references is not None else 0
        now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)  # SQLite keeps no time zone
        matched = (
            reconcile(new.references, facts.warehouse_references)
            if new.references is not None
            else None
        )
        raised_on = now.astimezone(LONDON).date()
        with self.engine.begin() as con:
            _one_at_a_time(con, _RAISE_LOCK)  # two clicks at once: the second sees the first
            same = _same_active_flag(con, new, provider_code, comment, supplied)
            if same is not None:
                raise FlagError(
                    f"You have already raised this flag (flag {same.flag_id}, "
                    f"{STATUSES[same.status].lower()}), with the same count and comment, so it was "
                    "not raised again. Follow it under Your flags."
                )
            flag_id = con.execute(
                flag.insert()
                .values(
                    contract_ref=new.contract_ref,
                    month=new.month,
                    region_code=facts.region_code,
                    provider_code=provider_code,
                    category=new.category,
                    provider_count=new.provider_count,
                    warehouse_count=facts.warehouse_count,
                    warehouse_version=facts.version,
                    comment=comment,
                    references_supplied=supplied,
                    raised_by=user.id,
                    raised_by_name=user.name,
                    raised_at=now,
                    respond_by=add_working_days(raised_on, self.response_days),
                )
                .returning(flag.c.flag_id)
            ).scalar_one()
            if matched is not None and matched.rows:
                con.execute(
                    flag_reference.insert(),
                    [
                        {"flag_id": flag_id, "reference": r, "found_in": where}
                        for r, where in matched.rows
                    ],
                )
            con.execute(_event(flag_id, now, user, "open", ""))
        return int(flag_id)

    def review(
        self,
        user: User,
        flag_id: int,
        status: str,
        response: str,
        allowed_contracts: list[str] | None,
        now: dt.datetime | None = None,
    ) -> None:
        """Record an RPD team's change of status and response (a new event; nothing is overwritten)."""
        user.require("triage")
        response = (response or "").strip()
        if not response:
            raise FlagError("Write a response: the provider sees it with the new status.")
        if len(response) > MAX_RESPONSE:
            raise FlagError(
                f"The response is {len(response):,} characters; the limit is {MAX_RESPONSE:,}."
            )
        now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)  # SQLite keeps no time zone
        with self.engine.begin() as con:
            _one_at_a_time(con, flag_id)  # one review at a time per flag
            row = con.execute(
                sa.select(flag.c.contract_ref).where(flag.c.flag_id == flag_id)
            ).first()
            if row is None or not _within(row.contract_ref, allowed_contracts):
                raise AccessRefused(f"Flag {flag_id} is not one you may review.")
            current = _latest_status(con, flag_id)
            if status not in NEXT.get(current, ()):
                raise FlagError(
                    f"Flag {flag_id} is {STATUSES[current].lower()}: it can move to "
                    + " or ".join(STATUSES[s].lower() for s in NEXT[current])
                    + f", not {STATUSES.get(status, status).lower()}."
                )
            con.execute(_event(flag_id, now, user, status, response))

    # --- reads --------------------------------------------------------------------------------

    def flags(
        self, user: User, allowed_contracts: list[str] | None, today: dt.date | None = None
    ) -> pd.DataFrame:
        """The flags a user may see, newest first, with their current status and latest response.

        Providers see the flags raised by their organisation; RPD teams and the national commissioner
        see the flags on the contracts they may read (`allowed_contracts`, None for every contract)."""
        if not _sees_flags(user):
            return _empty_flags()
        query = _visible(sa.select(flag), user, allowed_contracts)
        with self.engine.connect() as con:
            flags = pd.DataFrame(
                con.execute(query.order_by(flag.c.flag_id.desc())).mappings().all()
            )
            if flags.empty:
                return _empty_flags()
            events = pd.DataFrame(
                con.execute(
                    sa.select(flag_event)
                    .where(flag_event.c.flag_id.in_([int(i) for i in flags.flag_id]))
                    .order_by(flag_event.c.event_id)
                )
                .mappings()
                .all()
            )
        latest = events.groupby("flag_id").tail(1).set_index("flag_id")
        responded = set(events.flag_id[events.by_role != "provider"])
        flags["status"] = flags.flag_id.map(latest.status)
        flags["last_change_at"] = flags.flag_id.map(latest["at"])
        flags["latest_response"] = flags.flag_id.map(latest.response).fillna("")
        today = today or dt.datetime.now(LONDON).date()
        flags["raised_at"] = pd.to_datetime(flags.raised_at, utc=True).dt.tz_convert(LONDON)
        flags["last_change_at"] = pd.to_datetime(flags.last_change_at, utc=True).dt.tz_convert(
            LONDON
        )
        flags["age_days"] = [(today - r.date()).days for r in flags.raised_at]
        # Overdue: still open or under review, no response from the RPD team yet, and past its date.
        flags["overdue"] = [
            status in ACTIVE and flag_id not in responded and today > due
            for status, flag_id, due in zip(
                flags.status, flags.flag_id, flags.respond_by, strict=True
            )
        ]
        return flags

    def history(
        self, user: User, flag_id: int, allowed_contracts: list[str] | None
    ) -> pd.DataFrame:
        """Every event of one flag, oldest first (who, when, status, response)."""
        with self._one_flag(user, flag_id, allowed_contracts) as con:
            events = pd.DataFrame(
                con.execute(
                    sa.select(flag_event)
                    .where(flag_event.c.flag_id == flag_id)
                    .order_by(flag_event.c.event_id)
                )
                .mappings()
                .all()
            )
        events["at"] = pd.to_datetime(events["at"], utc=True).dt.tz_convert(LONDON)
        return events

    def references(
        self, user: User, flag_id: int, allowed_contracts: list[str] | None
    ) -> pd.DataFrame:
        """The reconciliation saved with a flag: reference and where it was found."""
        with self._one_flag(user, flag_id, allowed_contracts) as con:
            return pd.DataFrame(
                con.execute(
                    sa.select(flag_reference.c.reference, flag_reference.c.found_in)
                    .where(flag_reference.c.flag_id == flag_id)
                    .order_by(flag_reference.c.found_in, flag_reference.c.reference)
                ).all(),
                columns=["reference", "found_in"],
            )

    @contextmanager
    def _one_flag(self, user: User, flag_id: int, allowed: list[str] | None) -> Iterator:
        """A connection for reading one flag, once the user is known to see it (else AccessRefused)."""
        with self.engine.connect() as con:
            self._require_visible(con, user, flag_id, allowed)
            yield con

    @staticmethod
    def _require_visible(con, user: User, flag_id: int, allowed: list[str] | None) -> None:
        """Refuse a flag the user may not see (the same rule as flags(), for one flag)."""
        query = _visible(sa.select(flag.c.flag_id).where(flag.c.flag_id == flag_id), user, allowed)
        if not _sees_flags(user) or con.execute(query).first() is None:
            raise AccessRefused(f"Flag {flag_id} is not one you may see.")

    def counts(self) -> dict[str, int]:
        """How many flags and events are stored (for status and tests)."""
        with self.engine.connect() as con:
            return {
                "flags": con.execute(sa.select(sa.func.count()).select_from(flag)).scalar_one(),
                "events": con.execute(
                    sa.select(sa.func.count()).select_from(flag_event)
                ).scalar_one(),
            }


def _event(flag_id: int, at: dt.datetime, user: User, status: str, response: str):
    """The audit row: `user` moved flag `flag_id` to `status` at `at`, with `response`."""
    return flag_event.insert().values(
        flag_id=flag_id,
        at=at,
        by_user=user.id,
        by_name=user.name,
        by_role=user.role,
        status=status,
        response=response,
    )


_SETUP_LOCK = -20_261_223  # flag ids, the other lock keys, are positive
_RAISE_LOCK = -20_261_224


def _one_at_a_time(con, key: int) -> None:
    """Until this transaction ends, no other one passes the same call: PostgreSQL takes an advisory
    lock on `key`; SQLite takes its write lock now (so a check read here still holds when the write
    that depends on it comes). Must be the transaction's first statement."""
    if con.dialect.name == "postgresql":
        con.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif con.dialect.name == "sqlite":
        con.exec_driver_sql("BEGIN IMMEDIATE")


def _sees_flags(user: User) -> bool:
    """Providers (who raise flags) and RPD and national teams (who triage them) see flags."""
    return user.may("raise_flags") or user.may("triage")


def _visible(query, user: User, allowed: list[str] | None):
    """Narrow a query on `flag` to the flags a user may see: a provider's own organisation's flags,
    and only on the contracts they may read (None: every contract)."""
    if user.role == "provider":
        query = query.where(flag.c.provider_code.in_(user.providers))
    if allowed is not None:
        query = query.where(flag.c.contract_ref.in_(allowed or [""]))
    return query


def _within(contract_ref: str, allowed: list[str] | None) -> bool:
    return allowed is None or contract_ref in allowed


def _same_active_flag(con, new: NewFlag, provider_code: str, comment: str, supplied: int):
    """An open or under-review flag by the same organisation on the same contract and month, with the
    same category, count, comment and number of references (a second click, or the form sent again):
    its flag_id and status, or None."""
    latest = (
        sa.select(flag_event.c.status)
        .where(flag_event.c.flag_id == flag.c.flag_id)
        .order_by(flag_event.c.event_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return con.execute(
        sa.select(flag.c.flag_id, latest.label("status"))
        .where(
            flag.c.contract_ref == new.contract_ref,
            flag.c.month == new.month,
            flag.c.provider_code == provider_code,
            flag.c.category == new.category,
            flag.c.provider_count == new.provider_count,
            flag.c.comment == comment,
            flag.c.references_supplied == supplied,
            latest.in_(ACTIVE),
        )
        .order_by(flag.c.flag_id)
        .limit(1)
    ).first()


def _latest_status(con, flag_id: int) -> str:
    return con.execute(
        sa.select(flag_event.c.status)
        .where(flag_event.c.flag_id == flag_id)
        .order_by(flag_event.c.event_id.desc())
        .limit(1)
    ).scalar_one()


def _check_new(new: NewFlag) -> None:
    if new.category not in CATEGORIES:
        raise FlagError(f"Choose a category from the list (not {new.category[:30]!r}).")
    if not isinstance(new.provider_count, int) or not 0 <= new.provider_count <= MAX_COUNT:
        raise FlagError(f"Your count must be a whole number from 0 to {MAX_COUNT:,}.")
    comment = (new.comment or "").strip()
    if not comment:
        raise FlagError(
            "Say in the comment what you see differently, so the RPD team can check it."
        )
    if len(comment) > MAX_COMMENT:
        raise FlagError(
            f"The comment is {len(comment):,} characters; the limit is {MAX_COMMENT:,}. "
            "Shorten it and raise the flag again."
        )
    if new.month.day != 1:
        raise FlagError("The month must be given as its first day.")
    if new.references is not None:
        if len(new.references) > MAX_REFERENCES:
            raise FlagError(
                f"The list has {len(new.references):,} references; the limit is {MAX_REFERENCES:,}."
            )
        wrong = [r for r in new.references if not REFERENCE.match(str(r))]
        if wrong:
            raise FlagError(
                f"{len(wrong):,} of the references are not referral references (like AB1234AC)."
            )


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            *[c.name for c in flag.columns],
            "status",
            "last_change_at",
            "latest_response",
            "age_days",
            "overdue",
        ]
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
    cursor.execute("PRAGMA synchronous=FULL")  # a saved flag survives a crash or power cut
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _local_url(settings: Settings) -> str:
    folder = Path(settings.data_dir) / "flags"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder.resolve() / 'flags.sqlite'}"


@lru_cache(maxsize=8)
def _store(url: str, response_days: int) -> FlagStore:
    return FlagStore(url, response_days)

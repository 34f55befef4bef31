"""The flag store (`dashboard.flags.store.FlagStore`) behaves the same over its two backends: a local SQLite
file (the embedded default) and a real PostgreSQL server (several app processes; started by
tests/postgres.py). Every test runs against both, each on a fresh database.

Audit: every flag and status change keeps who, when and what, and nothing is ever overwritten.
Safety: flags survive refreshes, restarts and a killed process; two providers submitting at once lose
nothing; inputs are validated with plain messages."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.flags.store import ContractFacts, FlagError, FlagStore, NewFlag
from tests import builders as b
from tests.conftest import make_settings
from tests.postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from warehouse.access import AccessRefused, User
from warehouse.settings import LONDON

ROOT = Path(__file__).parents[2]

PROVIDER = User("pat@acme.example", "Pat at Acme", "provider", providers=("ACME",))
OTHER_PROVIDER = User("wen@women.example", "Wen at Women Org", "provider", providers=("WOMEN",))
RPD = User("rhys@justice.example", "Rhys", "rpd", regions=("B",))
NATIONAL = User("naomi@justice.example", "Naomi", "national")
ADMIN = User("ade@justice.example", "Ade", "admin")

ACME_FACTS = ContractFacts(
    region_code="B",
    lead_provider_code="ACME",
    warehouse_count=3,
    warehouse_references=("AB0002AC", "AB0003AC", "AB0004AC"),
    version=7,
)
WOMEN_FACTS = ContractFacts("B", "WOMEN", 5, (), 7)
# The contracts the caller (the page) found the provider may read: both test providers' contracts.
MINE = ["PRJ_0001", "PRJ_0002"]
RAISED = dt.datetime(2026, 12, 23, 10, 30, tzinfo=dt.UTC)


def new_flag(**over) -> NewFlag:
    values = {
        "contract_ref": "PRJ_0001",
        "month": dt.date(2026, 11, 1),
        "category": "missing",
        "provider_count": 4,
        "comment": "  We received four referrals in November; you show three.  ",
        "references": None,
    } | over
    return NewFlag(**values)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'flags.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    flags = FlagStore(store_url)
    yield flags
    flags.engine.dispose()


def test_a_raised_flag_reads_back_whole_and_is_due_ten_working_days_later(store):
    """Raised on Wed 23 Dec 2026: 25 Dec, 28 Dec (Boxing Day, moved) and 1 Jan are bank holidays,
    so the tenth working day after it is Mon 11 Jan 2027."""
    flag_id = store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)

    flags = store.flags(PROVIDER, None, today=dt.date(2026, 12, 23))
    assert len(flags) == 1
    row = flags.iloc[0]
    assert row.flag_id == flag_id
    assert row.contract_ref == "PRJ_0001"
    assert row.month == dt.date(2026, 11, 1)
    assert row.region_code == "B"
    assert row.provider_code == "ACME"
    assert row.category == "missing"
    assert row.provider_count == 4
    assert row.warehouse_count == 3
    assert row.warehouse_version == 7
    assert row.comment == "We received four referrals in November; you show three."
    assert row.references_supplied == 0
    assert row.raised_by == "pat@acme.example"
    assert row.raised_by_name == "Pat at Acme"
    assert row.raised_at == pd.Timestamp("2026-12-23 10:30", tz="UTC")
    assert str(row.raised_at.tz) == "Europe/London"
    assert row.respond_by == dt.date(2027, 1, 11)
    assert row.status == "open"
    assert row.latest_response == ""
    assert row.age_days == 0
    assert not row.overdue
    assert store.counts() == {"flags": 1, "events": 1}

    # Overdue only after its date, while nobody from the RPD team has responded.
    assert not store.flags(PROVIDER, None, today=dt.date(2027, 1, 11)).iloc[0].overdue
    late = store.flags(PROVIDER, None, today=dt.date(2027, 1, 12)).iloc[0]
    assert late.overdue and late.age_days == 20


def test_the_time_raised_is_kept_as_an_instant_whatever_zone_it_is_given_in(store):
    """10:00 in London on 1 June is 09:00 UTC (summer time): both backends must read back 09:00 UTC."""
    store.raise_flag(
        PROVIDER, new_flag(), ACME_FACTS, MINE, now=dt.datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
    )
    row = store.flags(PROVIDER, None, today=dt.date(2026, 6, 1)).iloc[0]
    assert row.raised_at == pd.Timestamp("2026-06-01 09:00", tz="UTC")
    assert row.raised_at.hour == 10  # shown in London time
    assert row.respond_by == dt.date(2026, 6, 15)  # no bank holiday in between


def test_the_reconciliation_is_saved_with_the_flag(store):
    """Provider {A, B, C} against warehouse {B, C, D}: A only theirs, D only ours, B and C in both."""
    flag_id = store.raise_flag(
        PROVIDER,
        new_flag(references=("AB0001AC", "AB0002AC", "AB0003AC")),
        ACME_FACTS,
        MINE,
        now=RAISED,
    )
    saved = store.references(PROVIDER, flag_id, None)
    assert list(saved.itertuples(index=False, name=None)) == [
        ("AB0002AC", "both"),
        ("AB0003AC", "both"),
        ("AB0001AC", "provider_only"),
        ("AB0004AC", "warehouse_only"),
    ]
    assert store.flags(PROVIDER, None).iloc[0].references_supplied == 3

    # Without a list, nothing is reconciled.
    bare = store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)
    assert store.references(PROVIDER, bare, None).empty
    assert store.flags(PROVIDER, None).set_index("flag_id").references_supplied[bare] == 0


def test_a_review_moves_the_status_and_every_change_is_kept(store):
    flag_id = store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)
    t1 = dt.datetime(2026, 12, 29, 9, 0, tzinfo=dt.UTC)
    t2 = dt.datetime(2027, 1, 5, 14, 15, tzinfo=dt.UTC)
    allowed = ["PRJ_0001"]

    with pytest.raises(FlagError, match="Write a response"):
        store.review(RPD, flag_id, "under_review", "   ", allowed, now=t1)
    with pytest.raises(FlagError) as refused:
        store.review(RPD, flag_id, "open", "Back to open", allowed, now=t1)
    assert str(refused.value) == (
        f"Flag {flag_id} is open: it can move to under review or resolved or not upheld, not open."
    )
    with pytest.raises(FlagError, match="not closed"):
        store.review(RPD, flag_id, "closed", "Closing it", allowed, now=t1)
    with pytest.raises(FlagError, match=r"The response is 2,001 characters; the limit is 2,000."):
        store.review(RPD, flag_id, "under_review", "x" * 2001, allowed, now=t1)
    assert store.counts() == {"flags": 1, "events": 1}  # refused reviews leave nothing behind

    store.review(RPD, flag_id, "under_review", "  Checking the November file.  ", allowed, now=t1)
    store.review(RPD, flag_id, "resolved", "A referral was missing; fixed.", allowed, now=t2)
    with pytest.raises(FlagError) as refused:
        store.review(RPD, flag_id, "not_upheld", "Changed my mind", allowed, now=t2)
    assert str(refused.value) == (
        f"Flag {flag_id} is resolved: it can move to under review, not not upheld."
    )

    current = store.flags(PROVIDER, None, today=dt.date(2027, 1, 20)).iloc[0]
    assert current.status == "resolved"
    assert current.latest_response == "A referral was missing; fixed."
    assert current.last_change_at == pd.Timestamp(t2)
    assert not current.overdue  # past its date, but resolved

    history = store.history(RPD, flag_id, allowed)
    assert list(history.event_id) == sorted(history.event_id)
    assert history[["status", "by_user", "by_name", "by_role", "response"]].to_dict("records") == [
        {
            "status": "open",
            "by_user": "pat@acme.example",
            "by_name": "Pat at Acme",
            "by_role": "provider",
            "response": "",
        },
        {
            "status": "under_review",
            "by_user": "rhys@justice.example",
            "by_name": "Rhys",
            "by_role": "rpd",
            "response": "Checking the November file.",
        },
        {
            "status": "resolved",
            "by_user": "rhys@justice.example",
            "by_name": "Rhys",
            "by_role": "rpd",
            "response": "A referral was missing; fixed.",
        },
    ]
    assert list(history["at"]) == [pd.Timestamp(RAISED), pd.Timestamp(t1), pd.Timestamp(t2)]
    assert set(history.flag_id) == {flag_id}
    # The provider sees the same trail of their own flag.
    assert len(store.history(PROVIDER, flag_id, None)) == 3

    # Reopening a resolved flag is a new event; the old ones stay as they were.
    store.review(NATIONAL, flag_id, "under_review", "Reopened after the provider's call.", None)
    again = store.history(NATIONAL, flag_id, None)
    assert list(again.status) == ["open", "under_review", "resolved", "under_review"]
    assert again.iloc[:3].equals(history)
    assert store.counts() == {"flags": 1, "events": 4}


@pytest.mark.parametrize("table", ["flag", "flag_event", "flag_reference"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET flag_id = flag_id + 100",
        "DELETE FROM {table}",
    ],
    ids=["update", "delete"],
)
def test_the_store_refuses_to_change_or_delete_anything(store, table, statement):
    flag_id = store.raise_flag(
        PROVIDER, new_flag(references=("AB0001AC", "AB0002AC")), ACME_FACTS, MINE, now=RAISED
    )
    store.review(RPD, flag_id, "under_review", "Looking.", ["PRJ_0001"], now=RAISED)
    with store.engine.connect() as con:
        before = con.execute(sa.text(f"SELECT * FROM {table}")).all()  # noqa: S608
    assert before  # there is a row to change

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as con:
        con.execute(sa.text(statement.format(table=table)))

    with store.engine.connect() as con:
        assert con.execute(sa.text(f"SELECT * FROM {table}")).all() == before  # noqa: S608
    # A restarted store (which re-runs its set-up) keeps the guard.
    again = FlagStore(str(store.engine.url.render_as_string(hide_password=False)))
    try:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), again.engine.begin() as con:
            con.execute(sa.text(statement.format(table=table)))
    finally:
        again.engine.dispose()


def test_who_may_raise_review_and_see_which_flags(store):
    acme = store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)
    women = store.raise_flag(
        OTHER_PROVIDER, new_flag(contract_ref="PRJ_0002"), WOMEN_FACTS, MINE, now=RAISED
    )

    with pytest.raises(AccessRefused, match="may not review flags"):
        store.review(PROVIDER, acme, "resolved", "I fixed it myself", None)
    with pytest.raises(AccessRefused, match=f"Flag {acme} is not one you may review"):
        store.review(RPD, acme, "under_review", "Looking.", ["PRJ_0002"])
    with pytest.raises(AccessRefused, match="is not one you may review"):
        store.review(RPD, 9999, "under_review", "Looking.", None)  # no such flag
    with pytest.raises(AccessRefused, match="may not raise flags"):
        store.raise_flag(ADMIN, new_flag(), ACME_FACTS, MINE, now=RAISED)
    with pytest.raises(AccessRefused, match="may not raise flags"):
        store.raise_flag(RPD, new_flag(), ACME_FACTS, MINE, now=RAISED)
    assert store.counts() == {"flags": 2, "events": 2}

    def seen(user, allowed):
        return sorted(store.flags(user, allowed).flag_id)

    assert seen(PROVIDER, None) == [acme]
    assert seen(OTHER_PROVIDER, None) == [women]
    assert seen(RPD, ["PRJ_0001"]) == [acme]
    assert seen(RPD, ["PRJ_0002", "PRJ_0003"]) == [women]
    assert seen(RPD, []) == []
    assert seen(NATIONAL, None) == sorted([acme, women])
    assert seen(ADMIN, None) == []
    with pytest.raises(AccessRefused, match=f"Flag {women} is not one you may see"):
        store.history(PROVIDER, women, None)
    with pytest.raises(AccessRefused, match="is not one you may see"):
        store.references(RPD, acme, ["PRJ_0002"])

    store.review(RPD, acme, "under_review", "Looking.", ["PRJ_0001"])
    assert store.counts() == {"flags": 2, "events": 3}


def test_the_store_refuses_a_flag_on_a_contract_the_user_may_not_read(store):
    """The page offers only the provider's own contracts; the store checks again (docs/access.md)."""
    with pytest.raises(AccessRefused) as refused:
        store.raise_flag(PROVIDER, new_flag(contract_ref="PRJ_0002"), ACME_FACTS, ["PRJ_0001"])
    assert str(refused.value) == (
        "Pat at Acme may not raise a flag on contract PRJ_0002: it is not one of your "
        "organisation's contracts."
    )
    with pytest.raises(AccessRefused, match="may not raise a flag on contract PRJ_0001"):
        store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, [])  # a provider with no contracts
    assert store.counts() == {"flags": 0, "events": 0}
    assert store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, ["PRJ_0001"]) == 1


def test_the_same_flag_is_not_raised_twice_while_it_is_open(store):
    """A second click (or the form sent again) is refused while the first flag is open or under
    review; a flag that differs in anything the provider typed is a new flag; so is the same one
    raised again after the first was closed."""
    first = store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)
    with pytest.raises(FlagError) as refused:
        # The comment is compared as saved (spaces trimmed), a day later.
        store.raise_flag(
            PROVIDER,
            new_flag(comment=new_flag().comment.strip()),
            ACME_FACTS,
            MINE,
            now=RAISED + dt.timedelta(days=1),
        )
    assert str(refused.value) == (
        f"You have already raised this flag (flag {first}, open), with the same count and comment, "
        "so it was not raised again. Follow it under Your flags."
    )
    assert store.counts() == {"flags": 1, "events": 1}

    different = [
        new_flag(provider_count=5),
        new_flag(comment="Another reason."),
        new_flag(category="duplicates"),
        new_flag(month=dt.date(2026, 10, 1)),
        new_flag(references=("AB0001AC",)),
    ]
    ids = [store.raise_flag(PROVIDER, flag, ACME_FACTS, MINE, now=RAISED) for flag in different]
    assert ids == [first + 1, first + 2, first + 3, first + 4, first + 5]
    # Another organisation's identical flag on a contract both may read is theirs to raise.
    assert store.raise_flag(OTHER_PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED) == first + 6

    store.review(RPD, first, "under_review", "Looking.", None)
    with pytest.raises(FlagError, match=rf"\(flag {first}, under review\)"):
        store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED)
    store.review(RPD, first, "not_upheld", "Our count is right.", None)
    assert store.raise_flag(PROVIDER, new_flag(), ACME_FACTS, MINE, now=RAISED) == first + 7


def test_the_store_checks_a_reference_list_itself(store):
    """The page reads lists through provider_references; a caller that builds NewFlag itself is held
    to the same rules."""
    too_many = (
        *(f"AB{n:04d}AC" for n in range(10_000)),
        *(f"CD{n:04d}EF" for n in range(10_000)),
        "EF0001CD",
    )
    with pytest.raises(FlagError) as refused:
        store.raise_flag(PROVIDER, new_flag(references=too_many), ACME_FACTS, MINE)
    assert str(refused.value) == "The list has 20,001 references; the limit is 20,000."
    with pytest.raises(FlagError) as refused:
        store.raise_flag(
            PROVIDER, new_flag(references=("AB0001AC", "<img src=x>", "")), ACME_FACTS, MINE
        )
    assert str(refused.value) == (
        "2 of the references are not referral references (like AB1234AC)."
    )
    assert store.counts() == {"flags": 0, "events": 0}


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"category": "fraud"}, "Choose a category from the list (not 'fraud')."),
        (
            {"comment": ""},
            "Say in the comment what you see differently, so the RPD team can check it.",
        ),
        ({"comment": " \n\t "}, "Say in the comment what you see differently"),
        (
            {"comment": "x" * 2001},
            "The comment is 2,001 characters; the limit is 2,000. Shorten it and raise the flag again.",
        ),
        ({"provider_count": -1}, "Your count must be a whole number from 0 to 1,000,000."),
        ({"provider_count": 1_000_001}, "Your count must be a whole number from 0 to 1,000,000."),
        ({"provider_count": 10**12}, "Your count must be a whole number from 0 to 1,000,000."),
        ({"provider_count": 2.5}, "Your count must be a whole number from 0 to 1,000,000."),
        ({"month": dt.date(2026, 11, 15)}, "The month must be given as its first day."),
    ],
    ids=[
        "category",
        "empty-comment",
        "blank-comment",
        "long-comment",
        "negative",
        "over-limit",
        "huge",
        "fraction",
        "mid-month",
    ],
)
def test_invalid_flags_are_refused_with_a_plain_message(store, over, message):
    with pytest.raises(FlagError) as refused:
        store.raise_flag(PROVIDER, new_flag(**over), ACME_FACTS, MINE, now=RAISED)
    assert str(refused.value).startswith(message)
    assert store.counts() == {"flags": 0, "events": 0}


def test_the_limits_themselves_are_accepted(store):
    longest = "y" * 2000
    flag_id = store.raise_flag(
        PROVIDER,
        new_flag(comment=longest, provider_count=1_000_000, category="other"),
        ACME_FACTS,
        MINE,
        now=RAISED,
    )
    store.raise_flag(PROVIDER, new_flag(provider_count=0), ACME_FACTS, MINE, now=RAISED)
    saved = store.flags(PROVIDER, None).set_index("flag_id").loc[flag_id]
    assert saved.comment == longest
    assert saved.provider_count == 1_000_000
    store.review(RPD, flag_id, "not_upheld", "z" * 2000, ["PRJ_0001"])
    assert store.history(RPD, flag_id, ["PRJ_0001"]).response.iloc[-1] == "z" * 2000


# --- several processes ----------------------------------------------------------------------------

PER_PROCESS = 25


def _provider_process(url: str, barrier, worker: int, results) -> None:
    """A provider's app process, started at the same moment as another on an empty database: sets the
    store up, raises PER_PROCESS flags, then (as an RPD team's process) tries to put every flag under
    review while the other process tries too."""
    barrier.wait(timeout=120)
    store = FlagStore(url)
    user = PROVIDER if worker == 0 else OTHER_PROVIDER
    facts = ACME_FACTS if worker == 0 else WOMEN_FACTS
    barrier.wait(timeout=120)
    ids = [
        store.raise_flag(
            user,
            new_flag(
                comment=f"Process {worker}, flag {n}",
                provider_count=n,
                references=("AB0001AC", "AB0002AC"),
            ),
            facts,
            MINE,
        )
        for n in range(PER_PROCESS)
    ]
    barrier.wait(timeout=120)
    reviewed = 0
    for flag_id in sorted(store.flags(NATIONAL, None).flag_id):
        try:
            store.review(NATIONAL, int(flag_id), "under_review", f"Process {worker}", None)
            reviewed += 1
        except FlagError:  # the other process got there first
            pass
    results.put((worker, ids, reviewed))


@pytest.mark.slow
def test_two_providers_at_once_lose_nothing(store_url):
    """Two app processes (spawned, each its own FlagStore) start together on an empty database, raise
    25 flags each at the same time, then both try to move all 50: nothing lost, nothing twice."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    results = spawn.Queue()
    workers = [
        spawn.Process(target=_provider_process, args=(store_url, barrier, n, results))
        for n in range(2)
    ]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 240
    found: list = []
    try:
        while len(found) < len(workers):  # stop waiting as soon as a worker dies
            with contextlib.suppress(queue.Empty):
                found.append(results.get(timeout=1))
            died = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            assert not died and time.monotonic() < deadline, f"workers ended {died}"
    finally:
        for w in workers:
            w.join(timeout=60)
            if w.exitcode is None:
                w.kill()
    assert [w.exitcode for w in workers] == [0, 0]

    ids = {worker: raised for worker, raised, _ in found}
    assert sorted(ids) == [0, 1]
    everything = ids[0] + ids[1]
    assert len(everything) == 50 and len(set(everything)) == 50
    store = FlagStore(store_url)
    try:
        seen = store.flags(NATIONAL, None)
        assert sorted(seen.flag_id) == sorted(everything)
        assert sorted(store.flags(PROVIDER, None).flag_id) == sorted(ids[0])
        assert sorted(store.flags(OTHER_PROVIDER, None).provider_count) == list(range(PER_PROCESS))
        with store.engine.connect() as con:
            assert con.execute(sa.text("SELECT count(*) FROM flag_reference")).scalar_one() == 150
            opened = con.execute(
                sa.text("SELECT count(DISTINCT flag_id) FROM flag_event WHERE status = 'open'")
            ).scalar_one()
            moved_twice = con.execute(
                sa.text(
                    "SELECT flag_id FROM flag_event WHERE status = 'under_review' "
                    "GROUP BY flag_id HAVING count(*) > 1"
                )
            ).all()
        assert opened == 50
        assert moved_twice == []
        assert sum(reviewed for _, _, reviewed in found) == 50
        assert set(seen.status) == {"under_review"}
        assert store.counts() == {"flags": 50, "events": 100}
    finally:
        store.engine.dispose()


KILLED_AFTER_RAISING = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from tests.integration.test_flag_store import ACME_FACTS, MINE, PROVIDER, new_flag
    from dashboard.flags.store import FlagStore
    store = FlagStore(sys.argv[1])
    flag_id = store.raise_flag(
        PROVIDER, new_flag(references=("AB0001AC",)), ACME_FACTS, MINE,
        now=dt.datetime(2026, 12, 23, 10, 30, tzinfo=dt.UTC),
    )
    print(flag_id, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.slow
def test_a_flag_survives_its_process_being_killed_and_a_restart(store_url):
    app = subprocess.Popen(
        [sys.executable, "-c", KILLED_AFTER_RAISING, store_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    try:
        line = app.stdout.readline()
    finally:
        app.send_signal(signal.SIGKILL)  # no clean shutdown: engine, pool and file left as they are
        app.wait(timeout=30)
    assert line.strip().isdigit(), app.stderr.read()
    flag_id = int(line)
    assert app.returncode == -signal.SIGKILL

    restarted = FlagStore(store_url)
    try:
        row = restarted.flags(PROVIDER, None).set_index("flag_id").loc[flag_id]
        assert row.comment == "We received four referrals in November; you show three."
        assert row.status == "open"
        assert row.respond_by == dt.date(2027, 1, 11)
        assert list(restarted.references(PROVIDER, flag_id, None).reference) == [
            "AB0001AC",
            "AB0002AC",
            "AB0003AC",
            "AB0004AC",
        ]
        assert restarted.counts() == {"flags": 1, "events": 1}
    finally:
        restarted.engine.dispose()


@pytest.mark.slow
def test_flags_outlive_a_refresh_and_a_restart(tmp_path, postgres_url):  # noqa: F811
    """The store sits outside the warehouse's versions: a new version (and pruning old ones) keeps it.
    One warehouse, two app configurations: the default SQLite store and RPD_FLAGS_URL (PostgreSQL)."""
    from ingest.pipeline import refresh  # here, not at the top: spawned workers import this module
    from warehouse.connection import Warehouse

    local = make_settings(tmp_path / "data")
    shared = make_settings(tmp_path / "data", RPD_FLAGS_URL=postgres_url)
    files = tmp_path / "files"
    b.write_csv(files / "contracts.csv", "contracts", [b.contract()])
    b.write_csv(
        files / "referrals.csv",
        "referrals_performance_report",
        [b.referral(1), b.referral(2), b.referral(3)],
    )
    report = refresh(local, [files])
    assert [f.outcome for f in report.files] == ["loaded", "loaded"], report.files
    warehouse = Warehouse.from_settings(local)
    first = warehouse.current()
    assert first is not None

    facts = ContractFacts("B", "ACME", 3, ("AB0001AC", "AB0002AC", "AB0003AC"), first.number)
    raised = {}
    for settings, dialect in ((local, "sqlite"), (shared, "postgresql")):
        store = FlagStore.from_settings(settings)
        assert store.engine.dialect.name == dialect
        raised[dialect] = (store, store.raise_flag(PROVIDER, new_flag(), facts, MINE, now=RAISED))
    assert (local.data_dir / "flags" / "flags.sqlite").exists()

    more = b.write_csv(
        tmp_path / "more" / "referrals.csv",
        "referrals_performance_report",
        [b.referral(4), b.referral(5)],
    )
    report = refresh(shared, [more])
    assert [f.outcome for f in report.files] == ["loaded"], report.files
    second = warehouse.current()
    assert second is not None and second.number > first.number

    for dialect, (store, flag_id) in raised.items():
        restarted = FlagStore(store.engine.url.render_as_string(hide_password=False))
        try:
            row = restarted.flags(PROVIDER, None).set_index("flag_id").loc[flag_id]
            assert row.warehouse_version == first.number, dialect
            assert row.warehouse_count == 3, dialect
            assert row.status == "open", dialect
            assert restarted.counts() == {"flags": 1, "events": 1}, dialect
        finally:
            restarted.engine.dispose()
    assert not any(local.dir("warehouse").rglob("flags*"))

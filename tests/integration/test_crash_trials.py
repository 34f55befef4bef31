"""Crash safety: `rpd ingest` and `rpd schedule` killed with SIGKILL at random moments of a refresh leave
the warehouse exactly as before the run or exactly as after it, never in between; landing files are
never lost; the next run succeeds. A full disk or an unwritable quarantine folder stops the run with
a plain message and loses nothing.

`make test` runs a few trials; `make soak` runs RPD_SOAK_TRIALS of each (25). The delays come from a
seeded random generator (RPD_SOAK_SEED, default below); with RPD_SOAK_REPORT set, each trial appends
one JSON line (kind, trial, seed, delay, ended) to that file, for docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings
from tests.integration.test_concurrency import env_for
from warehouse.connection import Warehouse
from warehouse.status import CORE_TABLES

TRIALS = int(os.environ.get("RPD_SOAK_TRIALS", "0"))
SEED = int(os.environ.get("RPD_SOAK_SEED", "20261122"))
INGEST_TRIALS = TRIALS or 2
SCHEDULE_TRIALS = TRIALS or 1
RPD = str(Path(sys.executable).with_name("rpd"))


def snapshot(settings) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every core table, each row's file named by its file name rather than
    its file_id (which holds the run's id, different in every run of the same files)."""
    con = Warehouse.from_settings(settings).connect()
    try:
        found = {}
        for table in CORE_TABLES:
            rows = con.execute(
                f"SELECT t.* EXCLUDE (file_id), f.file_name FROM {table} t "  # noqa: S608
                "LEFT JOIN meta_ingest_file f USING (file_id)"
            ).fetchall()
            text = "\n".join(sorted(map(repr, rows)))
            found[table] = (len(rows), hashlib.sha256(text.encode()).hexdigest())
        return found
    finally:
        con.close()


def landing_files(folder: Path) -> list[Path]:
    """A run's worth of work, kept small (each file costs seconds of checks): a register update,
    a month of referrals replacing the earlier ones, and a financial return."""
    return [
        b.write_csv(
            folder / "register.csv",
            "contracts",
            [b.contract(annual_value_gbp="£1,250,000"), b.contract(contract_ref="PRJ_0003")],
        ),
        b.write_csv(
            folder / "referrals.csv",
            "referrals_performance_report",
            [b.referral(n) for n in range(1, 41)],
        ),
        b.write_csv(folder / "finance.csv", "financial_returns", [b.finance()]),
    ]


@dataclass
class Base:
    data: Path  # the warehouse before the run (landing folder empty)
    files: Path  # the run's files, to be copied into the landing folder
    before: dict
    after: dict
    seconds: float  # how long an unkilled `rpd ingest` of those files took


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    root = tmp_path_factory.mktemp("crash")
    settings = make_settings(root / "data")
    refresh(
        settings,
        [
            b.write_csv(root / "c.csv", "contracts", [b.contract()]),
            b.write_csv(root / "r.csv", "referrals_performance_report", [b.referral(1)]),
        ],
    )
    files = root / "files"
    landing_files(files)
    before = snapshot(settings)
    # The after-state, by a run that is not killed, through the same command the trials kill.
    reference = root / "reference"
    shutil.copytree(root / "data", reference)
    shutil.copytree(files, reference / "landing")
    started = time.monotonic()
    done = subprocess.run(
        [RPD, "ingest"], env=env_for(reference), capture_output=True, text=True, timeout=300
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    after = snapshot(make_settings(reference))
    assert after != before
    assert not list((reference / "landing").iterdir()), "a published run empties the landing folder"
    return Base(root / "data", files, before, after, seconds)


def _prepare(base: Base, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(base.data, data)
    shutil.copytree(base.files, data / "landing")
    return data


def _record(kind: str, trial: int, delay: float, ended: str) -> None:
    target = os.environ.get("RPD_SOAK_REPORT")
    if target:
        line = {
            "kind": kind,
            "trial": trial,
            "seed": SEED,
            "delay": round(delay, 2),
            "ended": ended,
        }
        with open(target, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


def _kill_and_check(base: Base, data: Path, command: list[str], kind: str, trial: int) -> None:
    stretch = 1.1 if kind == "ingest" else 1.5  # the scheduler starts APScheduler first
    delay = random.Random(f"{SEED}-{kind}-{trial}").uniform(0.0, base.seconds * stretch)
    proc = subprocess.Popen(
        command, env=env_for(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    settings = make_settings(data)
    state = snapshot(settings)  # the warehouse opens
    assert state in (base.before, base.after), (
        f"{kind} trial {trial}: a state between before and after"
    )
    ended = "before" if state == base.before else "after"
    left = sorted(p.name for p in (data / "landing").iterdir())
    if ended == "before":
        assert left == sorted(p.name for p in base.files.iterdir()), "a landing file was lost"
    _record(kind, trial, delay, ended)
    # The next run succeeds, and ends in the same state as a run that was never killed.
    report = refresh(settings)
    assert report.outcome in ("succeeded", "nothing to do"), [f.message for f in report.rejected]
    assert snapshot(settings) == base.after
    assert not list((data / "landing").iterdir())
    current = Warehouse.from_settings(settings).current()
    assert current is not None and not Path(f"{current.path}.wal").exists()


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.parametrize("trial", range(INGEST_TRIALS))
def test_ingest_killed_at_a_random_moment(base, tmp_path, trial):
    """`rpd ingest` of the landing folder, SIGKILLed after a seeded random delay."""
    _kill_and_check(base, _prepare(base, tmp_path), [RPD, "ingest"], "ingest", trial)


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.parametrize("trial", range(SCHEDULE_TRIALS))
def test_scheduler_killed_during_a_refresh(base, tmp_path, trial):
    """`rpd schedule` starts with a refresh owed (none has run), so it refreshes at once; SIGKILLed
    after a seeded random delay, during that refresh or just before or after it."""
    data = _prepare(base, tmp_path)
    _kill_and_check(base, data, [RPD, "schedule"], "schedule", trial)


def _no_bigger_than(limit: int):
    def apply() -> None:
        signal.signal(
            signal.SIGXFSZ, signal.SIG_IGN
        )  # a write past the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.parametrize(
    "when",
    ["while loading", pytest.param("copying the warehouse", marks=pytest.mark.soak)],
)
def test_full_disk_gives_a_plain_error_and_loses_nothing(base, tmp_path, when):
    """Writes fail as on a full disk (a file-size limit on the process, which works without root):
    while copying the warehouse to its next version, or while loading into that copy."""
    if when == "copying the warehouse" and not TRIALS:
        pytest.skip("run by `make soak`")
    data = _prepare(base, tmp_path)
    size = Warehouse.from_settings(make_settings(data)).current().path.stat().st_size
    limit = 64 * 1024 if when == "copying the warehouse" else size + 64 * 1024
    done = subprocess.run(
        [RPD, "ingest"],
        env=env_for(data),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_no_bigger_than(limit),
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "The refresh stopped and published nothing" in done.stderr
    assert "full: free some space, then run it again" in done.stderr
    assert snapshot(make_settings(data)) == base.before
    assert sorted(p.name for p in (data / "landing").iterdir()) == sorted(
        p.name for p in base.files.iterdir()
    )
    report = refresh(make_settings(data))  # with room again, the same files load
    assert report.outcome == "succeeded" and snapshot(make_settings(data)) == base.after

"""The app, the scheduler and the CLI are separate processes: a reader never blocks a writer, never sees
a half-written state, and sees new data the next time it asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import HASH_KEY, make_settings
from warehouse.connection import NoWarehouse, RefreshInProgress, Warehouse

READER = r"""
import json, sys, time
from pathlib import Path
from warehouse.connection import Warehouse
wh = Warehouse(Path(sys.argv[1])); stop = Path(sys.argv[2])
held = wh.connect()                      # held open, read-only, for the whole test
seen, errors = [], []
while not stop.exists():
    try:
        held_count = held.cursor().execute("SELECT count(*) FROM core_contract").fetchone()[0]
        con = wh.connect()               # what a new page view would open
        fresh = con.cursor().execute("SELECT count(*) FROM core_contract").fetchone()[0]
        con.close()
        seen.append((held_count, fresh))
    except Exception as e:
        errors.append(repr(e))
    time.sleep(0.02)
con = wh.connect(); final = con.execute("SELECT count(*) FROM core_contract").fetchone()[0]
print(json.dumps({"seen": seen, "errors": errors, "final": final}))
"""


def env_for(data_dir: Path) -> dict[str, str]:
    return os.environ | {
        "RPD_DATA_DIR": str(data_dir),
        "RPD_TODAY": b.TODAY,
        "RPD_HASH_KEY": HASH_KEY,
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }


@pytest.mark.slow
def load_contract(settings, path: Path, ref: str = "PRJ_0001"):
    """Refresh with one file at `path` holding one contract, `ref`; the run's report."""
    return refresh(settings, [b.write_csv(path, "contracts", [b.contract(contract_ref=ref)])])


def test_cli_ingest_completes_while_another_process_reads(tmp_path):
    """`rpd ingest` in one process publishes while another holds the warehouse open and keeps querying it."""
    data = tmp_path / "data"
    settings = make_settings(data)
    load_contract(settings, tmp_path / "c1.csv")
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.dir("warehouse")), str(stop)],
        env=env_for(data),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)  # the reader is up and holding the current version
        new = b.write_csv(tmp_path / "c2.csv", "contracts", [b.contract(contract_ref="PRJ_0002")])
        rpd = Path(sys.executable).with_name("rpd")
        writer = subprocess.run(
            [str(rpd), "ingest", str(new)],
            env=env_for(data),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert writer.returncode == 0, writer.stdout + writer.stderr
        assert "LOADED" in writer.stdout
        time.sleep(0.5)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    result = json.loads(out)
    assert result["errors"] == []
    assert {held for held, _ in result["seen"]} == {1}, (
        "the held connection's data changed under it"
    )
    assert {fresh for _, fresh in result["seen"]} <= {1, 2}, "a reader saw a half-written state"
    assert result["seen"][-1][1] == 2 and result["final"] == 2


@pytest.mark.slow  # starts a process holding the lock, then kills it
def test_second_refresh_waits_then_gives_a_clear_error(tmp_path):
    """While one refresh holds the lock, another gives up after its timeout with a plain message."""
    settings = make_settings(tmp_path / "data", RPD_LOCK_TIMEOUT_SECONDS="0.2")
    warehouse = Warehouse.from_settings(settings)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import filelock, sys, time; l = filelock.FileLock(sys.argv[1]); l.acquire(); print('held', flush=True); time.sleep(30)",
            str(warehouse.directory / "refresh.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        warehouse.directory.mkdir(parents=True, exist_ok=True)
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RefreshInProgress, match="Another refresh is already running"):
            refresh(settings, [b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])])
    finally:
        holder.kill()
        holder.wait()
    assert warehouse.current() is None


def test_crashed_writer_leaves_an_orphan_that_the_next_run_removes(tmp_path):
    """A version file left by a writer that died is never current, and is deleted by the next writer,
    with the folder DuckDB spilled to; the current version's spill folder (a reader's) is left."""
    settings = make_settings(tmp_path / "data")
    load_contract(settings, tmp_path / "c1.csv")
    warehouse = Warehouse.from_settings(settings)
    orphan = warehouse.directory / "rpd-000002.duckdb"
    orphan.write_bytes(b"half written")
    spilled = warehouse.directory / "rpd-000002.duckdb.tmp"
    spilled.mkdir()
    (spilled / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 1024)
    readers = warehouse.directory / "rpd-000001.duckdb.tmp"
    readers.mkdir()
    assert warehouse.current().number == 1
    load_contract(settings, tmp_path / "c2.csv", "PRJ_0002")
    assert warehouse.current().number == 2
    assert not (spilled / "duckdb_temp_storage-0.tmp").exists()
    assert readers.is_dir()
    con = warehouse.connect()
    assert con.execute("SELECT count(*) FROM core_contract").fetchone()[0] == 2


def rollback(settings) -> str:
    """`rpd rollback` as its own process: its first line of output (it must succeed)."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("rpd")), "rollback"],
        env=env_for(settings.data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[0].split(",")[0]


def test_rollback_serves_the_previous_version(tmp_path):
    """`rpd rollback` points readers back at the version before the last refresh."""
    settings = make_settings(tmp_path / "data")
    load_contract(settings, tmp_path / "c1.csv")
    load_contract(settings, tmp_path / "c2.csv", "PRJ_0002")
    assert rollback(settings) == "Now serving version 1"
    con = Warehouse.from_settings(settings).connect()
    assert con.execute("SELECT count(*) FROM core_contract").fetchone()[0] == 1


def test_old_versions_are_pruned(tmp_path):
    """Only the newest RPD_KEEP_VERSIONS versions stay on disk."""
    settings = make_settings(tmp_path / "data", RPD_KEEP_VERSIONS="2")
    for n in range(1, 5):
        refresh(
            settings,
            [
                b.write_csv(
                    tmp_path / f"c{n}.csv", "contracts", [b.contract(contract_ref=f"PRJ_000{n}")]
                )
            ],
        )
    assert Warehouse.from_settings(settings).versions() == [3, 4]


@pytest.mark.slow  # runs `rpd status` in a process of its own
def test_status_command_lists_tables(tmp_path):
    """`rpd status` prints each table with its rows and the files received."""
    settings = make_settings(tmp_path / "data")
    load_contract(settings, tmp_path / "c1.csv")
    rpd = Path(sys.executable).with_name("rpd")
    done = subprocess.run(
        [str(rpd), "status"],
        env=env_for(settings.data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("core_contract"))
    assert line.split()[1:3] == ["1", "1"]
    assert "c1.csv" in done.stdout


def test_previous_version_is_found_for_what_changed(tmp_path):
    """The version before the current one is found while still on disk, and there is none before the first."""
    settings = make_settings(tmp_path / "data")
    load_contract(settings, tmp_path / "c1.csv")
    load_contract(settings, tmp_path / "c2.csv", "PRJ_0002")
    warehouse = Warehouse.from_settings(settings)
    previous = warehouse.previous(warehouse.current())
    assert previous is not None and previous.number == 1 and previous.path.exists()
    assert warehouse.previous(previous) is None


def test_runs_that_change_nothing_keep_real_data_within_rollback_reach(tmp_path):
    """With two versions kept, a load of PRJ_0001, a load of PRJ_0002, then four runs that change no
    data (a rejected file, identical bytes, nothing to do, twice) leave two versions on disk: the first
    load's and the last run's. Each run is in the history; `rpd rollback` goes back to one contract."""
    settings = make_settings(tmp_path / "data", RPD_KEEP_VERSIONS="2")
    load_contract(settings, tmp_path / "c1.csv")
    second = b.write_csv(tmp_path / "c2.csv", "contracts", [b.contract(contract_ref="PRJ_0002")])
    refresh(settings, [second])
    (tmp_path / "notes.csv").write_text("colour,shape\nred,square\n")
    outcomes = [
        refresh(settings, [tmp_path / "notes.csv"]).outcome,
        refresh(settings, [second]).outcome,
        refresh(settings, []).outcome,
        refresh(settings, []).outcome,
    ]
    assert outcomes == ["some files rejected", "succeeded", "nothing to do", "nothing to do"]
    warehouse = Warehouse.from_settings(settings)
    assert warehouse.current().number == 6
    assert warehouse.versions() == [1, 6]
    con = warehouse.connect()
    assert con.execute("SELECT count(*) FROM core_contract").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM meta_ingest_run").fetchone()[0] == 6
    assert con.execute(
        "SELECT file_name, outcome FROM meta_ingest_file WHERE outcome <> 'loaded' ORDER BY received_at"
    ).fetchall() == [("notes.csv", "rejected"), ("c2.csv", "skipped")]
    con.close()
    assert rollback(settings) == "Now serving version 1"
    con = warehouse.connect()
    assert con.execute("SELECT contract_ref FROM core_contract").fetchall() == [("PRJ_0001",)]


def test_a_run_that_loads_a_file_keeps_the_version_before_it(tmp_path):
    """A run that changed nothing replaces only its own predecessor: the load after it keeps it, so
    rollback from that load reaches the state just before it."""
    settings = make_settings(tmp_path / "data")
    load_contract(settings, tmp_path / "c1.csv")
    refresh(settings, [])
    load_contract(settings, tmp_path / "c2.csv", "PRJ_0002")
    assert Warehouse.from_settings(settings).versions() == [2, 3]


def test_a_check_for_a_running_refresh_is_not_taken_for_one(tmp_path):
    """While another thread or process checks whether a refresh runs (a shared flock on refresh.lock),
    no refresh is reported; a refresh holding the lock is, with who started it."""
    import fcntl

    settings = make_settings(tmp_path / "data")
    warehouse = Warehouse.from_settings(settings)
    assert warehouse.running() is None  # no lock file yet
    with warehouse.refresh_lock(0, "the scheduler"):
        assert warehouse.running().started_by == "the scheduler"
    fd = os.open(warehouse.directory / "refresh.lock", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # another check, caught half way
        assert warehouse.running() is None
    finally:
        os.close(fd)


def test_a_run_lists_its_files_before_taking_the_refresh_lock_and_reads_them_inside_it(
    tmp_path, monkeypatch
):
    """docs/architecture.md, 'One run, step by step': the landing folder is listed first; each file is
    read once the run holds the lock. So a file that changes while the run waits for the lock loads as
    it is then, and one that arrives meanwhile waits for the next run."""
    from contextlib import contextmanager

    settings = make_settings(tmp_path / "data")
    landing = settings.dir("landing")
    b.write_csv(landing / "register.csv", "contracts", [b.contract()])
    take_lock = Warehouse.refresh_lock

    @contextmanager
    def lock_taken_late(self, *args, **kwargs):
        # While the run waits for the lock: the listed file is sent again, and another file arrives.
        b.write_csv(landing / "register.csv", "contracts", [b.contract(contract_ref="PRJ_0002")])
        b.write_csv(landing / "late.csv", "contracts", [b.contract(contract_ref="PRJ_0003")])
        with take_lock(self, *args, **kwargs):
            yield

    monkeypatch.setattr(Warehouse, "refresh_lock", lock_taken_late)
    report = refresh(settings)
    assert [(f.file_name, f.outcome) for f in report.files] == [("register.csv", "loaded")]
    con = Warehouse.from_settings(settings).connect()
    try:
        assert con.execute("SELECT contract_ref FROM core_contract").fetchall() == [("PRJ_0002",)]
    finally:
        con.close()
    assert sorted(p.name for p in landing.iterdir()) == ["late.csv"]


def test_rollback_deletes_the_version_it_leaves_so_it_cannot_be_undone(tmp_path):
    """docs/operations.md: each rollback goes one version further back and deletes the one it left;
    there is nothing to go forward to, and at the first version there is nothing further back."""
    settings = make_settings(tmp_path / "data")
    for ref in ("PRJ_0001", "PRJ_0002", "PRJ_0003"):
        load_contract(settings, tmp_path / f"{ref}.csv", ref)
    warehouse = Warehouse.from_settings(settings)
    assert warehouse.versions() == [1, 2, 3]
    with warehouse.refresh_lock(0):
        assert warehouse.rollback().number == 2
    assert warehouse.versions() == [1, 2]
    with warehouse.refresh_lock(0):
        assert warehouse.rollback().number == 1
    assert warehouse.versions() == [1]
    with warehouse.refresh_lock(0), pytest.raises(NoWarehouse) as nothing_earlier:
        warehouse.rollback()
    assert str(nothing_earlier.value) == "There is no earlier version to go back to."


def test_a_version_number_is_never_used_twice_even_after_a_rollback(tmp_path):
    """The app caches its connection and query rows under a version's file name, so a refresh after
    a rollback must not publish new data under the name of the version the rollback deleted."""
    warehouse = Warehouse(tmp_path / "warehouse")
    for value in (1, 2, 3):
        with warehouse.refresh_lock(0), warehouse.new_version() as con:
            con.execute("CREATE OR REPLACE TABLE marker AS SELECT ? AS value", [value])
    with warehouse.refresh_lock(0):
        assert warehouse.rollback().number == 2
    with warehouse.refresh_lock(0), warehouse.new_version() as con:
        con.execute("CREATE OR REPLACE TABLE marker AS SELECT 4 AS value")
    assert warehouse.current().number == 4
    assert warehouse.versions() == [1, 2, 4]

"""Everything the service writes under its data folder is readable by the service's own user only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from tests import builders as b


@pytest.mark.slow  # a real `rpd ingest` process
def test_a_real_run_leaves_nothing_readable_by_others(tmp_path):
    """`rpd ingest`, started with the usual umask 022 and no key (outside production, so it makes
    its own), leaves every file 0600 and every folder 0700: warehouse version, CURRENT, lock, flags
    database, run log, archive, quarantine, reports, Data Docs and the key file."""
    data = tmp_path / "data"
    landing = data / "landing"
    b.write_csv(landing / "c.csv", "contracts", [b.contract()])
    (landing / "notes.csv").write_text("colour,shape\nred,square\n")
    landing.chmod(0o700)  # the landing folder is the operator's: made before the service runs
    env = {k: v for k, v in os.environ.items() if not k.startswith("RPD_")}
    env |= {"RPD_DATA_DIR": str(data), "RPD_TODAY": b.TODAY}
    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "ingest"],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 1, done.stderr  # notes.csv is rejected
    assert "No hashing key is set (RPD_HASH_KEY or RPD_HASH_KEY_FILE), so one was made in" in (
        done.stderr
    )
    written = {p.relative_to(data).as_posix(): p.stat().st_mode for p in data.rglob("*")}
    for top in ("warehouse", "archive", "quarantine", "reports", "logs", "flags", "secrets"):
        assert top in written, top
    assert "warehouse/CURRENT" in written and "flags/flags.sqlite" in written
    assert "logs/runs.jsonl" in written and "secrets/hash-key" in written
    assert any(name.endswith("index.html") for name in written), "no Data Docs"
    readable_by_others = {
        name: oct(mode & 0o777)
        for name, mode in written.items()
        if mode & 0o077 or (stat.S_ISDIR(mode) and mode & 0o700 != 0o700)
    }
    assert readable_by_others == {}
    assert {oct(mode & 0o777) for mode in written.values()} == {"0o600", "0o700"}

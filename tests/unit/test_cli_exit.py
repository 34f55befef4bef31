"""`rpd` ends its process without Python's module clean-up (ingest.cli.entry): what a command says,
its exit status and its log must still all come out."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ingest import cli


def _rpd(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture
def env(tmp_path):
    return {k: v for k, v in os.environ.items() if not k.startswith("RPD_")} | {
        "RPD_DATA_DIR": str(tmp_path)
    }


def test_a_usage_error_keeps_its_status_and_message(env, tmp_path):
    done = _rpd("ingest", str(tmp_path / "missing.csv"), env=env)
    assert done.returncode == 2  # click's status for a usage error
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_a_long_answer_reaches_a_pipe_whole(env):
    """`rpd settings` through a pipe: every line arrives, though the process skips Python's own exit."""
    done = _rpd("settings", env=env)
    assert done.returncode == 0
    assert done.stdout == cli.settings_help() + "\n"


def test_an_exit_with_a_message_prints_it_and_fails(monkeypatch, capsys):
    """sys.exit("text") from a command: the text on stderr and status 1, as Python itself would."""
    exits: list[int] = []
    monkeypatch.setattr(cli, "main", lambda: sys.exit("stopped: nothing to do"))
    monkeypatch.setattr(cli.os, "_exit", exits.append)
    monkeypatch.setattr(cli.logging, "shutdown", lambda: None)  # pytest's own handlers stay open
    cli.entry()
    assert exits == [1] and capsys.readouterr().err == "stopped: nothing to do\n"

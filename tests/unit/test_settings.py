"""Settings come from RPD_ variables, default under the one data folder, and never show the secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.settings import SettingsError, load_settings


def test_every_folder_defaults_under_data_dir(tmp_path):
    """Warehouse, landing, archive, quarantine, logs and reports all live under RPD_DATA_DIR by default."""
    s = load_settings({"RPD_DATA_DIR": str(tmp_path)})
    for name in ("warehouse", "landing", "archive", "quarantine", "logs", "reports"):
        assert s.dir(name) == tmp_path / name


def test_a_folder_can_be_moved(tmp_path):
    """RPD_LANDING_DIR puts the landing folder elsewhere."""
    s = load_settings({"RPD_DATA_DIR": str(tmp_path), "RPD_LANDING_DIR": "/srv/drop"})
    assert s.dir("landing") == Path("/srv/drop")


def test_hash_key_created_once_and_kept(tmp_path, caplog):
    """Outside production, without a key, a random one is made once, private to the owner, reused,
    and the log says so."""
    s = load_settings({"RPD_DATA_DIR": str(tmp_path)})
    first = s.resolved_hash_key()
    assert first == s.resolved_hash_key() and len(first) == 64
    assert (tmp_path / "secrets" / "hash-key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "secrets").stat().st_mode & 0o077 == 0
    assert [r.getMessage() for r in caplog.records] == [
        "No hashing key is set (RPD_HASH_KEY or RPD_HASH_KEY_FILE), so one was made in "
        f"{tmp_path / 'secrets' / 'hash-key'} for trying the service. A real deployment sets "
        "RPD_PRODUCTION=true and its own key (see 'The hashing key' in docs/operations.md)."
    ]


PRODUCTION = {"RPD_PRODUCTION": "true", "RPD_SIGN_IN": "oidc"}


def test_production_refuses_to_start_without_a_key(tmp_path):
    """With RPD_PRODUCTION=true and no key, the settings are refused with the settings to set, and
    no key file is made."""
    with pytest.raises(SettingsError) as refused:
        load_settings(PRODUCTION | {"RPD_DATA_DIR": str(tmp_path)})
    assert str(refused.value) == (
        "No hashing key is set, and RPD_PRODUCTION is true: set RPD_HASH_KEY, or RPD_HASH_KEY_FILE "
        "to a file holding the key, and keep the key safe outside the data folder (a key the "
        "service made itself would sit beside the data it protects). See 'The hashing key' in "
        "docs/operations.md."
    )
    assert list(tmp_path.iterdir()) == []


def test_production_takes_the_key_from_a_named_file(tmp_path):
    """RPD_HASH_KEY_FILE names a file whose text (without its line end) is the key."""
    (tmp_path / "key").write_text("0123456789abcdef" * 4 + "\n")
    s = load_settings(PRODUCTION | {"RPD_HASH_KEY_FILE": str(tmp_path / "key")})
    assert s.resolved_hash_key() == b"0123456789abcdef" * 4
    assert "0123456789abcdef" not in repr(s)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"RPD_HASH_KEY": "short-key"},
            r"The hashing key is too short \(9 characters; at least 32\)",
        ),
        (
            {"RPD_HASH_KEY_FILE": "/nowhere/key"},
            r"RPD_HASH_KEY_FILE names /nowhere/key, which cannot be read \(No such file or directory\)",
        ),
        (
            {"RPD_HASH_KEY": "k" * 32, "RPD_HASH_KEY_FILE": "/nowhere/key"},
            "Both RPD_HASH_KEY and RPD_HASH_KEY_FILE are set: set only one",
        ),
    ],
    ids=["short", "missing file", "both"],
)
def test_a_key_that_cannot_serve_is_refused_in_production(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(PRODUCTION | env)


def test_an_empty_key_file_is_refused(tmp_path):
    (tmp_path / "key").write_text("\n")
    with pytest.raises(SettingsError, match="which is empty: put the key in it"):
        load_settings(PRODUCTION | {"RPD_HASH_KEY_FILE": str(tmp_path / "key")})


def test_rpd_refuses_to_start_in_production_without_a_key(tmp_path):
    """Every `rpd` command, even `rpd settings`, stops with the plain message and no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RPD_")}
    env |= PRODUCTION | {"RPD_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "settings"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: No hashing key is set, and RPD_PRODUCTION is true")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_secret_not_in_repr():
    """Printing or logging the settings never shows the hashing key."""
    s = load_settings({"RPD_HASH_KEY": "very-secret"})
    assert "very-secret" not in repr(s) and "very-secret" not in str(s)


def test_relative_folders_are_made_absolute_once(tmp_path, monkeypatch):
    """A relative RPD_DATA_DIR (the default ./data) or folder setting is taken from the folder the
    program starts in, once: changing folder later changes nothing."""
    monkeypatch.chdir(tmp_path)
    s = load_settings({"RPD_LANDING_DIR": "drop/../in"})
    monkeypatch.chdir("/")
    assert (s.data_dir, s.dir("landing"), s.dir("logs")) == (
        tmp_path / "data",
        tmp_path / "in",
        tmp_path / "data" / "logs",
    )


def test_duckdb_memory_limit_is_read_once_and_checked(tmp_path):
    assert load_settings({"RPD_DATA_DIR": str(tmp_path)}).duckdb_memory_limit == "1GB"
    given = {"RPD_DATA_DIR": str(tmp_path), "RPD_DUCKDB_MEMORY_LIMIT": "512MiB"}
    assert load_settings(given).duckdb_memory_limit == "512MiB"
    with pytest.raises(SettingsError, match="must be an amount of memory such as 1GB or 512MB"):
        load_settings(given | {"RPD_DUCKDB_MEMORY_LIMIT": "1GB'; DROP TABLE x; --"})


def test_a_refresh_runs_duckdb_within_the_memory_limit(tmp_path, monkeypatch):
    """The refresh's own connection (the one its checks run on) has DuckDB's memory_limit set."""
    from ingest import pipeline
    from tests.conftest import make_settings

    seen = []
    real = pipeline.materialise

    def spy(con):
        seen.append(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        return real(con)

    monkeypatch.setattr(pipeline, "materialise", spy)
    pipeline.refresh(make_settings(tmp_path, RPD_DUCKDB_MEMORY_LIMIT="300MB"), [])
    assert seen == ["286.1 MiB"]  # DuckDB shows 300 MB (300,000,000 bytes) in MiB

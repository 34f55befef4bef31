"""Settings come from RPD_ variables, default under the one data folder, and never show the secret."""

from __future__ import annotations

from pathlib import Path

from warehouse.settings import load_settings


def test_every_folder_defaults_under_data_dir(tmp_path):
    """Warehouse, landing, archive, quarantine, logs and reports all live under RPD_DATA_DIR by default."""
    s = load_settings({"RPD_DATA_DIR": str(tmp_path)})
    for name in ("warehouse", "landing", "archive", "quarantine", "logs", "reports"):
        assert s.dir(name) == tmp_path / name


def test_a_folder_can_be_moved(tmp_path):
    """RPD_LANDING_DIR puts the landing folder elsewhere."""
    s = load_settings({"RPD_DATA_DIR": str(tmp_path), "RPD_LANDING_DIR": "/srv/drop"})
    assert s.dir("landing") == Path("/srv/drop")


def test_hash_key_created_once_and_kept(tmp_path):
    """Without RPD_HASH_KEY a random key is made once, private to the owner, and reused."""
    s = load_settings({"RPD_DATA_DIR": str(tmp_path)})
    first = s.resolved_hash_key()
    assert first == s.resolved_hash_key() and len(first) == 64
    assert (tmp_path / "secrets" / "hash-key").stat().st_mode & 0o077 == 0


def test_secret_not_in_repr():
    """Printing or logging the settings never shows the hashing key."""
    s = load_settings({"RPD_HASH_KEY": "very-secret"})
    assert "very-secret" not in repr(s) and "very-secret" not in str(s)

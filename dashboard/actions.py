"""What the app can set going without doing it itself: a refresh runs in its own process (the CLI),
so Great Expectations never loads into the app and the cross-process refresh lock applies."""

from __future__ import annotations

import os
import subprocess
import sys

import filelock

from warehouse.access import AccessRefused, User
from warehouse.connection import LOCK, Warehouse
from warehouse.settings import Settings


def refresh_running(settings: Settings) -> bool:
    """Whether any process (scheduler, CLI, an earlier button press) is refreshing now."""
    warehouse = Warehouse.from_settings(settings)
    if not warehouse.directory.exists():
        return False
    lock = filelock.FileLock(str(warehouse.directory / LOCK))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        return True
    lock.release()
    return False


def start_refresh(settings: Settings, user: User | None) -> None:
    """Refresh from the landing folder in a separate `rpd ingest` process (settings pass through the
    environment). Only for users allowed to start refreshes."""
    if user is None:
        raise AccessRefused("Nobody is signed in.")
    user.require("refresh")
    subprocess.Popen(
        [sys.executable, "-m", "ingest.cli", "ingest"],
        env=os.environ | settings.to_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

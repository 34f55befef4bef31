"""What the app can set going without doing it itself: a refresh runs in its own process (the CLI),
so Great Expectations never loads into the app and the cross-process refresh lock applies."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import filelock

from warehouse.access import AccessRefused, User
from warehouse.connection import RunningRefresh, Warehouse
from warehouse.settings import Settings

# Held while a button press starts its refresh, until that refresh holds the refresh lock: presses in
# other sessions (or other app processes) wait for it, then find the refresh running.
STARTING = "refresh-start.lock"
START_WAIT_SECONDS = 60  # a loaded machine takes seconds to start `rpd ingest` (its imports)


def refresh_running(settings: Settings) -> RunningRefresh | None:
    """The refresh any process (scheduler, CLI, an earlier button press) is running now, or None."""
    return Warehouse.from_settings(settings).running()


def started_by(user: User) -> str:
    """How a run started from the app records who pressed the button."""
    return f"{user.description}, signed in as {user.id}"


def start_refresh(settings: Settings, user: User | None) -> bool:
    """Refresh from the landing folder in a separate `rpd ingest` process (settings pass through the
    environment), recorded as started by `user`. Only for users allowed to start refreshes.

    Returns False, starting nothing, if a refresh is running already, however quickly the presses
    come: it waits until the process it started holds the refresh lock (or has finished)."""
    if user is None:
        raise AccessRefused("Nobody is signed in.")
    user.require("refresh")
    warehouse = Warehouse.from_settings(settings)
    warehouse.directory.mkdir(parents=True, exist_ok=True)
    try:
        with filelock.FileLock(str(warehouse.directory / STARTING), timeout=START_WAIT_SECONDS):
            if warehouse.running():
                return False
            process = subprocess.Popen(
                [sys.executable, "-m", "ingest.cli", "ingest", "--started-by", started_by(user)],
                env=os.environ | settings.to_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            deadline = time.monotonic() + START_WAIT_SECONDS
            while process.poll() is None and not warehouse.running():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
    except filelock.Timeout:
        return False  # another press is still starting its refresh
    return True

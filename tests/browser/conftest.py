"""A real Streamlit server on a free local port, and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import HASH_KEY

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[2]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1400, "height": 1000}
# Every page test takes a screenshot. They go to a temporary folder, so a test run leaves the checkout
# unchanged; `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the README's copies.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "rpd-screenshots"
)


def screenshot(page, name: str, viewport: dict) -> None:
    """Save the page as SCREENSHOTS/<name>-desktop.png or -phone.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = "phone" if viewport is PHONE else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))


PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def streamlit_run(script: Path, port: int, *args: str) -> list[str]:
    """The command serving `script` headless on `port` with Streamlit's own options `args` (the app
    here; bench/browser.py starts its pages the same way)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *args,
    ]


def start_app(
    data_dir: Path,
    env: dict[str, str] | None = None,
    port: int | None = None,
    args: list[str] | tuple[str, ...] = (),
) -> tuple[subprocess.Popen, str]:
    """Extra `env` variables and Streamlit `args` (e.g. --secrets.files) may be given, and the port."""
    port = port or _free_port()
    env = os.environ | {"RPD_DATA_DIR": str(data_dir), "RPD_HASH_KEY": HASH_KEY} | (env or {})
    proc = subprocess.Popen(
        streamlit_run(ROOT / "dashboard" / "server" / "serve.py", port, *args),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the app did not start within 60 s")


def _served(data_dir: Path):
    """The app's address while it serves the warehouse in data_dir; stopped afterwards."""
    proc, url = start_app(data_dir)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def app_url(small_warehouse):
    yield from _served(small_warehouse.data_dir)


@pytest.fixture(scope="session")
def demo_url(demo_warehouse):
    """The app on the demo warehouse, shared by every browser test that reads the demo."""
    yield from _served(demo_warehouse.data_dir)


def idle(page) -> None:
    """Wait until the script has finished its run and nothing is left greyed out as stale or as a
    placeholder (stale elements are drawn faded, which an accessibility scan reports as low contrast)."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    for _ in range(60):
        if not page.locator('[data-testid="stSkeleton"], [data-stale="true"]').count():
            break
        page.wait_for_timeout(250)


def open_page(browser, url: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000
    )
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    idle(page)  # the title is drawn early in a run; wait for the run that drew it to finish too
    assert page.locator('[data-testid="stNotification"], [role="dialog"]').count() == 0, (
        "an error dialog is open"
    )
    return page

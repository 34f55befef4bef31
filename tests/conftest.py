"""Shared fixtures: real warehouses built through the real ingest path from small hand-made files."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import builders as b
from warehouse.connection import Warehouse
from warehouse.settings import Settings, load_settings
from warehouse.status import CORE_TABLES

HASH_KEY = "test-key-not-secret"
# AppTest leaves its own temporary script as __main__; a process started with multiprocessing's
# "spawn" re-imports __main__ and dies when that script is gone. Every test starts with pytest's own.
_PYTEST_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _pytest_main(monkeypatch):
    monkeypatch.setitem(sys.modules, "__main__", _PYTEST_MAIN)


BROWSER_TESTS = Path(__file__).parent / "browser"
POSTGRES_FIXTURES = {"postgres_server", "postgres_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks by what a test needs rather than by hand in each file, so a new one is never missed:
    every test in tests/browser/ is `browser` and `slow` (a Streamlit server and Chromium each), and
    every test on a PostgreSQL server (its fixtures, or the flag store's "postgres" parameter) is `slow`.
    Other slow tests (processes started, killed or waited for) carry @pytest.mark.slow themselves."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        params = getattr(item, "callspec", None)
        on_postgres = params is not None and any(
            isinstance(value, str) and value == "postgres" for value in params.params.values()
        )
        if on_postgres or POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def make_settings(data_dir: Path, **env) -> Settings:
    return load_settings(
        {
            "RPD_DATA_DIR": str(data_dir),
            "RPD_TODAY": b.TODAY,
            "RPD_HASH_KEY": HASH_KEY,
            "RPD_LOCK_TIMEOUT_SECONDS": "5",
        }
        | env
    )


def loaded_warehouse(data_dir: Path, folder: Path):
    """Refresh a new warehouse in data_dir from every file in folder, insist each one loaded (else the
    rejections' messages), and yield a connection to the result: the tail of the measure fixtures."""
    from ingest.pipeline import refresh

    settings = make_settings(data_dir)
    report = refresh(settings, [folder])
    assert all(f.outcome == "loaded" for f in report.files), "\n".join(
        f.message for f in report.files
    )
    connection = Warehouse.from_settings(settings).connect()
    yield connection
    connection.close()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "data")


def snapshot(settings: Settings) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every core table of the current version."""
    warehouse = Warehouse.from_settings(settings)
    if warehouse.current() is None:
        return {}
    con = warehouse.connect()
    try:
        found = {}
        for table in CORE_TABLES:
            rows = sorted(map(repr, con.execute(f"SELECT * FROM {table}").fetchall()))  # noqa: S608
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return found
    finally:
        con.close()


@dataclass
class SmallWarehouse:
    data_dir: Path
    settings: Settings
    contracts: int
    referrals: int


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> SmallWarehouse:
    """Two contracts, three referrals, and one file nobody recognises, loaded in one run."""
    from ingest.pipeline import refresh

    root = tmp_path_factory.mktemp("small")
    files = root / "files"
    b.write_csv(
        files / "contracts.csv",
        "contracts",
        [b.contract(), b.women_contract()],
    )
    b.write_csv(
        files / "referrals.csv",
        "referrals_performance_report",
        [b.referral(1), b.referral(2), b.referral(3)],
    )
    (files / "unknown.csv").write_text("colour,shape\nred,square\n")
    settings = make_settings(root / "data")
    report = refresh(settings, [files])
    assert [f.outcome for f in report.files] == ["rejected", "loaded", "loaded"], report.files
    return SmallWarehouse(root / "data", settings, contracts=2, referrals=3)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> SmallWarehouse:
    """The demo data (a quarter of its usual referrals, as of 21 November 2026) through the real ingest; built once."""
    from ingest.demo.landing import write_demo_files
    from ingest.pipeline import refresh

    root = tmp_path_factory.mktemp("demo")
    settings = make_settings(root / "data")
    folder = write_demo_files(root / "files", today=settings.today_london, referrals_scale=0.25)[
        0
    ].parent
    report = refresh(settings, [folder])
    assert not report.rejected, [f.message for f in report.rejected]
    counts = {t: n for t, (n, _) in snapshot(settings).items()}
    return SmallWarehouse(
        root / "data",
        settings,
        contracts=counts["core_contract"],
        referrals=counts["core_referral"],
    )


@pytest.fixture(scope="session")
def access_warehouse(tmp_path_factory) -> SmallWarehouse:
    """Four contracts in three regions with the demo users' provider codes (tests/access_data.py)."""
    from tests.access_data import build_access_warehouse

    return build_access_warehouse(tmp_path_factory.mktemp("access"))

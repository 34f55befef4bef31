"""Intruders: SQL through every filter, URL parameter and free-text box; formulas in every CSV
download; markup in comments; secrets on screen. Each attempt is treated as plain data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.flags import view as flagview
from dashboard.flags.store import ContractFacts, FlagStore, NewFlag
from dashboard.layout import safe_csv
from dashboard.queries import Guard
from dashboard.users import demo_user
from tests.access_data import QUERY_DEFAULTS
from tests.app.test_access_matrix import everything_shown
from tests.conftest import HASH_KEY
from warehouse.connection import Warehouse

ROOT = Path(__file__).parents[2]
ATTACKS = [
    "B' OR '1'='1",
    "B'; DROP TABLE core_contract; --",
    "') UNION SELECT contract_ref, 1, 1, 1, 1 FROM core_contract --",
    '" OR ""="',
    "$region",
    "\\'; SELECT 1; --",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "=cmd|'/C calc'!A0",
]


@pytest.fixture
def version(access_warehouse):
    st.session_state[data.USER_KEY] = demo_user("demo-national")
    return Warehouse.from_settings(access_warehouse.settings).current()


BASE = QUERY_DEFAULTS | {"contract": None, "group": "contract"}


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_filter_value_is_bound_not_run(version, attack):
    """An attack string in any filter gives exactly what a harmless unknown value gives."""
    for name, guard in data.GUARDS.items():
        if guard is Guard.OPERATIONS:
            continue
        for param in ("region", "pcc", "lot", "provider", "contract"):
            if f"${param}" not in data.QUERIES[name]:
                continue
            attacked = data.query(version, name, **(BASE | {param: attack}))
            harmless = data.query(version, name, **(BASE | {param: "NO_SUCH_VALUE"}))
            assert attacked.equals(harmless), (name, param)
    counts = Warehouse.from_settings(version_settings(version)).connect()
    try:
        assert counts.execute("SELECT count(*) FROM core_contract").fetchone()[0] == 4
    finally:
        counts.close()


def version_settings(version):
    from tests.conftest import make_settings

    return make_settings(version.path.parent.parent)


def _page(name: str) -> None:
    from dashboard import frame
    from warehouse.settings import load_settings

    frame.run(load_settings(), only=name)


@pytest.mark.parametrize("attack", ATTACKS[:3])
def test_url_parameters_cannot_choose_anything_not_offered(
    access_warehouse, monkeypatch, tmp_path, attack
):
    """Attacks in every filter's URL parameter and in the demo user's are ignored: the page shows the
    default scope for the default user, with no error."""
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", f"sqlite:///{tmp_path / 'flags.sqlite'}")
    at = AppTest.from_function(_page, args=("volume",), default_timeout=60)
    for key in ("region", "pcc", "lot", "provider", "months", "user"):
        at.query_params[key] = attack
    at.run()
    assert not at.exception
    assert at.selectbox(key="f_region").value == "All"
    assert at.selectbox(key="demo_user").value == "demo-national"
    assert "Accommodation Wales" in everything_shown(at)  # the national default: every contract


def test_free_text_is_stored_and_shown_as_text(access_warehouse, monkeypatch, tmp_path):
    """SQL, markup and formulas in a comment and a response are kept verbatim, shown as text, and
    neutralised in the CSV download."""
    url = f"sqlite:///{tmp_path / 'flags.sqlite'}"
    store = FlagStore(url)
    comment = "'); DROP TABLE flag; -- <script>alert('x')</script> **bold** " + FORMULAS[0]
    provider = demo_user("demo-provider-lancashire-women")
    flag_id = store.raise_flag(
        provider,
        NewFlag("NW_WOMEN", dt.date(2026, 5, 1), "other", 3, comment),
        ContractFacts("B", "LANCASHIRE_WOMEN", 3, (), 1),
        ["NW_WOMEN", "NW_ACC"],
    )
    rpd = demo_user("demo-rpd-north-west")
    store.review(rpd, flag_id, "under_review", FORMULAS[1], ["NW_WOMEN", "NW_ACC"])
    flags = store.flags(rpd, ["NW_WOMEN", "NW_ACC"])
    assert flags.comment.iloc[0] == comment
    assert store.counts() == {"flags": 1, "events": 2}

    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", url)
    at = AppTest.from_function(_page, args=("triage",), default_timeout=60)
    at.session_state["demo_user"] = rpd.id
    at.run()
    assert not at.exception
    assert [t.value for t in at.text] == [comment]  # st.text: never parsed as markdown or HTML

    table = flagview.flag_table(flags, {})
    rows = list(csv.reader(io.StringIO(safe_csv(table).decode("utf-8-sig"))))
    response = rows[0].index("Latest response")
    assert rows[1][response] == "'" + FORMULAS[1]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_downloads_neutralise_formulas(formula):
    text = safe_csv(__import__("pandas").DataFrame({"a": [formula, "plain", 5]})).decode(
        "utf-8-sig"
    )
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert cells == ["'" + formula, "plain", "5"]


def test_every_download_goes_through_safe_csv():
    """No page writes a CSV without safe_csv: every download button is the shared one, or names it."""
    for path in (ROOT / "dashboard").rglob("*.py"):
        source = path.read_text()
        for match in re.finditer(r"st\.download_button\((.*?)\n    \)", source, re.S):
            call = match.group(1)
            if "text/csv" in call:
                assert "safe_csv(" in call, f"{path.name}: a CSV download without safe_csv"


@pytest.mark.slow  # runs the rpd command in processes of its own
def test_secrets_are_never_shown(access_warehouse, monkeypatch, tmp_path):
    """The hashing key and the flags address appear on no page, in no command's output, in no log."""
    secret_url = f"sqlite:///{tmp_path / 'flags-pw-hunter2.sqlite'}"
    env = {
        "RPD_DATA_DIR": str(access_warehouse.data_dir),
        "RPD_HASH_KEY": HASH_KEY,
        "RPD_FLAGS_URL": secret_url,
        "RPD_TODAY": "2026-11-21",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    shown = ""
    for user, page in [
        ("demo-national", "status"),
        ("demo-admin", "status"),
        ("demo-national", "triage"),
    ]:
        at = AppTest.from_function(_page, args=(page,), default_timeout=60)
        at.session_state["demo_user"] = user
        at.run()
        assert not at.exception
        shown += everything_shown(at)
    for command in (["settings"], ["status"]):
        shown += subprocess.run(
            [sys.executable, "-m", "ingest.cli", *command],
            env={**__import__("os").environ, **env},
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    for path in (access_warehouse.data_dir / "logs").rglob("*"):
        if path.is_file():
            shown += path.read_text(errors="replace")
    assert HASH_KEY not in shown
    assert "hunter2" not in shown

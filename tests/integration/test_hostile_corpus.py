"""The hostile-input corpus (tests/hostile/): each bad file is rejected with its plain-English message and
leaves every table of the warehouse as it was; each awkward but legitimate file loads what it says.

One baseline warehouse (every kind of file loaded once, through the real pipeline) is built per
module. `make test` runs all rejected files in one refresh (each file is its own transaction and
gets its own message, so one run shows the same as one run per file, at a third of the cost) and
all legitimate files in another. `make soak` (RPD_SOAK_TRIALS set) also runs every file alone, in
its own refresh, checking every table after each one, and the 200 MB files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import tomllib
import uuid
from pathlib import Path

import pytest

from ingest.pipeline import refresh
from ingest.sources import LOAD_ORDER
from tests import builders as b
from tests.conftest import make_settings
from tests.hostile.make_corpus import csv_text
from warehouse.connection import Warehouse

HOSTILE = Path(__file__).parents[1] / "hostile"
CASES = tomllib.loads((HOSTILE / "cases.toml").read_text("utf-8"))["case"]
SOURCES = set(LOAD_ORDER)  # every kind of file the service accepts


SOAK = pytest.mark.skipif(
    "RPD_SOAK_TRIALS" not in os.environ, reason="run by `make soak` (RPD_SOAK_TRIALS set)"
)
REJECTED = [c for c in CASES if c["outcome"] == "rejected"]
LOADED = [c for c in CASES if c["outcome"] == "loaded"]


def tables(settings) -> dict[str, list[tuple]]:
    """Every row of every table of the current version (core, meta and reference), sorted."""
    con = Warehouse.from_settings(settings).connect()
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {
            name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
            for name in names
        }
    finally:
        con.close()


def run_id_column(settings, table: str) -> int | None:
    con = Warehouse.from_settings(settings).connect()
    try:
        cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    finally:
        con.close()
    return cols.index("run_id") if "run_id" in cols else None


def checksums(found: dict[str, list[tuple]]) -> dict[str, tuple[int, str]]:
    return {
        t: (len(rows), hashlib.sha256("\n".join(map(repr, rows)).encode()).hexdigest())
        for t, rows in found.items()
    }


def without_run(settings, found: dict[str, list[tuple]], run_id: str) -> dict[str, list[tuple]]:
    """The tables with the records of run `run_id` left out (a run always records itself)."""
    kept = {}
    for table, rows in found.items():
        column = run_id_column(settings, table)
        kept[table] = rows if column is None else [r for r in rows if r[column] != run_id]
    return kept


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """Two contracts, two organisations, a meeting and its attendance, three referrals from the
    performance report and two from the weekly extract, two KPI rows and a financial return."""
    root = tmp_path_factory.mktemp("hostile-base")
    files = root / "in"
    b.write_csv(
        files / "c.csv",
        "contracts",
        [b.contract(), b.women_contract()],
    )
    b.write_csv(
        files / "o.csv",
        "organisations",
        [b.organisation(), b.organisation(org_id="CH1000002", org_name="Other")],
    )
    b.write_csv(files / "m.csv", "forum_meetings", [b.meeting()])
    b.write_csv(files / "a.csv", "forum_attendance", [b.attendance()])
    b.write_csv(files / "r.csv", "referrals_performance_report", [b.referral(n) for n in (1, 2, 3)])
    b.write_csv(files / "w.csv", "referrals_weekly_extract", [b.weekly(1), b.weekly(2)])
    b.write_csv(files / "k.csv", "kpi_returns", [b.kpi(), b.kpi(kpi_code="KPI2")])
    b.write_csv(files / "f.csv", "financial_returns", [b.finance()])
    report = refresh(make_settings(root / "data"), [files])
    assert [f.outcome for f in report.files] == ["loaded"] * 8, [f.message for f in report.files]
    return root / "data"


@pytest.fixture(scope="module")
def shared(baseline, tmp_path_factory) -> Path:
    """One copy of the baseline for all rejected files (a rejection leaves it as it was)."""
    data = tmp_path_factory.mktemp("hostile-shared") / "data"
    shutil.copytree(baseline, data)
    return data


def test_the_corpus_is_complete():
    """At least 40 files, every one in the manifest and every manifest entry on disk, every source covered."""
    on_disk = {p.name for p in (HOSTILE / "files").iterdir()}
    listed = [c["file"] for c in CASES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert on_disk == set(listed)
    assert len([c for c in CASES if c["outcome"] == "rejected"]) >= 40
    assert {c["source"] for c in CASES if c["outcome"] == "rejected"} >= SOURCES
    for case in CASES:
        assert case["outcome"] in ("rejected", "loaded") and case["why"], case["file"]


def _text_everywhere(data: Path, settings) -> str:
    """Everything the product kept of a run: messages, copies, reports, logs and every table."""
    parts = [
        p.read_text("utf-8", errors="replace")
        for folder in ("quarantine", "archive", "logs")
        for p in (data / folder).rglob("*")
        if p.is_file()
    ]
    parts += [repr(rows) for rows in tables(settings).values()]
    return "\n".join(parts)


def _assert_message(case: dict, message: str) -> None:
    expected = case["message"]
    if isinstance(expected, str):
        assert message == expected, message
    else:
        for part in expected:
            assert part in message, (part, message)


def test_every_rejected_file_in_one_run(shared):
    """All rejected files in one refresh: each is rejected with its message, and afterwards every
    table holds exactly what it held before (the run's own records aside)."""
    settings = make_settings(shared)
    before = tables(settings)
    report = refresh(settings, [HOSTILE / "files" / c["file"] for c in REJECTED])
    after = without_run(settings, tables(settings), report.run_id)
    assert checksums(after) == checksums(before)
    assert after == before, "a rejected file changed the warehouse"
    by_name = {f.file_name: f for f in report.files}
    assert len(by_name) == len(REJECTED)
    everything = _text_everywhere(shared, settings)
    for case in REJECTED:
        outcome = by_name[case["file"]]
        assert outcome.outcome == "rejected", (case["file"], outcome.message)
        assert outcome.rows_loaded == 0
        _assert_message(case, outcome.message)
        assert "Traceback" not in outcome.message and "Error:" not in outcome.message
        for secret in case.get("never_shown", []):
            assert secret not in outcome.message, case["file"]
            assert secret not in everything, case["file"]


def test_every_legitimate_file_in_one_run(baseline, tmp_path):
    """All legitimate files in one refresh (they touch different rows): each loads what it says."""
    data = tmp_path / "data"
    shutil.copytree(baseline, data)
    settings = make_settings(data)
    report = refresh(settings, [HOSTILE / "files" / c["file"] for c in LOADED])
    by_name = {f.file_name: f for f in report.files}
    for case in LOADED:
        _assert_loaded(case, by_name[case["file"]], data, settings)


def _assert_loaded(case: dict, outcome, data: Path, settings) -> None:
    assert outcome.outcome == "loaded", (case["file"], outcome.message)
    assert outcome.message == case["message"]
    assert outcome.rows_loaded == case["rows"]
    if "check_sql" in case:
        con = Warehouse.from_settings(settings).connect()
        try:
            assert list(con.execute(case["check_sql"]).fetchone()) == case["check_row"]
        finally:
            con.close()
    for secret in case.get("never_shown", []):
        assert secret not in _text_everywhere(data, settings)


@pytest.mark.soak
@SOAK
@pytest.mark.parametrize("case", REJECTED, ids=lambda c: c["file"])
def test_rejected_with_its_message_and_nothing_changes(case, shared, baseline):
    settings = make_settings(shared)
    before = tables(settings)
    report = refresh(settings, [HOSTILE / "files" / case["file"]])
    after = tables(settings)
    try:
        assert without_run(settings, after, report.run_id) == before, (
            "a rejected file changed the warehouse"
        )
        assert checksums(without_run(settings, after, report.run_id)) == checksums(before)
    except AssertionError:
        shutil.rmtree(shared)
        shutil.copytree(baseline, shared)
        raise
    (outcome,) = report.files
    assert outcome.outcome == "rejected", outcome.message
    _assert_message(case, outcome.message)
    assert "Traceback" not in outcome.message and "Error:" not in outcome.message
    for secret in case.get("never_shown", []):
        assert secret not in outcome.message
        assert secret not in _text_everywhere(shared, settings)


@pytest.mark.soak
@SOAK
@pytest.mark.parametrize("case", LOADED, ids=lambda c: c["file"])
def test_legitimate_file_loads_what_it_says(case, baseline, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(baseline, data)
    settings = make_settings(data)
    (outcome,) = refresh(settings, [HOSTILE / "files" / case["file"]]).files
    _assert_loaded(case, outcome, data, settings)


def write_big_referrals(path: Path, megabytes: int, last_row: str) -> int:
    """A referrals file of about `megabytes` MB of distinct valid rows; `last_row` says how it ends:
    'cut' (the last row cut short) or 'bad' (a valid-looking last row with an impossible date)."""
    header, row, _ = csv_text("referrals_performance_report", [b.referral(1)]).split("\r\n")
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    old_id, rows = str(uuid.UUID(int=1, version=4)), int(megabytes * 1e6 / (len(row) + 2))
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header + "\r\n")
        chunk = []
        for n in range(1, rows + 1):
            ref = f"{letters[n // 240_000 % 24]}{letters[n // 10_000 % 24]}{n % 10_000:04d}AC"
            line = (
                row.replace("AB0001AC", ref, 1)
                .replace(old_id, str(uuid.UUID(int=n, version=4)), 1)
                .replace("X000001", f"X{n % 1_000_000:06d}", 1)
            )
            if n == rows and last_row == "bad":
                line = line.replace("2026-05-08T10:00:00", "2026-02-30T10:00:00", 1)
            chunk.append(line)
            if len(chunk) == 10_000:
                f.write("\r\n".join(chunk) + "\r\n")
                chunk = []
        text = "\r\n".join(chunk)
        f.write(text[: text.rfind(",") - 60] if last_row == "cut" else text + "\r\n")
    return rows


@pytest.mark.soak
@SOAK
@pytest.mark.parametrize(
    ("ending", "expected"),
    [
        ("cut", "values: the file may have been cut short."),
        ("bad", "Every value in 'date_saa_first_scheduled_for' must be a date or date and time"),
    ],
)
def test_200_mb_file_is_rejected_whole_and_changes_nothing(tmp_path, baseline, ending, expected):
    """A 200 MB referrals file (about 600,000 rows), made here and never committed, whose last row is
    cut short or holds an impossible date, is rejected naming that row; the warehouse is unchanged.
    Takes one to three minutes and about 3 GB of memory: run by `make soak`, not `make test`."""
    data = tmp_path / "data"
    shutil.copytree(baseline, data)
    settings = make_settings(data)
    big = tmp_path / "referrals_big.csv"
    rows = write_big_referrals(big, 200, ending)
    assert big.stat().st_size > 199_000_000
    before = tables(settings)
    started = time.monotonic()
    report = refresh(settings, [big])
    seconds = time.monotonic() - started
    (outcome,) = report.files
    print(f"200 MB ({ending}): {rows:,} rows, {outcome.outcome} in {seconds:.0f} s")
    assert outcome.outcome == "rejected"
    assert expected in outcome.message
    assert f"row {rows + 1}" in outcome.message
    assert without_run(settings, tables(settings), report.run_id) == before
    assert big.exists()

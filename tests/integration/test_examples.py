"""The example files of docs/examples/ load as documented, and broken copies of them are refused.

Real files, real Great Expectations, a real DuckDB warehouse in a temporary folder. One run loads
the examples; each broken copy is then tried in its own run against a copy of that warehouse.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.pipeline import RunReport, refresh
from warehouse.connection import Warehouse
from warehouse.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
BROKEN = ROOT / "tests" / "data" / "broken"
TODAY = "2026-11-21"
EXAMPLE_CRN = re.compile(r"X0000\d\d")  # the synthetic case references used in the examples

# Data rows counted by hand in each example file (header not counted).
EXPECTED_ROWS = {
    "core_contract": 4,  # contract_register.xlsx: PRJ_6262, PRJ_6553, PRJ_5643, PRJ_7651
    "core_referral": 13,  # 8 in referrals_performance_report.csv + 5 in referrals_weekly_extract.csv
    "core_kpi_return": 9,  # kpi_returns.csv: 3 contracts x 3 KPIs for 2026-Q3
    "core_financial_return": 7,  # financial_returns.csv: 3 contracts x 2 quarters + a subcontractor's own
    "core_organisation": 8,  # organisations.csv
    "core_forum_meeting": 4,  # forum_meetings.csv
    "core_forum_attendance": 12,  # forum_attendance.csv
}
EXAMPLE_FILES = {
    "contract_register.xlsx": ("contracts", 4),
    "organisations.csv": ("organisations", 8),
    "forum_meetings.csv": ("forum_meetings", 4),
    "referrals_performance_report.csv": ("referrals_performance_report", 8),
    "referrals_weekly_extract.csv": ("referrals_weekly_extract", 5),
    "kpi_returns.csv": ("kpi_returns", 9),
    "financial_returns.csv": ("financial_returns", 7),
    "forum_attendance.csv": ("forum_attendance", 12),
}


def settings_for(data_dir: Path) -> Settings:
    return load_settings({"RPD_DATA_DIR": str(data_dir), "RPD_TODAY": TODAY})


def row_counts(settings: Settings) -> dict[str, int]:
    con = Warehouse.from_settings(settings).connect()
    try:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - names from EXPECTED_ROWS
            for table in EXPECTED_ROWS
        }
    finally:
        con.close()


@dataclass(frozen=True)
class Loaded:
    data_dir: Path
    settings: Settings
    report: RunReport


@pytest.fixture(scope="module")
def examples_loaded(tmp_path_factory) -> Loaded:
    """The whole docs/examples folder, ingested once into a fresh warehouse."""
    data_dir = tmp_path_factory.mktemp("examples") / "data"
    settings = settings_for(data_dir)
    return Loaded(data_dir, settings, refresh(settings, [EXAMPLES]))


def test_examples_folder_loads_every_file_with_its_rows(examples_loaded):
    """Every example file is recognised and loaded whole, nothing is rejected, and each core table holds the rows counted by hand."""
    report = examples_loaded.report
    assert not report.rejected, [(f.file_name, f.message) for f in report.rejected]
    outcomes = {
        f.file_name: (f.source, f.rows_loaded) for f in report.files if f.outcome == "loaded"
    }
    assert outcomes == EXAMPLE_FILES
    assert row_counts(examples_loaded.settings) == EXPECTED_ROWS


def test_examples_keep_no_case_reference_in_clear(examples_loaded):
    """Case reference numbers from the referral examples reach neither the warehouse nor the archived copies."""
    con = Warehouse.from_settings(examples_loaded.settings).connect()
    try:
        keys = [r[0] for r in con.execute("SELECT person_key FROM core_referral").fetchall()]
        people = con.execute("SELECT count(DISTINCT person_key) FROM core_referral").fetchone()[0]
    finally:
        con.close()
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)
    assert people == 11  # X000001 and X000004 are each referred twice: 13 referrals, 11 people
    archived = list((examples_loaded.data_dir / "archive").rglob("*"))
    assert any("referrals_" in p.name for p in archived)
    for path in archived:
        if path.is_file():
            assert not EXAMPLE_CRN.search(path.read_text("utf-8")), path.name


# --- broken copies -------------------------------------------------------------------------------
def _edit(example: str, encoding: str, change: Callable[[str], str]) -> Callable[[Path, str], Path]:
    """A writer of a copy of an example file with one change, in the example's own encoding."""

    def write(folder: Path, name: str) -> Path:
        text = (EXAMPLES / example).read_bytes().decode(encoding)
        changed = change(text)
        assert changed != text, f"the change to {example} matched nothing"
        path = folder / name
        path.write_bytes(changed.encode(encoding))
        return path

    return write


def _replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} must occur once in the example"
        return text.replace(old, new)

    return change


def _add_column(name: str, value: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        lines = text.split("\r\n")
        return (
            "\r\n".join([lines[0] + f",{name}", *(f"{line},{value}" for line in lines[1:] if line)])
            + "\r\n"
        )

    return change


@dataclass(frozen=True)
class Broken:
    file_name: str
    write: Callable[[Path, str], Path]
    says: tuple[str, ...]  # words the data officer must read in the message
    never_says: tuple[str, ...] = ()  # personal details: not in the message, not in the kept copy


BROKEN_COPIES = {
    "column renamed": Broken(
        "kpi_returns_renamed_column.csv",
        _edit("kpi_returns.csv", "utf-8", _replace_once("target_pct", "target_percent")),
        ("looks like a Contract returns: KPIs file", "Missing: 'target_pct'",
         "'target_percent' (did you mean 'target_pct'?)"),
    ),
    "mistyped amount": Broken(
        "financial_returns_mistyped_amount.csv",
        _edit("financial_returns.csv", "cp1252", _replace_once('2026-Q2,,"£152,698"', '2026-Q2,,"£12,3x4"')),
        ("Every value in 'contract_income_gbp' must be an amount in pounds", "row 2", "'£12,3x4'"),
    ),
    "referral before its contract started": Broken(
        "referrals_performance_report_too_early.csv",
        _edit("referrals_performance_report.csv", "utf-8-sig",
              _replace_once("X000001,2026-08-03T09:14:00+01:00", "X000001,2021-06-14T09:14:00+01:00")),
        ("received on or after its contract's start date", "row 2"),
        never_says=("X000001",),
    ),
    "unknown contract": Broken(
        "referrals_weekly_extract_unknown_contract.csv",
        _edit("referrals_weekly_extract.csv", "utf-8",
              _replace_once("EJ2214FI,689a62d6-efa6-5b06-8c24-9ccf5a380147,PRJ_7651",
                            "EJ2214FI,689a62d6-efa6-5b06-8c24-9ccf5a380147,PRJ_7652")),
        ("must be a contract in the contract register", "row 2", "'PRJ_7652'"),
    ),
    "date of birth column": Broken(
        "referrals_performance_report_with_dob.csv",
        _edit("referrals_performance_report.csv", "utf-8-sig", _add_column("date_of_birth", "01/01/1990")),
        ("'date_of_birth'", "dates of birth", "must not receive personal details"),
        never_says=("01/01/1990",),
    ),
    "semicolons": Broken(
        "forum_attendance_semicolons.csv",
        _edit("forum_attendance.csv", "utf-8", lambda text: text.replace(",", ";")),
        ("separated by semicolons", "CSV UTF-8 (Comma delimited)"),
    ),
    "case reference typed into a note": Broken(
        "forum_meetings_crn_in_topic.csv",
        _edit("forum_meetings.csv", "utf-8",
              _replace_once("Referral volumes against indicative volumes", "Follow-up on X123456")),
        ("'topic' must not contain National Insurance numbers or case reference numbers", "row 3"),
        never_says=("X123456",),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BROKEN_COPIES.values(), ids=BROKEN_COPIES.keys())
def test_broken_copy_is_rejected_with_its_reason_and_changes_nothing(
    examples_loaded, tmp_path, case
):
    """A copy of an example with one mistake is rejected, says why in plain words, and leaves every core table as it was."""
    data_dir = tmp_path / "data"
    shutil.copytree(examples_loaded.data_dir, data_dir)
    settings = settings_for(data_dir)
    folder = tmp_path / "received"
    folder.mkdir()
    path = case.write(folder, case.file_name)

    report = refresh(settings, [path])

    (outcome,) = report.files
    assert outcome.outcome == "rejected", outcome.message
    for words in case.says:
        assert words in outcome.message
    for words in case.never_says:
        assert words not in outcome.message
    assert row_counts(settings) == EXPECTED_ROWS
    kept = Path(outcome.kept_as).parent
    report_txt = (kept / f"001-{path.stem}.report.txt").read_text(
        "utf-8"
    )  # NNN = the file's place in the run
    assert outcome.message in report_txt
    for quarantined in kept.iterdir():  # the copy and its report keep no personal details
        text = quarantined.read_text("utf-8")
        assert not EXAMPLE_CRN.search(text), quarantined.name
        assert not any(words in text for words in case.never_says), quarantined.name


# --- the command line ----------------------------------------------------------------------------
@pytest.mark.slow  # runs `rpd ingest` in a process of its own
def test_cli_exits_1_and_prints_why_a_file_was_rejected(tmp_path):
    """`rpd ingest` on broken files prints REJECTED with each reason and exits with status 1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RPD_")}
    env |= {"RPD_DATA_DIR": str(tmp_path / "data"), "RPD_TODAY": TODAY}
    files = [
        BROKEN / "kpi_returns_unicode.txt",
        BROKEN / "referrals_weekly_extract_with_postcode.csv",
    ]

    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "ingest", *map(str, files)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode == 1, done.stdout + done.stderr
    assert "REJECTED kpi_returns_unicode.txt: The file is saved as UTF-16" in done.stdout
    assert (
        "REJECTED referrals_weekly_extract_with_postcode.csv: The column 'postcode'" in done.stdout
    )
    assert "looks like it holds addresses" in done.stdout
    assert "2 file(s): 0 loaded, 2 rejected" in done.stdout

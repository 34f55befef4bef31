"""No identifier in clear, anywhere (issue 13): distinctive case reference numbers, National Insurance
numbers, names and dates of birth are planted in files that load and in files that are refused, every
way a careless sender puts them there; the files go through the real `rpd ingest`; then every file
under the data folder is searched for each planted value, the warehouse files through DuckDB (every
column of every table, in every version), the rest as bytes (logs, quarantine and archive copies and
their reports, summaries, Great Expectations' Data Docs)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.sources import source
from tests import builders as b
from tests.conftest import HASH_KEY
from tests.hostile.make_corpus import csv_text

ROOT = Path(__file__).parents[2]

# Each planted value, with where it was planted (the assertion names it when it leaks). None of them
# is used by any other test, so a hit can only come from these files.
CRNS = {
    "Q135791": "CRN of a referral that loads (hashed)",
    "Q135792": "CRN in a date column",
    "Q135793": "CRN in a number column",
    "Q135794": "CRN in a yes/no column",
    "Q135795": "CRN in a money column",
    "Q135796": "CRN shifted into date_referral_received by an extra column",
    "Q135797": "CRN as a column header",
    "Q135798": "CRN in the first row of an export without its header row",
    "Q135799": "CRN as a sheet name",
    "Q246801": "CRN in a row cut short by a stray comma",
    "Q246802": "CRN in a dropped column of a file that loads",
    "Q246803": "CRN in the name of a file that loads",
    "Q246804": "CRN in the name of a file that is refused",
}
NI_NUMBERS = {
    "JT 98 76 54 B": "NI number in a date column",
    "JT987653A": "NI number in a free-text column",
}
NAMES = {
    "Wilhelmina": "name in a 'Names' column",
    "Ostrowska": "surname in a 'Names' column",
    "Bartholomew": "name in a file of no recognised kind",
}
BIRTH_DATES = {
    "17/08/1983": "date of birth in a 'D.O.B' column, and in the column before service_user_crn",
    "1983-08-17": "date of birth in a 'Birth' column",
    "1976-04-29": "date of birth in a date column",
    "29/04/1976": "date of birth in a file of no recognised kind",
}
PLANTED = CRNS | NI_NUMBERS | NAMES | BIRTH_DATES


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, "utf-8")


def referral_file(**over) -> str:
    return csv_text("referrals_performance_report", [b.referral(1, **over), b.referral(2)])


def baseline_files(folder: Path) -> None:
    """What the refused files are checked against, and referral files that load with planted CRNs."""
    b.write_csv(folder / "contracts.csv", "contracts", [b.contract()])
    b.write_csv(folder / "organisations.csv", "organisations", [b.organisation()])
    b.write_csv(folder / "meetings-Q246803.csv", "forum_meetings", [b.meeting()])
    write(folder, "referrals.csv", referral_file(service_user_crn="Q135791"))
    b.write_csv(
        folder / "weekly.csv",
        "referrals_weekly_extract",
        [b.weekly(1, relevant_sentence_id="Q246802")],
    )


def refused_files(folder: Path) -> None:
    """One file for each way an identifier reaches a file that must be refused."""
    write(folder, "r-crn-date-Q246804.csv", referral_file(date_saa_first_completed="Q135792"))
    write(folder, "r-crn-number.csv", referral_file(outcomes_achieved="Q135793"))
    write(folder, "r-crn-yesno.csv", referral_file(saa_attended_on_time="Q135794"))
    write(
        folder,
        "f-crn-money.csv",
        csv_text("financial_returns", [b.finance(contract_income_gbp="Q135795")]),
    )
    weekly_headers = list(source("referrals_weekly_extract").headers)
    values = [b.weekly(2, service_user_crn="Q135796")[h] for h in weekly_headers]
    at = weekly_headers.index("service_user_crn")
    shifted = [*values[:at], "17/08/1983", *values[at:]][: len(weekly_headers)]
    write(
        folder,
        "w-shifted.csv",
        csv_text("referrals_weekly_extract", [], headers=weekly_headers)
        + csv_text("referrals_weekly_extract", [], headers=shifted),
    )
    write(
        folder,
        "w-crn-header.csv",
        csv_text(
            "referrals_weekly_extract",
            [b.weekly(3) | {"Q135797": "x"}],
            headers=[*weekly_headers, "Q135797"],
        ),
    )
    headers = [*source("referrals_performance_report").headers, "Names", "D.O.B", "Birth"]
    person = {"Names": "Wilhelmina Ostrowska", "D.O.B": "17/08/1983", "Birth": "1983-08-17"}
    write(
        folder,
        "r-personal-columns.csv",
        csv_text("referrals_performance_report", [b.referral(1) | person], headers=headers),
    )
    row = b.referral(1, service_user_crn="Q135798")
    write(
        folder,
        "r-no-header.csv",
        csv_text("referrals_performance_report", [], headers=list(row.values())),
    )
    write(
        folder,
        "m-ni-date.csv",
        csv_text(
            "forum_meetings", [b.meeting(meeting_id="B-2026-08", meeting_date="JT 98 76 54 B")]
        ),
    )
    write(
        folder,
        "o-ni-text.csv",
        csv_text("organisations", [b.organisation(org_name="Trust JT987653A")]),
    )
    write(
        folder,
        "r-dob-date.csv",
        referral_file(date_saa_first_completed="1976-04-29T00:00:00"),
    )
    write(folder, "people.csv", "name,born\nBartholomew Eady,29/04/1976\n")
    ragged = referral_file(service_user_crn="Q246801").replace("sp.worker1,", "sp.worker1,x,", 1)
    write(folder, "r-ragged.csv", ragged)
    workbook = io.BytesIO()
    with pd.ExcelWriter(workbook, engine="xlsxwriter") as sheets:
        pd.DataFrame({"notes": ["see other sheet"]}).to_excel(
            sheets, sheet_name="Q135799", index=False
        )
        pd.DataFrame({"more": ["notes"]}).to_excel(sheets, sheet_name="Notes", index=False)
    (folder / "sheets.xlsx").write_bytes(workbook.getvalue())


def rpd_ingest(data: Path) -> subprocess.CompletedProcess:
    """`rpd ingest` on the landing folder, as an operator runs it (Great Expectations docs written)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RPD_")}
    env |= {"RPD_DATA_DIR": str(data), "RPD_TODAY": b.TODAY, "RPD_HASH_KEY": HASH_KEY}
    return subprocess.run(
        [sys.executable, "-m", "ingest.cli", "ingest"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def is_duckdb(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(12)[8:12] == b"DUCK"


def duckdb_text(path: Path) -> str:
    """Every value of every column of every table in a warehouse file, as text."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE'"
        ).fetchall()
        rows = {
            name: con.execute(f'SELECT * FROM "{schema}"."{name}"').fetchall()  # noqa: S608
            for schema, name in tables
        }
        return repr(rows)
    finally:
        con.close()


def leaks(data: Path) -> list[tuple[str, str, str]]:
    """(planted value, where it was planted, file or table it was found in), for every file under data."""
    found = []
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        text = (
            duckdb_text(path)
            if is_duckdb(path)
            else path.read_bytes().decode("utf-8", errors="replace")
        ).lower()
        name = str(path.relative_to(data)).lower()  # a file's own name may carry one too
        for value, where in PLANTED.items():
            if value.lower() in text or value.lower() in name:
                found.append((value, where, str(path.relative_to(data))))
    return found


# Every test here reads what two real `rpd ingest` processes left and printed.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, str]:
    """A data folder after two runs of `rpd ingest`: the baseline, then every refused file."""
    data = tmp_path_factory.mktemp("planted") / "data"
    landing = data / "landing"
    landing.mkdir(parents=True)
    baseline_files(landing)
    first = rpd_ingest(data)
    assert first.returncode == 0, first.stdout + first.stderr
    refused_files(landing)
    second = rpd_ingest(data)
    assert second.returncode == 1, second.stdout + second.stderr
    return data, first.stdout + second.stdout


def test_the_planted_files_were_loaded_or_refused_as_meant(ingested):
    """Five files load; all fourteen others are refused, and each is kept as a report in quarantine."""
    data, printed = ingested
    assert printed.count("LOADED ") == 5, printed
    assert printed.count("REJECTED") == 14, printed
    assert not list((data / "landing").iterdir())
    assert len(list((data / "quarantine").rglob("*.report.txt"))) == 14
    assert list((data / "reports").rglob("*.html")), "no Data Docs were written to search"
    versions = list((data / "warehouse").glob("*.duckdb"))
    # The second run loads nothing, so its version replaces the first (runs that change no data do not
    # take a place in the rollback window): one version, holding both runs' records.
    assert len(versions) == 1 and all(is_duckdb(v) for v in versions)
    # The search reads the tables themselves: a value that is meant to be there is found.
    assert all("accommodation north west" in duckdb_text(v).lower() for v in versions)


def test_no_planted_identifier_is_anywhere_under_the_data_folder(ingested):
    """Not one planted CRN, NI number, name or date of birth is in any file or table under the data
    folder (warehouse versions, logs, quarantine, archive, reports, Data Docs)."""
    data, _ = ingested
    assert leaks(data) == []


def test_no_planted_identifier_is_printed(ingested):
    """`rpd ingest` prints every rejection, with no planted value in clear."""
    _, printed = ingested
    assert [value for value in PLANTED if value.lower() in printed.lower()] == []


def test_each_refusal_still_names_the_row_and_column(ingested):
    """Masking keeps what the sender needs: the rule, the column and the row, and what the value looked like."""
    _, printed = ingested
    for expected in [
        "Every value in 'date_saa_first_completed' must be a date or date and time, written "
        "2026-05-31, 2026-05-31T14:05:00 or 31/05/2026 14:05. This is not so in 1 row: row 2 "
        "(found a value shaped like a case reference number (hidden)).",
        "Every value in 'meeting_date' must be a date, written 2026-05-31 or 31/05/2026. This is "
        "not so in 1 row: row 2 (found a value shaped like a National Insurance number (hidden)).",
        "'date_saa_first_completed' must not be before 'date_referral_received'. This is not so in "
        "1 row: row 2 (found a date that could be a date of birth (hidden)).",
        "Row 1 holds a value shaped like a case reference number (hidden) in column 22 (V)",
        "The workbook has 2 sheets (a sheet name shaped like a case reference number (hidden), "
        "Notes) and none has the header of a file we accept.",
    ]:
        assert expected in printed, expected


def test_the_quarantine_keeps_only_known_columns_and_names_the_others(ingested):
    """The copy of a referral file with Names, D.O.B and Birth columns keeps the report's own columns;
    its report names the others. A file of no recognised kind is kept as a report only."""
    data, _ = ingested
    (copy,) = (data / "quarantine").rglob("*-r-personal-columns.csv")
    assert copy.read_text("utf-8").splitlines()[0] == ",".join(
        source("referrals_performance_report").headers
    )
    report = copy.with_name(copy.stem + ".report.txt").read_text("utf-8")
    assert report.endswith(
        "The copy keeps only the columns of a Referrals: provider performance report file. Not kept, "
        "as they may hold personal details: 'Names', 'D.O.B', 'Birth'.\n"
    )
    for name in ("people", "r-no-header"):
        assert not list((data / "quarantine").rglob(f"*-{name}.csv"))
        (report,) = (data / "quarantine").rglob(f"*-{name}.report.txt")
        assert report.read_text("utf-8").endswith(
            "The file itself was not kept: we could not tell what kind of file it is, so we could "
            "not tell which of its columns might hold personal details.\n"
        )

"""Files that cannot be read, or are not a kind we accept, are rejected with a reason a data officer understands."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from ingest.pipeline import refresh
from ingest.sources import source
from tests import builders as b
from tests.conftest import snapshot

HEADER = ",".join(source("contracts").headers)
ROW = ",".join(f'"{v}"' for v in b.contract().values())


def xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return out.getvalue()


CONTRACTS = pd.DataFrame([b.contract()])

FILES = {
    "empty": ("empty.csv", b"", "The file is empty."),
    "blank lines": ("blank.csv", b"\n\n  \n", "The file is empty."),
    "header only": ("header.csv", (HEADER + "\n").encode(), "has a header row but no data rows"),
    "semicolons": (
        "semi.csv",
        (HEADER.replace(",", ";") + "\n").encode(),
        "separated by semicolons",
    ),
    "tabs": ("tabs.csv", (HEADER.replace(",", "\t") + "\n").encode(), "separated by tabs"),
    "utf-16": ("u16.csv", (HEADER + "\n" + ROW + "\n").encode("utf-16"), "saved as UTF-16"),
    "zip named csv": (
        "register.csv",
        xlsx({"Contracts": CONTRACTS}),
        "it is an Excel or other zipped file",
    ),
    "text named xlsx": (
        "register.xlsx",
        (HEADER + "\n" + ROW + "\n").encode(),
        "not an Excel workbook",
    ),
    "old xls": ("register.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old-style Excel file"),
    "ragged row": (
        "ragged.csv",
        (HEADER + "\n" + ROW + ",extra\n").encode(),
        "Row 2 has 22 values but the header has 21 columns",
    ),
    "truncated": (
        "cut.csv",
        (HEADER + "\n" + ROW[:40]).encode(),
        "has only 6 of the 21 values: the file may have been cut short",
    ),
    "truncated in a quote": (
        "cut2.csv",
        (HEADER + "\n" + ROW[:43]).encode(),
        "ends inside a quoted value",
    ),
    "missing column": (
        "missing.csv",
        (HEADER.replace(",end_date", "") + "\n").encode(),
        "Missing: 'end_date'",
    ),
    "renamed column": (
        "renamed.csv",
        (HEADER.replace("end_date", "end_dte") + "\n").encode(),
        "'end_dte' (did you mean 'end_date'?)",
    ),
    "extra column": ("extra.csv", (HEADER + ",notes\n").encode(), "Not expected: 'notes'"),
    "duplicate column": (
        "dup.csv",
        (HEADER + ",end_date\n").encode(),
        "The column 'end_date' appears more than once",
    ),
    "not ours": ("shopping.csv", b"item,price\nmilk,1.20\n", "We do not recognise this file"),
    "date of birth": (
        "dob.csv",
        (HEADER + ",date_of_birth\n").encode(),
        "looks like it holds dates of birth",
    ),
    "surname": (
        "names.csv",
        (HEADER + ",Surname\n").encode(),
        "looks like it holds people's names",
    ),
    "ni number": (
        "ni.csv",
        (HEADER + ",NI_number\n").encode(),
        "looks like it holds National Insurance numbers",
    ),
    "crn in a register": (
        "crn.csv",
        (HEADER + ",crn\n").encode(),
        "looks like it holds case reference numbers",
    ),
    "undecodable bytes": (
        "bytes.csv",
        (HEADER + "\n").encode() + b"\x81\x8d\x8f\x90\x9d\n",
        "text encoding is not UTF-8 or Windows-1252",
    ),
    "two matching sheets": (
        "two.xlsx",
        xlsx({"Contracts": CONTRACTS, "Copy": CONTRACTS}),
        "several sheets with data",
    ),
    "no matching sheet": (
        "other.xlsx",
        xlsx({"A": pd.DataFrame({"x": [1]}), "B": pd.DataFrame({"y": [2]})}),
        "none has the header",
    ),
    "damaged workbook": (
        "damaged.xlsx",
        xlsx({"Contracts": CONTRACTS})[:300],
        "could not be opened as an Excel workbook",
    ),
}


def test_unreadable_files_are_rejected_with_their_reason(settings, tmp_path):
    """Each broken file is rejected with its own plain reason; the warehouse stays as it was."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data, _ in FILES.values():
        (folder / name).write_bytes(data)
    refresh(settings, [b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])])
    before = snapshot(settings)
    report = refresh(settings, [folder])
    by_name = {f.file_name: f for f in report.files}
    for case, (name, _, expected) in FILES.items():
        assert by_name[name].outcome == "rejected", case
        assert expected in by_name[name].message, (case, by_name[name].message)
    assert snapshot(settings) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accepted_encodings_give_the_same_rows(settings, tmp_path, encoding):
    """UTF-8, UTF-8 with BOM and Windows-1252 files with £ signs load the same values."""
    path = b.write_csv(
        tmp_path / "c.csv",
        "contracts",
        [b.contract(lead_provider_name="Café £ Trust")],
        encoding=encoding,
    )
    report = refresh(settings, [path])
    assert report.files[0].outcome == "loaded", report.files[0].message
    from warehouse.connection import Warehouse

    con = Warehouse.from_settings(settings).connect()
    assert con.execute(
        "SELECT lead_provider_name, annual_value_gbp FROM core_contract"
    ).fetchone() == ("Café £ Trust", 1200000)


def test_xlsx_with_notes_sheet_loads_the_data_sheet(settings, tmp_path):
    """A workbook with a notes sheet and one data sheet loads the data sheet; numbers typed into cells are read."""
    frame = CONTRACTS.assign(indicative_annual_volume=1200, band_1_upto=1000)
    path = tmp_path / "register.xlsx"
    path.write_bytes(
        xlsx({"Read me": pd.DataFrame({"notes": ["Quarterly register"]}), "Contracts": frame})
    )
    report = refresh(settings, [path])
    assert report.files[0].outcome == "loaded", report.files[0].message


def test_quoted_newlines_and_mixed_line_endings_load(settings, tmp_path):
    """A value with a line break inside quotes, and CRLF line endings, are read as Excel writes them."""
    row = b.contract(intervention_title="Line one\nline two")
    text = HEADER + "\r\n" + ",".join(f'"{v}"' for v in row.values()) + "\n"
    (tmp_path / "c.csv").write_bytes(text.encode())
    report = refresh(settings, [tmp_path / "c.csv"])
    assert report.files[0].outcome == "loaded", report.files[0].message


def test_other_file_types_named_directly_are_rejected(settings, tmp_path):
    """A PDF given by name is rejected with the endings we accept; in a folder it would be skipped as not data."""
    (tmp_path / "register.pdf").write_bytes(b"%PDF-1.4 nothing")
    report = refresh(settings, [tmp_path / "register.pdf"])
    assert report.files[0].outcome == "rejected"
    assert (
        "Files ending '.pdf' are not accepted. Send CSV (.csv) or Excel (.xlsx) files."
        in report.files[0].message
    )

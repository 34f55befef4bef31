"""Spreadsheet values are read as their sender meant, or refused plainly (issue 13): files mixing two
encodings, formula and error cells however the workbook writes them, percentage cells, binary noise
in number cells, and text a spreadsheet would run as a formula."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import xlsxwriter

from expectations.patterns import FORMULA
from ingest import read
from ingest.read import RejectedFile

HEADER = "reference,name,amount\r\n"


def read_csv(data: bytes):
    return read.read_table(read.Path("f.csv"), data, lambda headers: True)


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_rows():
    data = (HEADER + "A1,Café,1\r\nA2,plain,2\r\n").encode() + "A3,Café,3\r\n".encode("cp1252")
    with pytest.raises(RejectedFile) as refused:
        read_csv(data)
    assert str(refused.value) == (
        "The file mixes two text encodings (UTF-8 in row 2, Windows-1252 in row 4), so letters such "
        "as £ or é would be read wrong. Open it, check those rows, and save it again as "
        "'CSV UTF-8 (Comma delimited)'."
    )


def test_both_encodings_in_one_row_name_that_row():
    data = HEADER.encode() + "A1,Café ".encode() + "Bistro £,1\r\n".encode("cp1252")
    with pytest.raises(RejectedFile, match=r"\(UTF-8 and Windows-1252 in row 2\)"):
        read_csv(data)


def test_windows_1252_alone_and_utf8_alone_still_read():
    text = HEADER + "A1,Women’s café – £5,1\r\n"
    for encoding in ("cp1252", "utf-8"):
        table = read_csv(text.encode(encoding))
        assert table.frame["name"].tolist() == ["Women’s café – £5"], encoding


def workbook(write, edit: tuple[bytes | re.Pattern, bytes] | None = None) -> bytes:
    """A one-sheet workbook ('Data', header in row 1); `edit` rewrites its sheet XML once."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["reference", "name", "amount"])
    sheet.write_row(1, 0, ["A1", "x", 1])
    write(book, sheet)
    book.close()
    data = out.getvalue()
    if edit is None:
        return data
    old, new = edit
    edited = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(edited, "w") as dst:
        for name in src.namelist():
            member = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                changed = (
                    member.replace(old, new) if isinstance(old, bytes) else old.sub(new, member)
                )
                assert changed != member
                member = changed
            dst.writestr(name, member)
    return edited.getvalue()


def read_xlsx(data: bytes):
    return read.read_table(read.Path("f.xlsx"), data, lambda headers: True).frame


def formula_in_c2(book, sheet):
    sheet.write_formula("C2", "=1+1", None, 2)


@pytest.mark.parametrize(
    "edit",
    [
        None,
        (b'<c r="C2"><f>', b'<c s="0" r="C2"><f>'),
        (b'<c r="C2"><f>', b'<c t="n" s="0" r="C2"><f>'),
        (b'<c r="C2"><f>', b"<c r='C2'  s='0'><f  >"),
    ],
    ids=["as xlsxwriter writes it", "style first", "type and style first", "single quotes"],
)
def test_a_formula_cell_is_found_however_its_attributes_are_written(edit):
    with pytest.raises(RejectedFile, match=r"^Sheet 'Data' has formulas \(cell C2\)\."):
        read_xlsx(workbook(formula_in_c2, edit))


def test_a_formula_cell_in_a_prefixed_namespace_is_found():
    data = workbook(formula_in_c2)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml")
    # The same sheet with every element in the 'x:' prefix, as some exporters write it.
    prefixed = re.sub(rb"<(/?)(?!\?)(\w+)", rb"<\1x:\2", xml).replace(b"xmlns=", b"xmlns:x=", 1)
    assert b"<x:f>" in prefixed
    with pytest.raises(RejectedFile, match=r"has formulas \(cell C2\)"):
        read_xlsx(workbook(formula_in_c2, (xml, prefixed)))


def test_an_error_cell_is_refused_not_read_as_empty():
    data = workbook(
        lambda book, sheet: None,
        (re.compile(rb'<c r="B2"[^>]*>.*?</c>'), rb'<c t="e" r="B2"><v>#DIV/0!</v></c>'),
    )
    with pytest.raises(RejectedFile) as refused:
        read_xlsx(data)
    assert str(refused.value) == (
        "Sheet 'Data' has cells showing an error instead of a value (cell B2: #DIV/0!). "
        "Correct those cells, or empty them, and send the file again."
    )


def test_percentage_cells_are_read_as_they_are_shown():
    def percents(book, sheet):
        sheet.write_number("C2", 0.9, book.add_format({"num_format": "0%"}))  # a custom format
        sheet.write_row(2, 0, ["A2", "y"])
        sheet.write_number("C3", 0.855, book.add_format({"num_format": 10}))  # built in: 0.00%
        sheet.write_row(3, 0, ["A3", "z"])
        # A % in quotes or after a backslash is shown as it is: the value is not multiplied.
        sheet.write_number("C4", 90, book.add_format({"num_format": '0"%"'}))
        sheet.write_row(4, 0, ["A4", "w"])
        sheet.write_number("C5", 90, book.add_format({"num_format": "0\\%"}))
        sheet.write_string("B5", "0.5", book.add_format({"num_format": "0%"}))  # text: as typed

    frame = read_xlsx(workbook(percents))
    assert frame["amount"].tolist() == ["90%", "85.5%", "90", "90"]
    assert frame["name"].tolist() == ["x", "y", "z", "0.5"]


def test_binary_noise_is_read_as_excel_shows_it_and_a_real_third_decimal_is_kept():
    def noisy(book, sheet):
        sheet.write_number("C2", 51150.00000000001)
        for row, value in enumerate((0.30000000000000004, 3809.9999999999995, 51150.005), start=2):
            sheet.write_row(row, 0, [f"A{row}", "x", value])

    frame = read_xlsx(workbook(noisy))
    assert frame["amount"].tolist() == ["51150", "0.3", "3810", "51150.005"]


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ("-5", False),
        ("-5.5", False),
        ("-1,200.50", False),
        ("-5%", False),
        ("-.5", False),
        ("-", False),
        ("- see the notes", False),
        ("5-3", False),
        ("=1+1", True),
        ("+1", True),
        ("@SUM(A1)", True),
        ("-A1", True),
        ("-2+3", True),
        ("-1+cmd|' /C calc'!A0", True),
        ("-5 people", True),
    ],
)
def test_formula_screening_lets_negative_numbers_through_and_nothing_else_starting_with_minus(
    value, formula
):
    assert bool(re.match(FORMULA, value)) is formula

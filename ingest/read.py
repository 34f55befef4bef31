"""Reading a received file into a table of text, or rejecting it with a plain-English reason.

Accepted: CSV (UTF-8 with or without BOM, or Windows-1252 as Excel saves it) and XLSX. Every value
is read as text; types are given later, by the source's layout (ingest/sources/). Nothing is
guessed from the data.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from expectations.patterns import masked, quoted

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# Other kinds of file people send by mistake, by their first bytes.
OTHER_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"GIF8": "a GIF picture",
    b"{\\rtf": "a Word (RTF) document",
}
TEXT_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx"}


class RejectedFile(Exception):
    """A file that cannot be loaded; str() is the plain-English reason."""


@dataclass
class RawTable:
    """A file's contents as text: one column per header, '' for empty cells."""

    frame: pd.DataFrame
    file_format: str  # csv | xlsx
    encoding: str | None = None
    sheet: str | None = None

    @property
    def headers(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def read_table(path: Path, data: bytes, matches_header) -> RawTable:
    """Read `data` (the bytes of `path`). `matches_header(headers)` says whether a sheet's header is one we know."""
    suffix = path.suffix.lower()
    if not data.strip():
        raise RejectedFile("The file is empty.")
    if data.startswith(ZIP_MAGIC):
        if suffix in TEXT_SUFFIXES:
            raise RejectedFile(
                f"The file is named '{path.name}' but it is an Excel or other zipped file, not CSV text. "
                "Save it as 'CSV UTF-8' or give it the .xlsx ending."
            )
        return _read_xlsx(data, matches_header)
    if data.startswith(OLE_MAGIC):
        raise RejectedFile(
            "This is an old-style Excel file (.xls). Save it as .xlsx or as 'CSV UTF-8' and send it again."
        )
    if suffix in EXCEL_SUFFIXES:
        raise RejectedFile(
            f"The file is named '{path.name}' but it is not an Excel workbook. Check it is the file you meant to send."
        )
    if suffix not in TEXT_SUFFIXES:
        raise RejectedFile(
            f"Files ending '{suffix or '(none)'}' are not accepted. Send CSV (.csv) or Excel (.xlsx) files."
        )
    text, encoding = _decode(data, path.name)
    # UTF-8 bytes are what pyarrow reads: hand over the file's own rather than encode the text again.
    utf8 = data.removeprefix(b"\xef\xbb\xbf") if encoding.startswith("utf-8") else None
    return RawTable(_parse_csv(text, utf8), "csv", encoding=encoding)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for magic, what in OTHER_MAGIC.items():
        if data.startswith(magic):
            raise RejectedFile(
                f"The file is named '{name}' but it is {what}, not CSV text. Send the data as CSV (.csv) or Excel (.xlsx)."
            )
    head = data[:4096]
    # UTF-16 text has a byte-order mark, or a zero byte beside most letters; a few zero bytes mean binary.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") >= len(head) // 4
    if b"\x00" in head and not utf16:
        raise RejectedFile(
            f"The file is named '{name}' but it is not text: it may be a picture, a PDF or another kind of "
            "document. Send the data as CSV (.csv) or Excel (.xlsx)."
        )
    if utf16:
        raise RejectedFile(
            "The file is saved as UTF-16 ('Unicode text'), which is not accepted. In Excel choose "
            "'Save as' then 'CSV UTF-8 (Comma delimited)'."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(
            b"\xef\xbb\xbf"
        ) else "utf-8"
    except UnicodeDecodeError:
        _refuse_mixed_encodings(data)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:
        raise RejectedFile(
            f"The file's text encoding is not UTF-8 or Windows-1252 (byte {e.start + 1} cannot be read). "
            "In Excel choose 'Save as' then 'CSV UTF-8 (Comma delimited)'."
        ) from None


# A character written as UTF-8 (two to four bytes). Text saved as Windows-1252 practically never holds
# one: it would be a capital accented letter followed at once by a symbol, as in 'Ã©' (UTF-8's 'é').
_UTF8_CHARACTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _refuse_mixed_encodings(data: bytes) -> None:
    """Refuse a file that is not UTF-8 but holds UTF-8 characters: rows pasted together from a 'CSV
    UTF-8' and an older 'CSV' file. Read as Windows-1252, its UTF-8 letters would load garbled."""
    if not _UTF8_CHARACTER.search(data):
        return
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return  # not Windows-1252 either: refused as an unknown encoding
    # Undecodable bytes become lone surrogates (U+DC80-U+DCFF), so each record shows which it holds.
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    utf8_row = other_row = None
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            cell = "".join(record)
            if other_row is None and re.search("[\udc80-\udcff]", cell):
                other_row = number
            if utf8_row is None and re.search("[^\x00-\x7f\udc80-\udcff]", cell):
                utf8_row = number
            if utf8_row and other_row:
                break
    except csv.Error:
        pass
    if not (utf8_row and other_row):
        return
    where = (
        f"UTF-8 and Windows-1252 in row {utf8_row}"
        if utf8_row == other_row
        else f"UTF-8 in row {utf8_row}, Windows-1252 in row {other_row}"
    )
    raise RejectedFile(
        f"The file mixes two text encodings ({where}), so letters such as £ or é would be read wrong. "
        "Open it, check those rows, and save it again as 'CSV UTF-8 (Comma delimited)'."
    )


def _parse_csv(text: str, utf8: bytes | None = None) -> pd.DataFrame:
    """`utf8`: the same text as UTF-8 without a byte order mark, if the file already is (else made)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in first:
        for name, sep in (("semicolons", ";"), ("tabs", "\t"), ("pipes", "|")):
            if sep in first:
                raise RejectedFile(
                    f"The columns are separated by {name}, not commas. Save the file as 'CSV UTF-8 (Comma delimited)'."
                )
    if (
        text.count('"') % 2
    ):  # quotes inside values are doubled, so an odd count means one never closed
        raise RejectedFile(
            "The file ends inside a quoted value: it may have been cut short, or a quote mark is not closed."
        )
    fast = _parse_csv_fast(text, utf8)
    return _tidy(fast) if fast is not None else _parse_csv_strict(text)


def _parse_csv_strict(text: str) -> pd.DataFrame:
    """Python's csv module, strict: slow, but it says which row is wrong and how."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as e:
        if "unexpected end of data" in str(e) or "EOF" in str(e):
            raise RejectedFile(
                "The file ends inside a quoted value: it may have been cut short, or a quote mark is not closed."
            ) from None
        raise RejectedFile(
            f"The file could not be read as CSV near record {reader.line_num} ({e})."
        ) from None
    if not records:
        raise RejectedFile("The file is empty.")
    header, rows = records[0], records[1:]
    width = len(header)
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            rows[number - 2] = [""] * width  # a blank line keeps its row number
        elif len(row) < width and number == len(rows) + 1:
            raise RejectedFile(
                f"The last row (row {number}) has only {len(row)} of the {width} values: the file may have been cut short."
            )
        elif len(row) != width:
            raise RejectedFile(
                f"Row {number} has {len(row)} values but the header has {width} columns. "
                "Check that row for a stray comma, or a value with a comma that is not in quotes."
            )
    frame = (
        pd.DataFrame(rows, columns=header, dtype=str)
        if rows
        else pd.DataFrame(columns=header, dtype=str)
    )
    return _tidy(frame)


# A quote mark after the start of a value and followed by more of it: text after a closing quote,
# which the strict reader refuses and pyarrow joins on, or a bare value with a quote inside.
_QUOTE_INSIDE_A_VALUE = re.compile(r'"(?<=[^,\r\n]")[^,\r\n"]')  # the quote first: found quickly


def _parse_csv_fast(text: str, utf8: bytes | None = None) -> pd.DataFrame | None:
    """The same table as _parse_csv_strict, read by pyarrow's C++ CSV parser; None if it cannot.

    Python's csv module holds every cell as a Python string (about 2 GB at a million referrals) and is
    several times slower. pyarrow reads a well-formed file straight into columns of text. Anything it
    finds wrong (a row of the wrong width, a blank line, a quoting error), and any header it could
    treat differently (empty or repeated names), goes to the strict reader, which words the rejection
    or keeps the blank row's number. tests/unit/test_read_fast.py checks the two readers agree.
    """
    text = text.removeprefix("\ufeff")
    if '"' in text and _QUOTE_INSIDE_A_VALUE.search(text):
        return None
    try:
        # The header is in the first line (a longer one comes out cut short, and is refused below).
        header = next(csv.reader(io.StringIO(text[:65536], newline=""), strict=True))
    except (csv.Error, StopIteration):
        return None
    if not header or "" in [name.strip() for name in header] or len(set(header)) != len(header):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8") if utf8 is None else utf8),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, pa.ArrowNotImplementedError):
        return None
    if table.column_names != header:
        return None
    return table.to_pandas()


def _read_xlsx(data: bytes, matches_header) -> RawTable:
    try:
        sheets = pd.read_excel(
            io.BytesIO(data), sheet_name=None, dtype=str, engine="calamine", header=0
        )
    except Exception:  # noqa: BLE001 - calamine raises several types for a corrupt workbook
        raise RejectedFile(
            "The file could not be opened as an Excel workbook: it may be damaged or cut short."
        ) from None
    sheets = {name: _tidy(frame.fillna("")) for name, frame in sheets.items()}
    sheets = {name: frame for name, frame in sheets.items() if len(frame.columns)}
    if not sheets:
        raise RejectedFile("The workbook has no data on any sheet.")
    known = [
        name for name, frame in sheets.items() if matches_header([str(c) for c in frame.columns])
    ]
    if len(known) == 1:
        name = known[0]
    elif len(sheets) == 1:
        name = next(iter(sheets))
    elif not known:
        raise RejectedFile(
            f"The workbook has {len(sheets)} sheets ({', '.join(masked(s, 'sheet name') for s in sheets)}) and none has the header of a file we accept. "
            "Put the data on one sheet with the column names in the first row."
        )
    else:
        raise RejectedFile(
            f"The workbook has several sheets with data ({', '.join(masked(s, 'sheet name') for s in known)}). "
            "Send one sheet per file."
        )
    formulas, percents, errors = _sheet_cells(data, name)
    if formulas:
        cells = ", ".join(formulas[:5]) + (
            f" and {len(formulas) - 5:,} more" if len(formulas) > 5 else ""
        )
        raise RejectedFile(
            f"Sheet {quoted(name, 'sheet name')} has formulas (cell{'s' if len(formulas) > 1 else ''} {cells}). Only typed values "
            "are read, and a formula's saved result may be missing or out of date: copy the sheet, paste it "
            "back with Paste Special then Values, and send the file again."
        )
    if errors:
        shown = ", ".join(f"{ref}: {value}" for ref, value in errors[:5]) + (
            f" and {len(errors) - 5:,} more" if len(errors) > 5 else ""
        )
        raise RejectedFile(
            f"Sheet '{name}' has cells showing an error instead of a value (cell{'s' if len(errors) > 1 else ''} "
            f"{shown}). Correct those cells, or empty them, and send the file again."
        )
    frame = _as_shown(sheets[name], percents)
    # Values formatted by Excel: whole numbers come back as "12.0" from numeric cells.
    frame = frame.apply(lambda col: col.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True))
    return RawTable(frame, "xlsx", sheet=name)


def _as_shown(frame: pd.DataFrame, percents: list[tuple[int, int]]) -> pd.DataFrame:
    """Number cells as Excel shows them, which is what their sender meant.

    Excel shows at most 15 significant digits, so the binary noise of a pasted calculation
    (51150.00000000001) is not part of the value; a cell formatted as a percentage holds 0.9 but
    shows, and means, 90%."""
    for row, column in percents:  # sheet positions: the header is row 1, column A is 0
        if 0 <= row - 2 < len(frame) and column < len(frame.columns):
            value = frame.iat[row - 2, column]
            if re.fullmatch(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", value):
                frame.iat[row - 2, column] = _fifteen_digits(float(value) * 100) + "%"
    return frame.apply(_without_noise)


def _without_noise(text: pd.Series) -> pd.Series:
    """Long decimals rounded to the 15 significant digits Excel shows (shorter ones are unchanged)."""
    long = text.str.fullmatch(r"-?\d+\.\d+") & (text.str.len() > 16)
    if not long.any():
        return text
    return text.mask(long, text[long].map(lambda v: _fifteen_digits(float(v))))


def _fifteen_digits(value: float) -> str:
    """`value` rounded to the 15 significant digits Excel shows, written without an exponent."""
    shown = format(value, ".15g")
    return format(Decimal(shown), "f") if "e" in shown else shown


# Excel's built-in number formats that show a percentage: 0% and 0.00%.
_PERCENT_FORMATS = {"9", "10"}


def _local(tag: str) -> str:
    """An XML tag without its namespace: Excel, LibreOffice and 'strict' OOXML name them differently."""
    return tag.rsplit("}", 1)[-1]


def _sheet_cells(
    data: bytes, sheet: str
) -> tuple[list[str], list[tuple[int, int]], list[tuple[str, str]]]:
    """The cells of `sheet` calamine cannot describe: references of those holding a formula (calamine
    gives only their saved results), (row, column) of number cells formatted as a percentage, and
    the reference and value of cells holding an error such as #N/A (calamine reads them as empty).

    The sheet is read with an XML parser, so attributes in any order and any namespace prefix are
    understood; a sheet with no formula, no error and no percentage format is not parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
            rel_id = next(
                value
                for element in workbook.iter()
                if _local(element.tag) == "sheet" and element.get("name") == sheet
                for key, value in element.attrib.items()
                if _local(key) == "id"
            )
            target = next(r.get("Target") or "" for r in rels if r.get("Id") == rel_id)
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = book.read(target)
            percent_styles = _percent_styles(book)
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError):
        return [], [], []  # not laid out as Excel writes it; calamine read it, so take its values
    if not percent_styles and not re.search(rb"<(?:[\w.-]+:)?f[\s>/]|t=[\"']e[\"']", xml):
        return [], [], []
    formulas: list[str] = []
    percents: list[tuple[int, int]] = []
    errors: list[tuple[str, str]] = []
    row_number, column = 0, -1
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    column = -1
                continue
            if tag == "c":
                ref = element.get("r") or ""
                letters = re.match(r"[A-Z]+", ref)
                column = _column_index(letters.group()) if letters else column + 1
                children = {_local(child.tag) for child in element}
                ref = ref or f"{_column_letters(column)}{row_number}"
                if "f" in children:
                    formulas.append(ref)
                elif element.get("t") == "e":
                    value = next((c.text for c in element if _local(c.tag) == "v"), None)
                    errors.append((ref, value or "an error"))
                elif element.get("s") in percent_styles and element.get("t") in (None, "n"):
                    percents.append((row_number, column))
                element.clear()
            elif tag == "row":
                element.clear()
    except ElementTree.ParseError:
        pass
    return formulas, percents, errors


def _percent_styles(book: zipfile.ZipFile) -> set[str]:
    """Indexes of the workbook's cell styles whose number format shows a percentage."""
    try:
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    except KeyError:
        return set()
    percent = set(_PERCENT_FORMATS)
    for fmt in styles.iter():
        if _local(fmt.tag) == "numFmt":
            # A % outside quoted text and not escaped by a backslash makes Excel multiply by 100.
            code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode") or "")
            if "%" in code:
                percent.add(fmt.get("numFmtId") or "")
    cell_formats = next((e for e in styles if _local(e.tag) == "cellXfs"), None)
    if cell_formats is None:
        return set()
    return {str(n) for n, xf in enumerate(cell_formats) if xf.get("numFmtId") in percent}


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    # pandas names an empty header cell of a workbook 'Unnamed: 3'; it is empty, as in a CSV.
    frame.columns = ["" if re.fullmatch(r"Unnamed: \d+(\.\d+)?", c) else c for c in frame.columns]
    frame = frame.fillna("").apply(lambda col: col.astype(str).str.strip())
    # Excel leaves rows of empty cells at the end of a sheet. Blank rows inside the data are kept,
    # so row numbers in messages match the file (and a blank row is reported, not silently dropped).
    filled = ~(frame == "").all(axis=1)
    if not filled.any():
        return frame.iloc[0:0]
    return frame.loc[: filled[filled].index.max()].reset_index(drop=True)

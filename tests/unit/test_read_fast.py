"""The fast CSV reader (pyarrow) gives exactly the table the strict reader (Python's csv) gives, or
steps aside so the strict reader can word the rejection: on every example and hostile file, and on
small texts made to sit on the differences between the two parsers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingest import read
from ingest.read import RejectedFile

ROOT = Path(__file__).parents[2]
FILES = sorted((ROOT / "docs" / "examples").glob("*.csv")) + sorted(
    (ROOT / "tests" / "hostile" / "files").glob("*.csv")
)
HEADER = "reference,name,amount\n"
TEXTS = {
    "plain": HEADER + "A1,x,1\nA2,y,2\n",
    "no final newline": HEADER + "A1,x,1\nA2,y,2",
    "windows line ends": HEADER.replace("\n", "\r\n") + "A1,x,1\r\nA2,y,2\r\n",
    "old mac line ends": HEADER.replace("\n", "\r") + "A1,x,1\rA2,y,2\r",
    "quoted comma and newline": HEADER + 'A1,"x, and\ny",1\n',
    "doubled quotes": HEADER + 'A1,"say ""hi""",1\n',
    "quote inside a bare value": HEADER + 'A1,x"y"z,1\n',
    "text after a closing quote": HEADER + 'A1,"x"y,1\n',
    "space before a quote": HEADER + 'A1, "x",1\n',
    "space after a closing quote": HEADER + 'A1,"x" ,1\n',
    "empty quotes then text": HEADER + 'A1,""x,1\n',
    "quote at the end of a bare value": HEADER + 'A1,x",1\n',
    "quoted empty values": HEADER + 'A1,"",""\n',
    "padded values": HEADER + " A1 ,  x  , 1 \n",
    "blank line inside": HEADER + "A1,x,1\n\nA2,y,2\n",
    "blank lines at the end": HEADER + "A1,x,1\n\n\n",
    "spaces-only line": HEADER + "A1,x,1\n   \nA2,y,2\n",
    "commas-only line": HEADER + "A1,x,1\n,,\nA2,y,2\n",
    "a row too wide": HEADER + "A1,x,1,extra\n",
    "a row too narrow": HEADER + "A1,x\nA2,y,2\n",
    "last row cut short": HEADER + "A1,x,1\nA2,y\n",
    "header only": HEADER,
    "byte order mark": "\ufeff" + HEADER + "A1,x,1\n",
    "repeated header": "reference,reference,amount\nA1,x,1\n",
    "empty header name": "reference,,amount\nA1,x,1\n",
    "padded header": " reference , name,amount \nA1,x,1\n",
    "non-ascii": HEADER + "A1,Llanelli – Caerfyrddin £,1\n",
    "NA-looking values": HEADER + "NA,null,NaN\nN/A,None,#N/A\n",
    "NUL inside a value": HEADER + "A1,x\x00y,1\n",
    "unicode line separator": HEADER + 'A1,x\u2028y,1\nA2,"p\rq",2\n',
}


def outcome(text: str) -> pd.DataFrame | str:
    try:
        return read._parse_csv(text)
    except RejectedFile as error:
        return f"rejected: {error}"


def same(fast: pd.DataFrame | str, strict: pd.DataFrame | str) -> None:
    if isinstance(strict, str) or isinstance(fast, str):
        assert fast == strict
    else:
        pd.testing.assert_frame_equal(fast, strict)


def outcomes(text: str, monkeypatch) -> tuple[pd.DataFrame | str, pd.DataFrame | str]:
    fast = outcome(text)
    with monkeypatch.context() as m:
        m.setattr(read, "_parse_csv_fast", lambda *args: None)
        strict = outcome(text)
    return fast, strict


@pytest.mark.parametrize("name", list(TEXTS))
def test_the_fast_reader_agrees_with_the_strict_one_on_awkward_text(name, monkeypatch):
    fast, strict = outcomes(TEXTS[name], monkeypatch)
    same(fast, strict)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_fast_reader_agrees_with_the_strict_one_on_every_example_and_hostile_file(
    path, monkeypatch
):
    try:
        text, _ = read._decode(path.read_bytes(), path.name)
    except RejectedFile:
        pytest.skip("not text: rejected before either reader runs")
    fast, strict = outcomes(text, monkeypatch)
    same(fast, strict)


def test_well_formed_files_take_the_fast_path():
    """Otherwise the agreement above would hold only because the strict reader always ran."""
    examples = sorted((ROOT / "docs" / "examples").glob("*.csv"))
    assert examples
    for path in examples:
        text, _ = read._decode(path.read_bytes(), path.name)
        assert read._parse_csv_fast(text) is not None, path.name
    for name in ("plain", "windows line ends", "quoted comma and newline", "byte order mark"):
        assert read._parse_csv_fast(TEXTS[name]) is not None, name
    for name in (
        "text after a closing quote",
        "a row too wide",
        "repeated header",
        "empty header name",
    ):
        assert read._parse_csv_fast(TEXTS[name]) is None, name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "a row too narrow",
            "rejected: Row 2 has 2 values but the header has 3 columns. Check that row for a stray "
            "comma, or a value with a comma that is not in quotes.",
        ),
        (
            "last row cut short",
            "rejected: The last row (row 3) has only 2 of the 3 values: the file may have been cut short.",
        ),
    ],
)
def test_both_readers_refuse_a_row_with_fewer_values_than_the_header(name, message, monkeypatch):
    """docs/data-contracts.md: a short row is refused, never read with its missing cells empty."""
    assert outcomes(TEXTS[name], monkeypatch) == (message, message)

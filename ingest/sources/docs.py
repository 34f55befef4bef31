"""The column tables of docs/data-contracts.md, written from the layouts (ingest/sources/*.toml), so
the page and the files the monitor reads cannot disagree.

Each table sits between two marker comments, `<!-- columns: NAME ... -->` and
`<!-- end columns: NAME -->`; everything outside them is written by hand and kept as it is.
Run `make docs` (`python -m ingest.sources.docs`) after editing a layout; `tests/unit/test_docs.py`
fails while the page and the layouts disagree.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ingest.sources import Column, Source, all_sources

PAGE = Path("docs") / "data-contracts.md"

# The type of each column as the page's "How to write values" table names it.
TYPE_NAMES = {
    "code": "code",
    "text": "text",
    "list": "list",
    "date": "date",
    "timestamp": "date and time",
    "integer": "whole number",
    "number": "number",
    "money": "amount in pounds",
    "yesno": "yes/no",
    "quarter": "quarter",
    "crn": "case reference number",
    "answer": "yes / no / not sure",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _meaning(column: Column) -> str:
    meaning = column.description
    if column.drop:
        meaning = f"**Not kept.** {meaning}"
    if column.identifier:
        meaning += f" **Replaced by a keyed hash** (`{column.target}`) before anything is written."
    return meaning


def _required(column: Column) -> str:
    if column.required:
        return "required"
    return "optional, may be left out" if column.may_be_absent else "optional"


def column_table(source: Source) -> str:
    """The Markdown table of a layout's columns: name, type, required, meaning, example."""
    lines = [
        "| column | type | required | meaning | example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in source.columns:
        example = f"`{_cell(c.example)}`" if c.example else ""
        cells = (f"`{c.name}`", TYPE_NAMES[c.type], _required(c), _cell(_meaning(c)), example)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _begin(name: str) -> str:
    return (
        f"<!-- columns: {name} (written from ingest/sources/{name}.toml by `make docs`: "
        "edit the layout, not this table) -->"
    )


def _end(name: str) -> str:
    return f"<!-- end columns: {name} -->"


def with_tables(page: str) -> str:
    """The page with every layout's table written afresh between its markers."""
    for name, source in all_sources().items():
        pattern = re.compile(
            rf"^<!-- columns: {name} .*?-->\n.*?^{re.escape(_end(name))}$", re.M | re.S
        )
        found = list(pattern.finditer(page))
        if len(found) != 1:
            raise ValueError(
                f"docs/data-contracts.md must have the markers of the {name} table once "
                f"('{_begin(name)}' ... '{_end(name)}'), not {len(found)} times."
            )
        block = f"{_begin(name)}\n\n{column_table(source)}\n\n{_end(name)}"
        page = page[: found[0].start()] + block + page[found[0].end() :]
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", nargs="?", type=Path, default=PAGE, help=f"default: {PAGE}")
    args = parser.parse_args(argv)
    old = args.page.read_text("utf-8")
    new = with_tables(old)
    if new == old:
        print(f"{args.page}: the column tables already match the layouts.")
    else:
        args.page.write_text(new, "utf-8")
        print(f"{args.page}: column tables written from ingest/sources/*.toml.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

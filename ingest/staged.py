"""A received CSV file read, typed and hashed by DuckDB inside the warehouse version being built, so
that no copy of the whole file is ever held in memory: the path every well-formed CSV file takes.

DuckDB's CSV reader reads every cell as text, strictly (a row of the wrong width, a quote left open or
bytes that are not UTF-8 stop it), and the cells are typed in SQL (ingest.typed_sql) as they are read.
A file it cannot read that way, or whose rows are not one line each (a quoted cell spanning lines,
blank lines at the end), is read by ingest.read instead, which words the rejection or keeps the right
row numbers; its text is then typed by the same SQL.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ingest.identify import normalise, personal_columns
from ingest.read import OLE_MAGIC, OTHER_MAGIC, ZIP_MAGIC
from ingest.sources import Source
from ingest.transform import HEADER_ROWS
from ingest.typed_sql import hmac_sql, stripped, typed_query

TYPED = "incoming_typed"  # a temporary table of the run's connection: never in the warehouse file
# The reader's NULL text: one no file holds, so that an empty cell reads as '' and only a cell missing
# from a short row reads as NULL.
NO_CELL = "\x01\x02"
CHUNK = 1 << 24
HEAD = 1 << 16


@dataclass
class Scanned:
    """What one pass over a file's bytes tells, without keeping them."""

    sha256: str
    size: int
    lines: int  # records the file would have if no cell spans lines
    headers: list[str] | None  # None unless the first line is a plain UTF-8 CSV header


def scan(path: Path) -> Scanned:
    digest = hashlib.sha256()
    size = newlines = 0
    head = b""
    last = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            head = head or chunk[:HEAD]
            digest.update(chunk)
            size += len(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    lines = newlines + (1 if last not in (b"", b"\n") else 0)
    return Scanned(digest.hexdigest(), size, lines, _header(head))


def _header(head: bytes) -> list[str] | None:
    """The header of a file that looks like UTF-8 CSV text, or None (it is then read by ingest.read)."""
    if head.startswith((ZIP_MAGIC, OLE_MAGIC, b"\xff\xfe", b"\xfe\xff", *OTHER_MAGIC)):
        return None
    if b"\x00" in head[:4096] or b"\n" not in head:
        return None
    line = head.split(b"\n", 1)[0].removesuffix(b"\r")
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if '"' in text or "," not in text:
        return None
    headers = [h.replace("\ufeff", "").strip() for h in next(csv.reader(io.StringIO(text)))]
    names = [normalise(h) for h in headers]
    if "" in headers or len(set(names)) != len(names):
        return None
    return headers


def can_open(path: Path) -> bool:
    """Whether DuckDB can open the file by its path: a path that is not UTF-8 (a byte of another
    encoding in a file name) cannot be passed to it, so such a file is read by ingest.read."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _relation(path: Path, width: int) -> str:
    """DuckDB's strict reading of the file as text: columns c0, c1, ... and one more for any cell
    beyond the header's width (DuckDB ignores empty cells there; the strict reader refuses the row)."""
    columns = ", ".join(f"'c{n}': 'VARCHAR'" for n in range(width + 1))
    name = str(path).replace("'", "''")
    return (
        f"read_csv('{name}', columns = {{{columns}}}, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', null_padding = true, strict_mode = true, "
        f"nullstr = '{NO_CELL}', encoding = 'utf-8')"
    )


def _text_of(source: Source, headers: list[str]) -> dict[str, str]:
    position = {normalise(h): n for n, h in enumerate(headers)}
    return {c.name: f"c{position[c.name]}" for c in source.kept if c.name in position}


def read_typed(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    scanned: Scanned,
    key: bytes,
) -> int | None:
    """Read the file straight into the typed temporary table; its number of rows, or None if DuckDB
    cannot read it as a well-formed file of one line per row (nothing is left behind then). A disk or
    memory failure is raised, not taken as a file to read whole."""
    headers = scanned.headers or []
    width = len(headers)
    misshapen = f"(c{width} IS NOT NULL OR c{width - 1} IS NULL) AS __misshapen"
    relation = f"(SELECT *, {misshapen} FROM {_relation(path, width)})"  # noqa: S608
    query = typed_query(source, _text_of(source, headers), key, relation, keep=["__misshapen"])
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {TYPED} AS {query}")
        rows, misshapen_rows = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE __misshapen) FROM {TYPED}"  # noqa: S608
        ).fetchone() or (0, 0)
    except (duckdb.IOException, duckdb.OutOfMemoryException):
        raise  # a full disk or no memory left: the run stops and says so (pipeline._storage_problem)
    except duckdb.Error:
        drop(con)
        return None
    if misshapen_rows or rows + HEADER_ROWS != scanned.lines:
        drop(con)
        return None
    con.execute(f"ALTER TABLE {TYPED} DROP COLUMN __misshapen")
    return int(rows)


def typed_from_frame(
    con: duckdb.DuckDBPyConnection, source: Source, raw: pd.DataFrame, key: bytes
) -> int:
    """The typed temporary table from a file read by ingest.read (cells already stripped)."""
    names = {c.name for c in source.kept}
    text = raw[[c for c in raw.columns if c in names]]
    text = text.loc[:, ~text.columns.duplicated()].astype(str)
    con.register("incoming_text", text)
    try:
        query = typed_query(source, {c: f'"{c}"' for c in text.columns}, key, "incoming_text")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {TYPED} AS {query}")
    finally:
        con.unregister("incoming_text")
    return len(raw)


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {TYPED}")


def _kept_columns(source: Source, headers: list[str]) -> list[tuple[int, str, str]]:
    """(position, name, what becomes of it) for each column of the file its source knows."""
    allowed = tuple(c.name for c in source.columns if c.identifier)
    out = []
    for n, header in enumerate(headers):
        name = normalise(header)
        if name not in source.headers:
            continue
        spec = source.column(name)
        if spec.identifier:
            out.append((n, name, "hash"))
        elif spec.drop or personal_columns([name], allowed):
            out.append((n, name, "remove"))
        else:
            out.append((n, name, "keep"))
    return out


def write_copy(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    headers: list[str],
    key: bytes,
    out: Path,
    scan: bool,
    sanitise,
) -> None:
    """The file as kept by the product (pipeline.sanitised), written to `out` without holding it:
    by DuckDB for an accepted file; for a rejected one (scan=True, whose cells are searched for
    identifiers by Python's regular expressions) in batches through `sanitise`. `con`: the run's
    connection, so that the copy shares its memory limit (a cursor of it does the work)."""
    with con.cursor() as cursor:
        _write_copy(cursor, path, source, headers, key, out, scan, sanitise)


def _write_copy(con, path, source, headers, key, out, scan, sanitise) -> None:
    kept = _kept_columns(source, headers)
    relation = _relation(path, len(headers))
    if not scan:
        columns = []
        for n, name, fate in kept:
            text = stripped(f"c{n}")
            value = {
                "hash": f"CASE WHEN {text} <> '' THEN {hmac_sql(f'upper({text})', key)} END",
                "remove": "'[removed]'",
                "keep": f"nullif({text}, '')",
            }[fate]
            columns.append(f'{value} AS "{name}"')
        target = str(out).replace("'", "''")
        con.execute(
            f"COPY (SELECT {', '.join(columns)} FROM {relation}) TO '{target}' (HEADER, DELIMITER ',')"  # noqa: S608
        )
        return
    select = ", ".join(f'{stripped(f"c{n}")} AS "{name}"' for n, name, _ in kept)
    batches = con.sql(f"SELECT {select} FROM {relation}").to_arrow_reader(100_000)  # noqa: S608
    with out.open("w", encoding="utf-8", newline="") as f:
        header = True
        for batch in batches:
            sanitise(batch.to_pandas()).to_csv(f, index=False, header=header)
            header = False
        if header:
            pd.DataFrame(columns=[name for _, name, _ in kept]).to_csv(f, index=False)

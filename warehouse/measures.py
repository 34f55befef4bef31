"""The measures the dashboard needs, as SQL views in warehouse/sql/ (one file each, run in name order).

Views are re-created at every publish, so a published version always carries the measures of the
code that built it. Formulas are in each file's header comment and in docs/measures.md.
"""

from __future__ import annotations

from importlib import resources

import duckdb


def view_files() -> list[tuple[str, str]]:
    folder = resources.files("warehouse").joinpath("sql")
    return sorted(
        (e.name, e.read_text("utf-8")) for e in folder.iterdir() if e.name.endswith(".sql")
    )


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    for _, sql in view_files():
        con.execute(sql)

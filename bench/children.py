"""The measured programs other than `rpd ingest`, each run as its own process by bench/run.py so that
wall time and peak memory are measured the same way for all three:

    python -m bench.children bare   FILE OUT.duckdb              # the limit: DuckDB read_csv, no checks
    python -m bench.children naive  FILE OUT.duckdb WAREHOUSE DAY  # pandas + the same GX suite + DuckDB
    python -m bench.children page   WAREHOUSE PAGE REPEATS       # one page's queries, cold then warm (JSON)
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path


def bare(path: Path, out: Path) -> None:
    """What DuckDB alone needs to load the file into a table: no checks, types as it guesses them."""
    import duckdb

    con = duckdb.connect(str(out))
    con.execute("CREATE TABLE referrals AS SELECT * FROM read_csv(?, header = true)", [str(path)])
    con.execute("CHECKPOINT")
    con.close()


def naive(path: Path, out: Path, warehouse: Path, today: dt.date) -> None:
    """What a data officer would write: pandas.read_csv of the whole file, the product's own Great
    Expectations suite for the file's source (the same expectations, built from expectations/ by
    expectations.runner.build_suite with the helper columns its rules read), validated by Great
    Expectations' pandas engine on the whole frame in one call with its default result format, then the
    frame inserted into DuckDB. So that every expectation of the product's suite runs (80 for this file),
    each typed column also gets the product's `<column>__unreadable` helper: the cells pandas could not
    read as their type (none, when pandas read the whole column as its type). None of the product's own ways of running the suite (columns grouped per
    expectation, nanosecond dates, failing rows collected), no CRN hashing, no sanitised copy, no Data
    Docs, no check results kept, no versioned publish: those are what `rpd ingest` adds."""
    import duckdb
    import great_expectations as gx
    import pandas as pd

    from expectations.report import UNREADABLE
    from expectations.runner import build_suite
    from ingest.load import check_context
    from ingest.sources import source

    layout = source("referrals_performance_report")
    kept = list(layout.kept)
    dates = [c.name for c in kept if c.type in ("timestamp", "date")]
    frame = pd.read_csv(
        path,
        usecols=[c.name for c in kept],
        parse_dates=dates,
        date_format="ISO8601",
        dtype={c.name: "string" for c in kept if c.type in ("code", "text", "crn", "quarter")},
        true_values=["true", "yes"],
        false_values=["false", "no"],
    )
    frame = frame.rename(columns={c.name: c.target for c in kept})
    for c in kept:
        if c.type in ("code", "text", "list", "quarter"):
            continue  # the product keeps these as text: nothing to be unreadable
        column = frame[c.target]
        unreadable = pd.Series(None, index=frame.index, dtype=object)
        if column.dtype == object and c.type in ("date", "timestamp", "integer", "number"):
            read = (
                pd.to_datetime(column, errors="coerce", format="ISO8601")
                if c.type in ("date", "timestamp")
                else pd.to_numeric(column, errors="coerce")
            )
            unreadable = column.where(column.notna() & read.isna(), None)
            frame[c.target] = read
        frame[c.target + UNREADABLE] = unreadable
    frame["source_row"] = range(2, len(frame) + 2)
    frame["referral_month"] = frame["referred_at"].dt.to_period("M").dt.start_time
    frame["source_shape"] = layout.name
    with duckdb.connect(str(warehouse), read_only=True) as con:
        context = check_context(con, today)
    suite, checked = build_suite(layout, frame, context)
    batch = (
        gx.get_context(mode="ephemeral")
        .data_sources.add_pandas("naive")
        .add_dataframe_asset("file")
        .add_batch_definition_whole_dataframe("whole_file")
        .get_batch(batch_parameters={"dataframe": checked})
    )
    result = batch.validate(suite)
    failed = sum(not r.success for r in result.results)
    print(f"checks: {len(result.results)} run, {failed} failed")
    con = duckdb.connect(str(out))
    con.register("frame", frame)
    con.execute("CREATE TABLE referrals AS SELECT * FROM frame")
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    what, *args = sys.argv[1:]
    if what == "bare":
        bare(Path(args[0]), Path(args[1]))
    elif what == "naive":
        naive(Path(args[0]), Path(args[1]), Path(args[2]), dt.date.fromisoformat(args[3]))
    elif what == "page":
        from bench.pages import time_page

        print(json.dumps(time_page(args[0], args[1], int(args[2]))))
    else:
        raise SystemExit(f"unknown: {what}")


if __name__ == "__main__":
    main()

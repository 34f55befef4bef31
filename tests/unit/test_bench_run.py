"""The benchmark's guards (bench/run.py): a measured process that needs more memory than the cap, or more
time than the guard, is stopped cleanly and reported as not finishing, with the time it ran; the report
says so in words, and pages are not timed where the file was not loaded."""

from __future__ import annotations

import sys

import pytest

from bench import run


@pytest.fixture
def guard(monkeypatch):
    monkeypatch.setitem(run.GUARD, "memory", 2 * 2**30)
    monkeypatch.setitem(run.GUARD, "seconds", 60.0)
    return run.GUARD


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_process_over_the_memory_cap_fails_there_and_is_reported_stopped(guard, tmp_path):
    """3 GiB asked of a 2 GiB cap: Python's MemoryError at once (the machine's memory is never used)."""
    m = run.measure(_python("b = bytearray(3 * 2**30)"), {}, tmp_path / "log")
    assert m.status == "stopped: over the 2 GiB memory cap"
    assert m.peak_rss < 2 * 2**30
    assert m.seconds < 30


def test_within_the_cap_a_process_runs_as_usual(guard, tmp_path):
    """1 GiB under a 2 GiB cap: finished; a plain failure keeps its exit code."""
    assert run.measure(_python("b = bytearray(2**30)"), {}, tmp_path / "log").status == "ok"
    assert (
        run.measure(_python("raise SystemExit(3)"), {}, tmp_path / "log").status
        == "failed (exit 3)"
    )


def test_a_process_over_the_time_guard_is_stopped(guard, tmp_path):
    guard["seconds"] = 1.0
    m = run.measure(_python("import time; time.sleep(30)"), {}, tmp_path / "log")
    assert m.status == "stopped: over 1 s"
    assert 1.0 <= m.seconds < 10


@pytest.mark.parametrize(
    ("output", "status"),
    [
        ("duckdb.OutOfMemoryException: Out of Memory Error: failed to allocate", "memory"),
        ("terminate called after throwing an instance of 'std::bad_alloc'", "memory"),
        (
            "pyarrow.lib.ArrowMemoryError: malloc of size 64 failed: Cannot allocate memory",
            "memory",
        ),
        ("ValueError: no such column", "exit"),
    ],
)
def test_out_of_memory_is_told_from_other_failures(guard, output, status):
    expected = {
        "memory": "stopped: over the 2 GiB memory cap",
        "exit": "failed (exit 1)",
    }[status]
    assert run.outcome_of_failure(1, output) == expected


def test_finishing_where_naive_was_stopped_counts_as_faster():
    """At 10M ours finished in 90 s (3x the bare 30 s: over issue 14's 2x) and naive was stopped by the
    memory cap: ours is faster than naive there. At 1M, 10 s against a bare 3 s is over the 3x target."""
    prepared = {s: run.Prepared(s, None, None, 10, 10, None) for s in ("1M", "10M")}  # type: ignore[arg-type]
    rows = [
        _ingest("1M", "limit", 3.0),
        _ingest("1M", "ours", 10.0),
        _ingest("1M", "naive", 12.0),
        _ingest("10M", "limit", 30.0),
        _ingest("10M", "ours", 90.0),
        _ingest("10M", "naive", 20.0, "stopped: over the 6 GiB memory cap", 5900),
    ]
    lines = run.targets(["1M", "10M"], lambda *a, **k: None, prepared, rows)
    assert (
        "| ingest ≤ 3× the bare DuckDB load | 1M | 3.33× | **no**: 1.1 times the target |" in lines
    )
    assert (
        "| ingest ≤ 2× the bare DuckDB load | 10M | 3.00× | **no**: 1.5 times the target |" in lines
    )
    assert (
        "| ingest faster than the naive alternative | 10M | ours finished; naive stopped: over the "
        "6 GiB memory cap | yes |" in lines
    )


def test_targets_say_the_product_did_not_finish_at_10m():
    """ours stopped at 10M by the cap: the ingest targets there say so, and the page targets are read at the
    largest size whose pages were timed (1M), saying that too."""
    prepared = {s: run.Prepared(s, None, None, 10, 10, None) for s in ("1M", "10M")}  # type: ignore[arg-type]
    rows = [
        _ingest("1M", "limit", 3.0),
        _ingest("1M", "ours", 6.0),
        _ingest("1M", "naive", 12.0),
        _ingest("10M", "limit", 30.0),
        _ingest("10M", "ours", 80.0, "stopped: over the 6 GiB memory cap", 6000),
        _ingest("10M", "naive", 20.0, "stopped: over the 6 GiB memory cap", 5900),
        _page("1M", "scan:warm", 0.1),
        _page("1M", "volume:warm", 0.2),
        _page("1M", "volume:cold", 0.5),
    ]

    def median(section, size, what, key="seconds"):
        found = [
            float(r[key])
            for r in rows
            if (r["section"], r["size"], r["what"], r["status"]) == (section, size, what, "ok")
        ]
        return sorted(found)[len(found) // 2] if found else None

    lines = run.targets(["1M", "10M"], median, prepared, rows)
    assert "| ingest ≤ 3× the bare DuckDB load | 1M | 2.00× | yes |" in lines
    assert (
        "| ingest ≤ 2× the bare DuckDB load | 10M | ours stopped: over the 6 GiB memory cap | **no** |"
        in lines
    )
    assert "| ingest faster than the naive alternative | 1M | 0.50× | yes |" in lines
    assert (
        "| peak memory of ingest < 2 GiB | 10M | ≥6,000 MiB (stopped) | **no**: over 2.9 times the target |"
        in lines
    )
    assert (
        "| pages (below) | 10M | not timed at 10M: figures at 1M, the largest size timed | – |"
        in lines
    )
    assert "| page warm ≤ 3× one bare scan | volume, 1M | 2.00× | yes |" in lines
    assert "| page cold ≤ 10× one bare scan | volume, 1M | 5.00× | yes |" in lines


def _ingest(size: str, what: str, seconds: float, status: str = "ok", peak: float = 100) -> dict:
    return {
        "section": "ingest",
        "size": size,
        "what": what,
        "rep": 1,
        "seconds": seconds,
        "peak_rss_mib": peak,
        "status": status,
    }


def _page(size: str, what: str, seconds: float) -> dict:
    return {
        "section": "page",
        "size": size,
        "what": what,
        "rep": "",
        "seconds": seconds,
        "status": "ok",
    }


def test_report_says_why_pages_were_not_timed_and_draws_no_empty_table():
    """Only 10M measured, ours stopped: the Pages section says why in words, with no table."""
    facts = {"scale": 78.4, "files": {"organisations.csv": 607}}
    prepared = {"10M": run.Prepared("10M", None, None, 8_890_934, 3 * 2**30, None, facts)}  # type: ignore[arg-type]
    rows = [
        {**_ingest("10M", "limit", 31.7), "load_1min": 0.3},
        {
            **_ingest("10M", "ours", 7.7, "stopped: over the 6 GiB memory cap", 3071),
            "load_1min": 0.3,
        },
    ]
    text = run.report(rows, prepared, "quick", "Run by hand.")
    pages = text[text.index("## Pages") : text.index("## Growth")]
    assert (
        "Pages were not timed at 10M in this run: `rpd ingest` did not load the file there (see "
        "Ingest), so there was no warehouse to time." in pages
    )
    assert "| Page |" not in pages
    assert "| 10M | 8,890,934 | 1 | 31.7 | stopped: over the 6 GiB memory cap |" in text


def test_the_steps_of_a_run_are_read_from_its_log_and_shown_against_the_bare_load(tmp_path):
    """A run log whose last line gives 2 s of checks and 1 s of loading, in a 4 s process: the rows are
    those two steps and 1 s for the rest; against a bare load of 0.5 s the table shows 4× and 2×
    (an earlier line of the log, another run's, is not read)."""
    import json

    log = tmp_path / "runs.jsonl"
    log.write_text(
        json.dumps({"seconds": {"checks": 9.0}})
        + "\n"
        + json.dumps({"seconds": {"checks": 2.0, "loading": 1.0}})
        + "\n"
    )
    p = run.Prepared("1M", tmp_path, tmp_path, 10, 10, tmp_path)
    rows = run.step_rows(p, 1, 4.0, log)
    assert {r["what"]: r["seconds"] for r in rows} == {
        "checks": 2.0,
        "loading": 1.0,
        run.OTHER_STEP: 1.0,
    }
    rows.append({"section": "ingest", "size": "1M", "what": "limit", "seconds": 0.5})

    def median(section, size, what):
        found = [
            r["seconds"]
            for r in rows
            if (r["section"], r["size"], r["what"]) == (section, size, what)
        ]
        return found[0] if found else None

    lines = run.steps_table(["1M"], median)
    assert "| checks | 2.0 | 4.00× |" in lines
    assert "| loading | 1.0 | 2.00× |" in lines
    assert f"| {run.OTHER_STEP} | 1.0 | 2.00× |" in lines
    assert "| measures | – | – |" in lines  # a step the run did not take

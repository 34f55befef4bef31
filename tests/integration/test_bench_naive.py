"""The benchmark's naive script (bench/children.py) runs the product's whole suite on the file: as many
expectations as `rpd ingest` records for it, none failing on a clean file, and an unreadable date failing
there too (the naive script also fails the date's range check on the column pandas could not read: its
reading differs from the product's, its suite does not)."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.children import naive
from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings
from warehouse.connection import Warehouse


@pytest.mark.parametrize("arranged", ["", "soon"])
def test_naive_script_runs_every_expectation_the_product_runs(tmp_path, capsys, arranged):
    """Three referrals, the second arranged "soon" in the spoiled file (a date no reader can read)."""
    settings = make_settings(tmp_path / "data")
    contracts = b.write_csv(tmp_path / "c" / "c.csv", "contracts", [b.contract()])
    assert refresh(settings, [contracts.parent]).files[0].outcome == "loaded"
    before = Warehouse.from_settings(settings).current()
    assert before is not None
    rows = [b.open_referral(n, f"2026-06-0{n + 1}T10:00:00") for n in range(3)]
    rows[1]["date_saa_first_arranged"] = arranged
    referrals = b.write_csv(tmp_path / "r" / "r.csv", "referrals_performance_report", rows)

    naive(referrals, tmp_path / "naive.duckdb", before.path, dt.date.fromisoformat(b.TODAY))
    said = capsys.readouterr().out.strip().splitlines()[-1]

    refresh(settings, [referrals.parent])
    con = Warehouse.from_settings(settings).connect()
    try:
        passed, failed = con.execute(
            "SELECT checks_passed, checks_failed FROM meta_ingest_file WHERE file_name = 'r.csv'"
        ).fetchone()
    finally:
        con.close()
    run, naive_failed = (int(said.split()[n]) for n in (1, 3))
    assert said == f"checks: {run} run, {naive_failed} failed"
    assert run == passed + failed == 80
    if arranged == "soon":
        assert (failed, naive_failed) == (1, 2)
    else:
        assert (failed, naive_failed) == (0, 0)

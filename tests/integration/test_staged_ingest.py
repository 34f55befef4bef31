"""Referral CSV files read, typed and checked inside DuckDB (ingest.staged, issue 14): never held in
pandas, checked with the same results as the pandas path gives, and read by ingest.read instead
whenever DuckDB's reader would read the file differently from what it says."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import tests.builders as b
from expectations import runner
from ingest import pipeline, staged
from ingest.load import check_context, with_lead_provider
from ingest.pipeline import _sanitise, refresh
from ingest.read import read_table
from ingest.sources import all_sources, source
from ingest.transform import HEADER_ROWS, to_typed
from warehouse.connection import Warehouse

from ..conftest import HASH_KEY, make_settings

REPORT = source("referrals_performance_report")
KEY = HASH_KEY.encode()


@pytest.fixture
def read_by_pandas(monkeypatch) -> list[str]:
    """The names of the files ingest.read reads whole (every other file is read by DuckDB)."""
    names: list[str] = []

    def spy(path, data, matches_header):
        names.append(path.name)
        return read_table(path, data, matches_header)

    monkeypatch.setattr(pipeline, "read_table", spy)
    return names


def _ingest(tmp_path: Path, referrals: Path) -> pipeline.RunReport:
    settings = make_settings(tmp_path / "data")
    contracts = b.write_csv(tmp_path / "in" / "contracts.csv", "contracts", [b.contract()])
    return refresh(settings, [contracts, referrals])


def _referral_rows(tmp_path: Path) -> list[list[str]]:
    with (tmp_path / "ref.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_every_source_has_its_helpers_derived_in_sql():
    """Every source's files are checked in DuckDB: each has its derive in SQL, and only they do."""
    assert set(runner.SQL_DERIVES) == set(all_sources())


def test_a_referral_csv_is_read_by_duckdb_and_never_by_pandas(tmp_path, read_by_pandas):
    """The well-formed register and referral files load (three referrals), and ingest.read reads neither."""
    referrals = b.write_csv(
        tmp_path / "in" / "referrals.csv",
        "referrals_performance_report",
        [b.referral(1), b.referral(2), b.referral(3)],
    )
    report = _ingest(tmp_path, referrals)
    assert [f.outcome for f in report.files] == ["loaded", "loaded"], report.files
    assert report.files[1].rows_loaded == 3
    assert read_by_pandas == []
    con = Warehouse.from_settings(make_settings(tmp_path / "data")).connect()
    try:
        rows = con.execute("SELECT source_row FROM core_referral ORDER BY 1").fetchall()
    finally:
        con.close()
    assert rows == [(2,), (3,), (4,)]


def _write_lines(path: Path, header: list[str], lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(",".join(header) + "\n" + "".join(line + "\n" for line in lines), "utf-8")
    return path


def _line(row: dict) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([row[h] for h in REPORT.headers])
    return out.getvalue()


def test_a_row_with_an_extra_empty_cell_is_refused_as_the_strict_reader_refuses_it(
    tmp_path, read_by_pandas
):
    """DuckDB's reader ignores empty cells beyond the header; the file is read by ingest.read, which
    refuses row 3 (27 columns, 28 values) in its own words."""
    referrals = _write_lines(
        tmp_path / "in" / "referrals.csv",
        list(REPORT.headers),
        [_line(b.referral(1)), _line(b.referral(2)) + ","],
    )
    report = _ingest(tmp_path, referrals)
    assert report.files[1].outcome == "rejected"
    assert report.files[1].message == (
        "Row 3 has 28 values but the header has 27 columns. Check that row for a stray comma, "
        "or a value with a comma that is not in quotes."
    )
    assert "referrals.csv" in read_by_pandas


def test_a_cell_spanning_lines_keeps_the_rows_numbered_as_the_file_counts_them(
    tmp_path, read_by_pandas
):
    """A quoted reason over two lines in row 2 makes DuckDB's row count differ from the lines, so the
    file is read by ingest.read: the unreadable date of the next record is reported in row 3."""
    referrals = b.write_csv(
        tmp_path / "in" / "referrals.csv",
        "referrals_performance_report",
        [
            b.referral(1, caseworker_id="first line\nsecond line"),
            b.referral(2, date_saa_first_arranged="31/02/2026"),
        ],
    )
    report = _ingest(tmp_path, referrals)
    assert report.files[1].outcome == "rejected"
    assert report.files[1].message.endswith("This is not so in 1 row: row 3 (found '31/02/2026').")
    assert "referrals.csv" in read_by_pandas


def _spoiled_rows() -> list[dict]:
    """One clean referral, and one of each kind of fault the referral suite and its SQL helpers catch."""
    return [
        b.referral(1),
        b.referral(2, contract_ref="PRJ_9999"),  # not in the register
        b.referral(3, date_saa_first_arranged="2026-02-30"),  # no such day
        b.referral(4, referral_end_state="ended"),  # concluded, no end request: completed
        b.referral(5, end_requested_by_pp_at="2026-06-01T10:00:00"),  # requested, no reason
        b.referral(6, outcomes_achieved="3"),  # more achieved than to achieve
        b.referral(7, organisation_id="OTHER"),  # not the contract's lead provider
        b.referral(8, date_referral_received="2021-01-04T10:00:00"),  # before the contract
        b.referral(9, service_user_crn="not a crn"),
        b.referral(10, referral_id=str(b.referral(1)["referral_id"])),  # repeated key
        b.referral(11, count_of_sessions_expected="1,2"),
    ]


def _kpi_rows() -> list[dict]:
    """Returns of PRJ_0001 (lead ACME, subcontractor SUB1): clean rows of the lead (named, and left
    empty: the lead's own), the subcontractor's, and one of each fault the SQL helpers catch."""
    return [
        b.kpi(provider_code="ACME"),
        b.kpi(kpi_code="KPI2"),  # no provider: the lead's own, ACME
        b.kpi(provider_code="SUB1"),
        b.kpi(provider_code="OTHER"),  # not in the supply chain
        b.kpi(quarter="2026-q3"),  # read as 2026-Q3: clean
        b.kpi(quarter="2026-Q5"),  # no such quarter
        b.kpi(contract_ref="PRJ_9999", kpi_code="KPI3"),  # not in the register
        b.kpi(
            kpi_code="KPI2", provider_code="ACME"
        ),  # the same key as row 3 once ACME is filled in
        b.kpi(kpi_code="KPI4", numerator="60"),  # more than the denominator
    ]


def _attendance_rows() -> list[dict]:
    return [
        b.attendance(),
        b.attendance(org_id="CH1000002"),  # not in the organisations register
        b.attendance(),  # the same meeting and organisation again
        b.attendance(meeting_id="B-2030-01", org_id=""),  # no such meeting; no organisation
    ]


def _organisation_rows() -> list[dict]:
    return [
        b.organisation(org_id="CH1000002"),
        b.organisation(org_id="CH1000003", specialisms="women;aliens"),  # no such specialism
        b.organisation(org_id="CH1000004", regions_served="B; Z"),  # Z is no region (B is)
        b.organisation(org_id="CH1000005", provider_codes="ACME;NOPE"),  # NOPE is in no contract
        b.organisation(org_id="CH1000006", service_categories=" Accommodation "),
    ]


def _contract_rows() -> list[dict]:
    return [
        b.contract(contract_ref="PRJ_0003"),
        b.contract(contract_ref="PRJ_0004", pcc_area_codes="XX99"),  # no such PCC area
        b.contract(contract_ref="PRJ_0005", subcontractor_codes="PACT,HIBISCUS"),  # a comma
        b.contract(
            contract_ref="PRJ_0006", band_1_upto="", band_1_payment_gbp=""
        ),  # band 1 missing
        b.contract(contract_ref="PRJ_0007", annual_volume_cap="1000"),  # bands and a cap
        b.contract(contract_ref="PRJ_0008", band_2_payment_gbp=""),  # band 2 without its payment
    ]


CASES = {
    "organisations": (_organisation_rows, {3, 4, 5}),
    "contracts": (_contract_rows, {3, 4, 5, 6, 7}),
    "referrals_performance_report": (_spoiled_rows, set(range(2, 13))),
    # Row 2 of the referrals is caught only as the first of the repeated referral_id (row 11), and
    # row 3 of the returns only as the first of the repeated key (row 9), row 6's quarter is read;
    # row 2 of the attendance only as the first of the repeated meeting and organisation (row 4).
    "kpi_returns": (_kpi_rows, {3, 5, 7, 8, 9, 10}),
    "forum_attendance": (_attendance_rows, {2, 3, 4, 5}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_checks_in_duckdb_find_what_the_pandas_path_finds(tmp_path, name):
    """The same spoiled file checked both ways: typed and derived in SQL (validate_typed) or in pandas
    (validate, after with_lead_provider), every check gives the same outcome, rows failing, file rows
    and values found; and the rows caught are the ones spoiled (worked out by hand above)."""
    settings = make_settings(tmp_path / "data")
    register = [
        b.contract(subcontractor_codes="SUB1"),
        b.organisation(),
        b.meeting(),
    ]
    for kind, row in zip(("contracts", "organisations", "forum_meetings"), register, strict=True):
        path = b.write_csv(tmp_path / "in" / f"{kind}.csv", kind, [row])
        assert refresh(settings, [path]).files[0].outcome == "loaded"
    layout = source(name)
    rows, spoiled = CASES[name]
    path = b.write_csv(tmp_path / "in" / f"{name}.csv", name, rows())
    raw = read_table(path, path.read_bytes(), lambda h: True).frame
    con = Warehouse.from_settings(settings).connect()
    work = duckdb.connect()
    try:
        for table in ("core_contract", "ref_contract_type"):
            frame = con.execute(f"SELECT * FROM {table}").df()  # noqa: S608
            work.register("frame", frame)
            work.execute(f"CREATE TABLE {table} AS SELECT * FROM frame")  # noqa: S608
            work.unregister("frame")
        ctx = check_context(con, settings.today_london)
    finally:
        con.close()
    typed = with_lead_provider(layout, to_typed(layout, raw, KEY), ctx)
    in_pandas = runner.validate(layout, typed, ctx, con=work)
    assert staged.read_typed(work, path, layout, staged.scan(path), KEY) == len(rows())
    in_sql = runner.validate_typed(layout, staged.TYPED, ctx, con=work, first_row=HEADER_ROWS + 1)
    work.close()
    assert in_sql.rows == in_pandas.rows == len(rows())
    failing = {(r.rule, r.failing_rows, r.found_values) for r in in_sql.failed}
    assert failing == {(r.rule, r.failing_rows, r.found_values) for r in in_pandas.failed}
    assert [r.success for r in in_sql.results] == [r.success for r in in_pandas.results]
    assert {row for r in in_sql.failed for row in r.failing_rows} == spoiled


def test_the_copy_kept_of_a_file_is_the_same_whichever_reader_read_it(tmp_path):
    """staged.write_copy (DuckDB, or batches for a rejected file) writes what pipeline._sanitise makes of
    the whole file read by ingest.read: case references hashed, the caseworker removed."""
    path = b.write_csv(
        tmp_path / "referrals.csv",
        "referrals_performance_report",
        [
            b.referral(1, caseworker_id=" sp.worker1 "),
            b.referral(2, end_requested_by_pp_reason="seen X123456 in 01/02/1980"),
        ],
    )
    raw = read_table(path, path.read_bytes(), lambda h: True).frame
    headers = list(raw.columns)
    for scan in (False, True):
        out = tmp_path / f"copy-{scan}.csv"
        staged.write_copy(
            duckdb.connect(),
            path,
            REPORT,
            headers,
            KEY,
            out,
            scan=scan,
            sanitise=lambda frame, scan=scan: _sanitise(frame, REPORT, KEY, scan),
        )
        expected = io.StringIO()
        _sanitise(raw, REPORT, KEY, scan).to_csv(expected, index=False)
        assert out.read_text("utf-8") == expected.getvalue()
    kept = pd.read_csv(tmp_path / "copy-True.csv", dtype=str, keep_default_na=False)
    assert set(kept["caseworker_id"]) == {"[removed]"}
    assert "X123456" not in (tmp_path / "copy-True.csv").read_text("utf-8")

"""The ingest rules of docs/data-contracts.md, on real files, real Great Expectations and a real DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import pipeline
from ingest.pipeline import refresh
from ingest.sources import source
from tests import builders as b
from tests.conftest import make_settings, snapshot
from warehouse.connection import Warehouse


def all_sources_files(folder):
    """One valid file of every source: 1 contract, 2 + 1 referrals, 1 KPI, 1 finance, 2 orgs, 1 meeting, 2 attendances."""
    b.write_csv(folder / "c.csv", "contracts", [b.contract()])
    b.write_csv(folder / "r.csv", "referrals_performance_report", [b.referral(1), b.referral(2)])
    b.write_csv(folder / "w.csv", "referrals_weekly_extract", [b.weekly(1)])
    b.write_csv(folder / "k.csv", "kpi_returns", [b.kpi()])
    b.write_csv(folder / "f.csv", "financial_returns", [b.finance()], encoding="cp1252")
    b.write_csv(
        folder / "o.csv",
        "organisations",
        [b.organisation(), b.organisation(org_id="CH1000002", org_name="Big Charity")],
    )
    b.write_csv(folder / "m.csv", "forum_meetings", [b.meeting()])
    b.write_csv(
        folder / "a.csv", "forum_attendance", [b.attendance(), b.attendance(org_id="CH1000002")]
    )
    return folder


def counts(settings) -> dict[str, int]:
    return {table: n for table, (n, _) in snapshot(settings).items()}


def test_every_source_loads_with_its_rows(settings, tmp_path):
    """A run with one file of each source loads every row, in dependency order, whatever the file names."""
    report = refresh(settings, [all_sources_files(tmp_path / "in")])
    assert [f.outcome for f in report.files] == ["loaded"] * 8, [f.message for f in report.files]
    assert [f.source for f in report.files][:3] == ["contracts", "organisations", "forum_meetings"]
    assert counts(settings) == {
        "core_contract": 1,
        "core_referral": 3,
        "core_kpi_return": 1,
        "core_financial_return": 1,
        "core_organisation": 2,
        "core_forum_meeting": 1,
        "core_forum_attendance": 2,
    }
    con = Warehouse.from_settings(settings).connect()
    value, income = con.execute(
        "SELECT c.annual_value_gbp, f.contract_income_gbp FROM core_contract c JOIN core_financial_return f USING (contract_ref)"
    ).fetchone()
    assert (float(value), float(income)) == (1_200_000.0, 300_000.0)
    source_rows = con.execute(
        "SELECT list(source_row ORDER BY source_row) FROM core_referral WHERE source_shape = 'referrals_performance_report'"
    ).fetchone()[0]
    assert source_rows == [2, 3]  # the header is row 1


def test_same_file_twice_changes_nothing(settings, tmp_path):
    """Loading an identical file again skips it and leaves every table exactly as it was."""
    folder = all_sources_files(tmp_path / "in")
    refresh(settings, [folder])
    before = snapshot(settings)
    again = refresh(settings, [folder / "r.csv"])
    assert again.files[0].outcome == "skipped"
    assert "already loaded" in again.files[0].message
    assert snapshot(settings) == before


def test_resubmission_replaces_its_contract_months_only(settings, tmp_path):
    """A corrected referral file replaces the contract-months it covers and keeps other months."""
    b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        tmp_path / "may.csv",
        "referrals_performance_report",
        [
            b.open_referral(1, "2026-05-04T10:00:00"),
            b.open_referral(2, "2026-05-20T10:00:00"),
            b.open_referral(3, "2026-06-02T10:00:00"),
        ],
    )
    refresh(settings, [tmp_path / "c.csv", tmp_path / "may.csv"])
    b.write_csv(
        tmp_path / "may-corrected.csv",
        "referrals_performance_report",
        [
            b.open_referral(1, "2026-05-04T10:00:00"),
            b.open_referral(4, "2026-05-28T10:00:00"),
            b.open_referral(5, "2026-05-29T10:00:00"),
        ],
    )
    report = refresh(settings, [tmp_path / "may-corrected.csv"])
    assert report.files[0].rows_replaced == 2 and report.files[0].rows_loaded == 3
    con = Warehouse.from_settings(settings).connect()
    refs = con.execute(
        "SELECT list(referral_ref ORDER BY referral_ref) FROM core_referral"
    ).fetchone()[0]
    assert refs == ["AB0001AC", "AB0003AC", "AB0004AC", "AB0005AC"]


def test_register_resubmission_replaces_listed_contracts(settings, tmp_path):
    """A contract register file updates the contracts it lists and keeps the others."""
    b.write_csv(
        tmp_path / "c1.csv", "contracts", [b.contract(), b.contract(contract_ref="PRJ_0002")]
    )
    b.write_csv(tmp_path / "c2.csv", "contracts", [b.contract(indicative_annual_volume="900")])
    refresh(settings, [tmp_path / "c1.csv"])
    refresh(settings, [tmp_path / "c2.csv"])
    con = Warehouse.from_settings(settings).connect()
    assert con.execute(
        "SELECT contract_ref, indicative_annual_volume FROM core_contract ORDER BY 1"
    ).fetchall() == [("PRJ_0001", 900), ("PRJ_0002", 1200)]


def test_case_reference_never_stored_in_clear(settings, tmp_path):
    """The CRN is hashed with the key: not in any table, archive, quarantine or log; repeat referrals still match."""
    b.write_csv(tmp_path / "in" / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        tmp_path / "in" / "r.csv",
        "referrals_performance_report",
        [b.referral(1, service_user_crn="Q765432"), b.referral(2, service_user_crn="q765432 ")],
    )
    b.write_csv(
        tmp_path / "in" / "bad.csv",
        "referrals_performance_report",
        [b.referral(3, service_user_crn="Q765432", referral_id="not-a-uuid")],
    )
    refresh(settings, [tmp_path / "in"])
    con = Warehouse.from_settings(settings).connect()
    keys = con.execute("SELECT DISTINCT person_key FROM core_referral").fetchall()
    assert len(keys) == 1 and "765432" not in keys[0][0]
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        text = repr(con.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608
        assert "765432" not in text, table
    written = [
        p
        for p in settings.data_dir.rglob("*")
        if p.is_file() and p.suffix in {".csv", ".txt", ".jsonl", ".html", ".json"}
    ]
    assert any("quarantine" in str(p) for p in written) and any(
        "archive" in str(p) for p in written
    )
    assert any("data-docs" in str(p) and p.suffix == ".html" for p in written), (
        "no Data Docs were written"
    )
    for path in written:
        content = path.read_text("utf-8", errors="replace")
        assert "765432" not in content, path
        assert "test-key-not-secret" not in content, path


def test_failure_mid_run_leaves_the_warehouse_as_it_was(settings, tmp_path, monkeypatch):
    """If loading dies after one file of a run has loaded, nothing of that run is published."""
    refresh(settings, [all_sources_files(tmp_path / "first")])
    before, version = snapshot(settings), Warehouse.from_settings(settings).current()
    b.write_csv(tmp_path / "second" / "c.csv", "contracts", [b.contract(contract_ref="PRJ_0009")])
    b.write_csv(tmp_path / "second" / "r.csv", "referrals_performance_report", [b.referral(7)])
    real = pipeline.replace_rows
    calls = []

    def dies_on_second_file(con, source, frame, file_id):
        calls.append(source.name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(con, source, frame, file_id)

    monkeypatch.setattr(pipeline, "replace_rows", dies_on_second_file)
    with pytest.raises(
        pipeline.RefreshFailed, match=r"published nothing: could not write \(disk full\)"
    ):
        refresh(settings, [tmp_path / "second"])
    assert calls == ["contracts", "referrals_performance_report"]
    assert Warehouse.from_settings(settings).current() == version
    assert snapshot(settings) == before
    monkeypatch.setattr(pipeline, "replace_rows", real)
    report = refresh(settings, [tmp_path / "second"])
    assert [f.outcome for f in report.files] == ["loaded", "loaded"]
    assert Warehouse.from_settings(settings).versions()[-1] == version.number + 1


def test_landing_files_leave_the_folder_only_after_publishing(settings):
    """Accepted and rejected files leave the landing folder; each is kept in the archive or quarantine."""
    landing = settings.dir("landing")
    b.write_csv(landing / "c.csv", "contracts", [b.contract()])
    (landing / "notes.csv").write_text("colour,shape\nred,square\n")
    report = refresh(settings)
    assert sorted(f.outcome for f in report.files) == ["loaded", "rejected"]
    assert list(landing.iterdir()) == []
    run = report.run_id
    assert [p.name for p in (settings.dir("archive") / run).iterdir()] == [
        "002-c.csv"
    ]  # notes.csv sorts first
    assert (
        "do not recognise"
        in (settings.dir("quarantine") / run / "001-notes.report.txt").read_text()
    )


def test_explicit_files_outside_landing_are_left_in_place(settings, tmp_path):
    """`rpd ingest PATH` on a file outside the landing folder copies it and never deletes the original."""
    path = b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])
    refresh(settings, [path])
    assert path.exists()


def test_run_history_is_recorded(settings, tmp_path):
    """Each run and file is logged in the warehouse with rows, checks and outcome."""
    b.write_csv(tmp_path / "in" / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        tmp_path / "in" / "bad.csv",
        "contracts",
        [b.contract(contract_ref="PRJ_0003", region_code="Z")],
    )
    report = refresh(settings, [tmp_path / "in"])
    con = Warehouse.from_settings(settings).connect()
    run = con.execute(
        "SELECT outcome, files_seen, files_loaded, files_rejected, rows_loaded FROM meta_ingest_run"
    ).fetchall()
    assert run == [("some files rejected", 2, 1, 1, 1)]
    failed = con.execute(
        "SELECT column_name, rows_failing, failing_rows, found_values FROM meta_check_result WHERE NOT success"
    ).fetchall()
    assert failed == [("region_code", 1, "2", "Z")]
    assert report.rejected[0].checks_failed == 1
    lines = (settings.dir("logs") / "runs.jsonl").read_text().splitlines()
    assert len(lines) == 1 and report.run_id in lines[0]


def test_booked_appointment_in_the_next_months_is_accepted(settings, tmp_path):
    """An open referral with an initial assessment booked for next week loads (appointments may be ahead)."""
    b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        tmp_path / "r.csv",
        "referrals_performance_report",
        [
            b.open_referral(
                1,
                "2026-11-16T10:00:00",
                date_saa_first_arranged="2026-11-17T10:00:00",
                date_saa_first_scheduled_for="2026-11-26T14:30:00",
                date_intervention_to_be_completed_by="2027-02-01",
            )
        ],
    )
    report = refresh(settings, [tmp_path / "c.csv", tmp_path / "r.csv"])
    assert [f.outcome for f in report.files] == ["loaded", "loaded"], report.files[1].message


def test_folder_notes_and_scripts_are_skipped_not_rejected(settings, tmp_path):
    """A README beside the data in a folder is listed as skipped and does not fail the run."""
    b.write_csv(tmp_path / "in" / "c.csv", "contracts", [b.contract()])
    (tmp_path / "in" / "README.md").write_text("# notes")
    report = refresh(settings, [tmp_path / "in"])
    outcomes = {f.file_name: f.outcome for f in report.files}
    assert outcomes == {"c.csv": "loaded", "README.md": "skipped"} and not report.rejected


def test_same_named_rejections_keep_separate_reports(settings, tmp_path):
    """Two rejected files with the same name in one run each keep their own copy and report."""
    b.write_csv(tmp_path / "in" / "a" / "c.csv", "contracts", [b.contract(region_code="Z")])
    b.write_csv(
        tmp_path / "in" / "b" / "c.csv", "contracts", [b.contract(lead_provider_sector="charity")]
    )
    report = refresh(settings, [tmp_path / "in"])
    reports = sorted((settings.dir("quarantine") / report.run_id).glob("*.report.txt"))
    assert len(reports) == 2
    texts = " ".join(p.read_text() for p in reports)
    assert "'region_code' must be" in texts and "'lead_provider_sector' must be" in texts


def test_personal_column_file_is_quarantined_without_the_column(settings, tmp_path):
    """A file refused for a date-of-birth column is kept in quarantine without that column; the report names it."""
    path = tmp_path / "c.csv"
    b.write_csv(path, "contracts", [b.contract()])
    path.write_text(
        path.read_text().replace("\n", ",date_of_birth\n", 1).rstrip("\n") + ",1980-02-03\n"
    )
    report = refresh(settings, [path])
    assert report.files[0].outcome == "rejected"
    kept = (settings.dir("quarantine") / report.run_id / "001-c.csv").read_text()
    assert "1980-02-03" not in kept and "date_of_birth" not in kept
    assert kept.splitlines()[0] == ",".join(source("contracts").headers)
    note = (settings.dir("quarantine") / report.run_id / "001-c.report.txt").read_text()
    assert note.endswith(
        "The copy keeps only the columns of a Contract register file. Not kept, as they may hold "
        "personal details: 'date_of_birth'.\n"
    )


def test_blank_row_inside_data_keeps_row_numbers(settings, tmp_path):
    """A blank line between rows is reported at its own row number, and later rows keep theirs."""
    path = tmp_path / "c.csv"
    b.write_csv(
        path, "contracts", [b.contract(), b.contract(contract_ref="PRJ_0002", region_code="Z")]
    )
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1], "", lines[2]]) + "\n")
    message = refresh(settings, [path]).files[0].message
    assert (
        "'contract_ref' must be filled in on every row. This is not so in 1 row: row 3." in message
    )
    assert "'region_code' must be a probation region code" in message and "row 4" in message


def test_data_docs_are_written_with_a_relative_data_folder(tmp_path, monkeypatch):
    """With RPD_DATA_DIR relative (the default ./data), a run still writes its Data Docs: the folder
    is made absolute once, when the settings are read, so Great Expectations accepts it."""
    monkeypatch.chdir(tmp_path)
    settings = make_settings(Path("data"))
    assert settings.data_dir == tmp_path / "data"
    b.write_csv(tmp_path / "c.csv", "contracts", [b.contract()])
    report = refresh(settings, [tmp_path / "c.csv"])
    assert [f.outcome for f in report.files] == ["loaded"]
    assert report.data_docs is not None
    assert report.data_docs.is_file()
    assert report.data_docs.is_relative_to(tmp_path / "data" / "reports" / report.run_id)


def test_the_run_log_says_where_the_time_went(settings, tmp_path):
    """Each run's line in logs/runs.jsonl gives the seconds of each step, in run order, for the steps
    the run took; together they account for most of the run (what is left is listing files, the lock
    and the run's own records). One file loads, one is rejected: both kinds of copy and the checks are
    timed, and no step is counted twice (their sum is within the time refresh() took)."""
    import json
    import time

    b.write_csv(tmp_path / "in" / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        tmp_path / "in" / "bad.csv",
        "contracts",
        [b.contract(contract_ref="PRJ_0003", region_code="Z")],
    )
    started = time.monotonic()
    report = refresh(settings, [tmp_path / "in"])
    took = time.monotonic() - started
    assert report.files_loaded == 1 and len(report.rejected) == 1
    record = json.loads((settings.dir("logs") / "runs.jsonl").read_text().splitlines()[-1])
    seconds = record["seconds"]
    assert list(seconds) == [s for s in pipeline.STEPS if s in seconds]  # in run order
    assert set(seconds) == set(
        pipeline.STEPS
    )  # a run that checks, copies and loads takes every step
    assert all(v >= 0 for v in seconds.values())
    assert sum(seconds.values()) <= took
    assert sum(seconds.values()) >= 0.7 * took, (seconds, took)

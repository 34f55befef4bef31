"""A file whose copy cannot be kept (a long or odd name, an archive or quarantine folder that cannot be
written) is dealt with alone: the files beside it load, and the message names the real cause."""

from __future__ import annotations

import os

import pytest

from ingest.pipeline import RefreshFailed, refresh
from tests import builders as b
from tests.conftest import make_settings
from warehouse.connection import Warehouse


def contracts_loaded(settings) -> list[str]:
    con = Warehouse.from_settings(settings).connect()
    try:
        return [
            r
            for (r,) in con.execute("SELECT contract_ref FROM core_contract ORDER BY 1").fetchall()
        ]
    finally:
        con.close()


def unwritable(tmp_path, kind: str):
    """Settings whose archive or quarantine folder cannot be made (its path runs through a file:
    chmod does not stop root, this does), and a landing folder holding a good and an unknown file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text(f"a file where the {kind} folder should be")
    settings = make_settings(tmp_path / "data", **{f"RPD_{kind.upper()}_DIR": str(blocker / kind)})
    b.write_csv(settings.dir("landing") / "c.csv", "contracts", [b.contract()])
    (settings.dir("landing") / "notes.csv").write_text("item,price\nmilk,1.20\n")
    return settings, blocker / kind


def test_long_names_are_kept_under_a_shortened_name(settings):
    """Names of 252 bytes (longer than a copy named NNN-<name> may be) load or are rejected as
    usual; their copies are cut to 255 bytes and the report's first line gives the full name."""
    landing = settings.dir("landing")
    long_good, long_bad = "r" * 248 + ".csv", "s" * 248 + ".csv"
    b.write_csv(landing / "good.csv", "contracts", [b.contract()])
    b.write_csv(landing / long_good, "contracts", [b.contract(contract_ref="PRJ_0002")])
    b.write_csv(
        landing / long_bad, "contracts", [b.contract(contract_ref="PRJ_0003", region_code="Z")]
    )
    report = refresh(settings)
    assert [(f.file_name, f.outcome) for f in report.files] == [
        ("good.csv", "loaded"),
        (long_good, "loaded"),
        (long_bad, "rejected"),
    ]
    assert contracts_loaded(settings) == ["PRJ_0001", "PRJ_0002"]
    archive = settings.dir("archive") / report.run_id
    quarantine = settings.dir("quarantine") / report.run_id
    assert sorted(p.name for p in archive.iterdir()) == [
        "001-good.csv",
        "002-" + "r" * 240 + ".csv",
    ]
    report_name = "003-" + "s" * 240 + ".report.txt"
    assert len(report_name) == 255
    assert sorted(p.name for p in quarantine.iterdir()) == [
        "003-" + "s" * 240 + ".csv",
        report_name,
    ]
    assert (quarantine / report_name).read_text("utf-8").splitlines()[0] == long_bad
    assert list(landing.iterdir()) == []


def test_odd_bytes_in_a_name_are_shown_replaced(settings):
    """A name with a byte that is not UTF-8, a terminal escape, a new line and a right-to-left
    override loads; each odd character is stored and shown as U+FFFD, in the warehouse, the copy and
    the messages (a PDF named 'scan<byte FF>.csv' is rejected, quoting its name so)."""
    landing = settings.dir("landing")
    b.write_csv(landing / "good.csv", "contracts", [b.contract()])
    odd = b.write_csv(landing / "odd.csv", "contracts", [b.contract(contract_ref="PRJ_0002")])
    os.rename(os.fsencode(odd), os.fsencode(landing) + b"/caf\xe9\x1b[31m\nx\xe2\x80\xaevsc.csv")
    (landing / os.fsdecode(b"scan\xff.csv")).write_bytes(b"%PDF-1.4 nothing")
    report = refresh(settings)
    shown = "caf\ufffd\ufffd[31m\ufffdx\ufffdvsc.csv"
    assert [(f.file_name, f.outcome) for f in report.files] == [
        ("scan\ufffd.csv", "rejected"),
        (shown, "loaded"),
        ("good.csv", "loaded"),
    ]
    assert report.files[0].message.startswith(
        "The file is named 'scan\ufffd.csv' but it is a PDF document, not CSV text."
    )
    quarantined = settings.dir("quarantine") / report.run_id / "001-scan\ufffd.report.txt"
    assert quarantined.read_text("utf-8").startswith("scan\ufffd.csv\n\nThe file is named")
    assert contracts_loaded(settings) == ["PRJ_0001", "PRJ_0002"]
    con = Warehouse.from_settings(settings).connect()
    names = [
        n for (n,) in con.execute("SELECT file_name FROM meta_ingest_file ORDER BY 1").fetchall()
    ]
    assert names == [shown, "good.csv", "scan\ufffd.csv"]
    archive = settings.dir("archive") / report.run_id
    assert sorted(p.name for p in archive.iterdir()) == [
        "002-" + shown[:-4] + ".csv",
        "003-good.csv",
    ]
    assert list(landing.iterdir()) == []


def test_unwritable_quarantine_rejects_that_file_alone(tmp_path):
    """A quarantine folder that cannot be made: the rejected file says why no copy was kept and stays in the landing folder;
    the good file beside it loads. Once the folder can be written, the next run keeps its copy."""
    settings, folder = unwritable(tmp_path, "quarantine")
    landing = settings.dir("landing")
    report = refresh(settings)
    assert [(f.file_name, f.outcome) for f in report.files] == [
        ("notes.csv", "rejected"),
        ("c.csv", "loaded"),
    ]
    rejected = report.files[0]
    assert rejected.message.startswith("We do not recognise this file")
    assert rejected.message.endswith(
        f" No copy of the file was kept: the quarantine folder {folder} could not "
        "be written (Not a directory). The file was left where it is, to be tried again once that "
        "folder can be written."
    )
    assert rejected.kept_as is None
    assert contracts_loaded(settings) == ["PRJ_0001"]
    assert [p.name for p in landing.iterdir()] == ["notes.csv"]

    again = refresh(make_settings(tmp_path / "data"))
    assert [(f.file_name, f.outcome) for f in again.files] == [("notes.csv", "rejected")]
    # A file of no known kind keeps its report only (no column of it is known to be safe to copy).
    assert again.files[0].kept_as.endswith(f"{again.run_id}/001-notes.report.txt")
    assert list(landing.iterdir()) == []


def test_unwritable_archive_loads_nothing_of_that_file_and_keeps_it(tmp_path):
    """A file that passes its checks is loaded only if its archive copy is kept: with the archive
    folder unwritable it is not loaded, says why, and stays in the landing folder (a rejected file
    beside it is quarantined as usual). The next run with a writable archive loads it."""
    settings, folder = unwritable(tmp_path, "archive")
    landing = settings.dir("landing")
    report = refresh(settings)
    assert [(f.file_name, f.outcome) for f in report.files] == [
        ("notes.csv", "rejected"),
        ("c.csv", "rejected"),
    ]
    assert report.files[1].message == (
        "The file passed its checks but was not loaded, because no copy of it could be kept: the "
        f"archive folder {folder} could not be written (Not a directory). The file was "
        "left where it is, to be tried again once that folder can be written."
    )
    assert (report.files[1].rows_loaded, report.files[1].kept_as) == (0, None)
    assert contracts_loaded(settings) == []
    assert [p.name for p in landing.iterdir()] == ["c.csv"]

    again = refresh(make_settings(tmp_path / "data"))
    assert [(f.file_name, f.outcome) for f in again.files] == [("c.csv", "loaded")]
    assert contracts_loaded(settings) == ["PRJ_0001"]
    assert list(landing.iterdir()) == []


def test_unwritable_reports_folder_does_not_unsay_a_published_run(tmp_path):
    """The summary file is written after the run is published: failing to write it is a warning,
    not "The refresh stopped and published nothing" (the summary is in the warehouse too)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the reports folder should be")
    settings = make_settings(tmp_path / "data", RPD_REPORTS_DIR=str(blocker / "reports"))
    b.write_csv(settings.dir("landing") / "c.csv", "contracts", [b.contract()])
    report = refresh(settings)
    assert report.outcome == "succeeded" and report.data_docs is None
    assert Warehouse.from_settings(settings).current().number == report.version
    assert contracts_loaded(settings) == ["PRJ_0001"]


def test_a_folder_setting_with_a_too_long_name_stops_the_run_saying_so(tmp_path):
    """A warehouse folder whose name is over 255 bytes stops the run (every file needs it) with a
    hint about the name, not about permissions."""
    settings = make_settings(tmp_path / "data", RPD_WAREHOUSE_DIR=str(tmp_path / ("w" * 300)))
    b.write_csv(settings.dir("landing") / "c.csv", "contracts", [b.contract()])
    with pytest.raises(RefreshFailed) as raised:
        refresh(settings)
    assert str(raised.value).endswith(
        "(File name too long). The app still shows the data of the last refresh, and no file was "
        "removed from the landing folder, so nothing is lost. A name in that path is longer than the "
        "file system allows (at most 255 bytes): set a shorter folder (`rpd settings` lists the "
        "folders), then run it again."
    )
    assert [p.name for p in settings.dir("landing").iterdir()] == ["c.csv"]

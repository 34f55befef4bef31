"""Pure parts of roles and flags: working days, reference lists, reconciliation, the users file and
the settings that may not go together. Expected values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.flags.store import (
    MAX_REFERENCE_BYTES,
    FlagError,
    add_working_days,
    parse_references,
    provider_references,
    reconcile,
)
from dashboard.users import UsersFileError, demo_user, load_users
from warehouse.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Mon 9 Nov 2026 + 10 working days: no holiday in between -> Mon 23 Nov.
        (dt.date(2026, 11, 9), 10, dt.date(2026, 11, 23)),
        # Wed 23 Dec 2026: 24 Dec (1), 25 Dec and Mon 28 Dec (Boxing Day moved) off, 29-31 Dec (2-4),
        # 1 Jan off, 4-8 Jan (5-9), Mon 11 Jan (10).
        (dt.date(2026, 12, 23), 10, dt.date(2027, 1, 11)),
        # Thu 25 Mar 2027: 26 Mar Good Friday and 29 Mar Easter Monday off; 30 Mar (1) ... 12 Apr (10).
        (dt.date(2027, 3, 25), 10, dt.date(2027, 4, 12)),
        # Raised on a Saturday: Mon 30 Nov is day 1 (St Andrew's Day is Scotland's, not England's).
        (dt.date(2026, 11, 28), 1, dt.date(2026, 11, 30)),
        # Fri 28 Aug 2026, 1 day: Mon 31 Aug is the late summer bank holiday -> Tue 1 Sep.
        (dt.date(2026, 8, 28), 1, dt.date(2026, 9, 1)),
    ],
)
def test_respond_by_skips_weekends_and_england_and_wales_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_reference_list_from_csv_with_header_and_messy_cells():
    raw = b'"Reference","Month"\r\nab1234ac,May\r\n "CD 5678 EF" ,May\r\nAB1234AC,May\r\nnot-a-ref,May\r\n\r\n'
    valid, invalid = parse_references(raw)
    assert valid == ["AB1234AC", "CD5678EF"]  # upper-cased, spaces removed, duplicates once
    assert invalid == ["not-a-ref"]


def test_reference_list_pasted_one_per_line():
    assert parse_references("AB1234AC\nIO1234AC\n") == (["AB1234AC"], ["IO1234AC"])  # no I or O


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "not a text or CSV file"),
        (b"AB1234AC\n" * (MAX_REFERENCE_BYTES // 9 + 1), "; the limit is 1 MB "),
    ],
)
def test_reference_list_refused(raw, message):
    with pytest.raises(FlagError, match=message):
        parse_references(raw)


@pytest.mark.parametrize(
    ("upload", "pasted", "size"),
    [
        # 1 MB is 1,048,576 bytes, as Streamlit's upload box counts; one byte over shows as 1.1 MB.
        (None, "A" * (1_048_576 + 1), "1.1"),
        (b"A" * 2_500_000, "", "2.4"),  # 2.38 MB, rounded up
        (None, "\u00e9" * 600_000, "1.2"),  # 600,000 characters, 1,200,000 bytes: 1.14 MB
        (None, "AB1234AC\n" * 3_000_000, "25.8"),  # 27 MB pasted: refused before it is read
    ],
    ids=["pasted-one-byte-over", "uploaded", "pasted-accents", "pasted-huge"],
)
def test_one_size_limit_for_uploaded_and_pasted_lists(upload, pasted, size):
    with pytest.raises(FlagError) as refused:
        provider_references(upload, pasted)
    assert str(refused.value) == (
        f"Your list of references is {size} MB; the limit is 1 MB (and 20,000 references). "
        "Send the references of this contract and month only."
    )


def test_a_list_at_the_size_limit_is_read():
    """1,048,576 bytes exactly is not refused for its size: it is read (and here refused for its one
    line that is not a reference)."""
    pasted = "".join(f"AB{n:04d}AC\n" for n in range(10_000))  # 90,000 bytes
    pasted += "x" * (1_048_576 - len(pasted))  # one long line that is not a reference
    assert len(pasted.encode()) == 1_048_576
    with pytest.raises(FlagError, match=r"^1 line\(s\) of your list are not referral references"):
        provider_references(None, pasted)


def test_reconcile_splits_three_ways():
    found = reconcile(["A", "B", "C"], ["B", "C", "D"])
    assert (found.provider_only, found.warehouse_only, found.both) == (["A"], ["D"], ["B", "C"])


def test_users_file(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(
        """
[[user]]
email = "Rhys.Jones@Justice.gov.uk"
name = "Rhys Jones"
role = "rpd"
regions = ["B"]

[[user]]
email = "ops@example.org"
role = "provider"
providers = ["LANCASHIRE_WOMEN"]
"""
    )
    users = load_users(path)
    assert set(users) == {"rhys.jones@justice.gov.uk", "ops@example.org"}
    assert users["rhys.jones@justice.gov.uk"].regions == ("B",)
    assert users["ops@example.org"].name == "ops@example.org"
    assert load_users(tmp_path / "missing.toml") == {}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('email = "a@b.c"\nrole = "boss"', "has role 'boss'"),
        ('email = "a@b.c"\nrole = "rpd"', "lists no regions"),
        ('email = "a@b.c"\nrole = "provider"', "lists no provider codes"),
        ('email = "nobody"\nrole = "admin"', "has no valid email"),
    ],
)
def test_users_file_mistakes_are_named(tmp_path, entry, message):
    path = tmp_path / "users.toml"
    path.write_text(f"[[user]]\n{entry}\n")
    with pytest.raises(UsersFileError, match=message):
        load_users(path)


def test_demo_sign_in_is_refused_in_production():
    with pytest.raises(
        SettingsError, match="Demo sign-in cannot be used when RPD_PRODUCTION is true"
    ):
        load_settings({"RPD_PRODUCTION": "true"})
    assert load_settings(
        {"RPD_PRODUCTION": "true", "RPD_SIGN_IN": "oidc", "RPD_HASH_KEY": "k" * 32}
    ).production
    with pytest.raises(SettingsError, match="RPD_SIGN_IN must be 'demo' or 'oidc'"):
        load_settings({"RPD_SIGN_IN": "password"})


def test_flags_address_is_never_shown():
    settings = load_settings({"RPD_FLAGS_URL": "postgresql+psycopg://rpd:s3cret@db/rpd"})
    assert "s3cret" not in repr(settings)


def test_unknown_demo_user_is_the_national_commissioner():
    assert demo_user("someone-else").role == "national"


def test_the_providers_list_comes_from_the_upload_else_the_paste():
    assert provider_references(None, "  \n") is None
    assert provider_references(b"AB1234AC\n", "CD1234AC") == ("AB1234AC",)
    assert provider_references(None, "cd1234ac\n") == ("CD1234AC",)
    with pytest.raises(
        FlagError, match=r"2 line\(s\) of your list are not referral references .*'x1', 'x2'\."
    ):
        provider_references(None, "AB1234AC\nx1\nx2\n")


def test_rpd_refuses_demo_sign_in_in_production_with_the_plain_message(tmp_path):
    import os
    import subprocess
    import sys

    env = os.environ | {"RPD_PRODUCTION": "true", "RPD_DATA_DIR": str(tmp_path)}
    env.pop("RPD_SIGN_IN", None)
    done = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "status"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "Demo sign-in cannot be used when RPD_PRODUCTION is true" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_summary_says_when_the_flags_cannot_be_read(tmp_path):
    from ingest.summary import flag_lines

    (tmp_path / "not-a-database").mkdir()
    settings = load_settings(
        {"RPD_DATA_DIR": str(tmp_path), "RPD_FLAGS_URL": f"sqlite:///{tmp_path / 'not-a-database'}"}
    )
    assert flag_lines(settings, None)[-1].startswith(
        "The flags could not be read (OperationalError)"
    )


def test_triage_queue_filters():
    import pandas as pd

    from dashboard.flags.view import queue

    flags = pd.DataFrame(
        {
            "flag_id": [1, 2, 3, 4],
            "status": ["open", "under_review", "resolved", "open"],
            "age_days": [12, 3, 30, 0],
            "contract_ref": ["A", "A", "B", "B"],
            "provider_code": ["P", "Q", "P", "P"],
        }
    )
    assert list(queue(flags, ["open", "under_review"], None, None, 0).flag_id) == [1, 2, 4]
    assert list(queue(flags, ["open", "under_review"], None, None, 3).flag_id) == [1, 2]
    assert list(queue(flags, ["open", "resolved"], "B", None, 0).flag_id) == [3, 4]
    assert list(queue(flags, ["open", "under_review", "resolved"], None, "Q", 0).flag_id) == [2]


def test_flag_queue_puts_what_a_reviewer_acts_on_first():
    """Status, Respond by and Overdue come right after the flag and its contract (named, then its
    reference), so they are on screen at 1400 px without scrolling sideways."""
    import pandas as pd

    from dashboard.flags.view import flag_table

    flags = pd.DataFrame(
        {
            "flag_id": [7],
            "contract_ref": ["PRJ_5556"],
            "month": [pd.Timestamp("2026-10-01")],
            "provider_code": ["P"],
            "category": ["missing"],
            "provider_count": [12],
            "warehouse_count": [10],
            "raised_at": [pd.Timestamp("2026-11-02 09:30")],
            "respond_by": [pd.Timestamp("2026-11-16")],
            "status": ["open"],
            "overdue": [True],
            "latest_response": [None],
        }
    )
    table = flag_table(flags, {"PRJ_5556": "Accommodation in Custody (PRJ_5556)"})
    assert list(table.columns[:5]) == ["Flag", "Contract", "Status", "Respond by", "Overdue"]
    assert table.iloc[0, :5].tolist() == [
        7,
        "Accommodation in Custody (PRJ_5556)",
        "Open",
        "16 Nov 2026",
        "Overdue",
    ]


def test_the_command_line_and_the_flag_store_load_no_streamlit():
    # The refresh summary reads the flag store (dashboard/flags/store.py) from rpd and the scheduler,
    # outside the app: importing it must not pull in Streamlit (docs/architecture.md).
    import subprocess
    import sys

    code = (
        "import sys, ingest.cli, ingest.summary, dashboard.flags.store; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"

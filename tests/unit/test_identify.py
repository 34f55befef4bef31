"""Recognising a file by its header, and refusing personal details by column name."""

from __future__ import annotations

import pytest

from ingest.identify import identify, personal_columns
from ingest.read import RejectedFile
from ingest.sources import all_sources


@pytest.mark.parametrize("name", list(all_sources()))
def test_each_source_recognised_in_any_order_and_case(name):
    """Headers in reverse order and upper case still name their source."""
    headers = [h.upper() for h in reversed(all_sources()[name].headers)]
    assert identify(headers).name == name


def test_crn_allowed_only_where_it_is_hashed():
    """service_user_crn is expected in referral shapes but refused in any other file."""
    assert personal_columns(["service_user_crn"], allowed=("service_user_crn",)) == []
    assert personal_columns(["service_user_crn"]) == [
        ("service_user_crn", "case reference numbers (CRN)")
    ]


@pytest.mark.parametrize(
    ("header", "what"),
    [
        ("First Name", "people's names"),
        ("DOB", "dates of birth"),
        ("D.O.B", "dates of birth"),
        ("Birth", "dates of birth"),
        ("Names", "people's names"),
        ("national insurance no", "National Insurance numbers"),
        ("PNC number", "Police National Computer numbers"),
        ("Postcode", "addresses"),
        ("email", "contact details"),
    ],
)
def test_personal_columns_named(header, what):
    """Common spellings of personal-detail columns are recognised."""
    assert personal_columns([header]) == [(header, what)]


@pytest.mark.parametrize(
    "header", ["org_name", "lead_provider_name", "kpi_name", "contract_ref", "referring_officer_id"]
)
def test_ordinary_columns_are_not_personal(header):
    """Names of organisations and codes are not mistaken for personal details."""
    assert personal_columns([header]) == []


def test_missing_and_extra_columns_are_both_reported():
    """A renamed column is reported as missing, with a suggestion for the unexpected one."""
    headers = list(all_sources()["forum_meetings"].headers)
    headers[headers.index("meeting_date")] = "meeting_dat"
    with pytest.raises(
        RejectedFile,
        match=r"Missing: 'meeting_date'.*'meeting_dat' \(did you mean 'meeting_date'\?\)",
    ):
        identify(headers)


@pytest.mark.parametrize(
    ("header", "looks"),
    [
        ("X123456", "a value shaped like a case reference number (hidden)"),
        ("14/03/1985", "a date that could be a date of birth (hidden)"),
    ],
)
def test_an_identifier_in_the_header_row_is_refused_by_position_only(header, looks):
    """A CRN or date of birth in row 1 (a lost header row, or a column named after a person) is
    refused naming its column, never its value."""
    headers = [*all_sources()["referrals_weekly_extract"].headers, header]
    with pytest.raises(RejectedFile) as refused:
        identify(headers)
    assert str(refused.value) == (
        f"Row 1 holds {looks} in column 22 (V), where only column names should be: the file may have "
        "lost its header row. Put the column names listed in docs/data-contracts.md in row 1, and send "
        "no personal details of people on probation."
    )

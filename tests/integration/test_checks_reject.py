"""Every check rejects a file that breaks it, says why in plain English, and leaves the warehouse unchanged."""

from __future__ import annotations

import shutil

import pytest

from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings, snapshot


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A warehouse holding one contract (PRJ_0001, from 2021-06-26), two organisations and one meeting."""
    root = tmp_path_factory.mktemp("base")
    b.write_csv(root / "in" / "c.csv", "contracts", [b.contract()])
    b.write_csv(
        root / "in" / "o.csv",
        "organisations",
        [b.organisation(), b.organisation(org_id="CH1000002", org_name="Other")],
    )
    b.write_csv(root / "in" / "m.csv", "forum_meetings", [b.meeting()])
    report = refresh(make_settings(root / "data"), [root / "in"])
    assert all(f.outcome == "loaded" for f in report.files)
    return root / "data"


def reject(base, tmp_path, source_name, rows, *, encoding="utf-8"):
    data = tmp_path / "data"
    shutil.copytree(base, data)
    settings = make_settings(data)
    before = snapshot(settings)
    path = b.write_csv(tmp_path / f"{source_name}.csv", source_name, rows, encoding=encoding)
    report = refresh(settings, [path])
    assert snapshot(settings) == before, "a rejected file changed the warehouse"
    (outcome,) = report.files
    assert outcome.outcome == "rejected", outcome.message
    return outcome.message


CASES = [
    # contract register
    ("contracts", [b.contract(region_code="Z")], "'region_code' must be a probation region code"),
    (
        "contracts",
        [b.contract(contract_type_code="XXX")],
        "must be a contract type of the referral service",
    ),
    (
        "contracts",
        [b.contract(service_categories="Accommodation;Social Inclusion")],
        "must belong to the contract type",
    ),
    ("contracts", [b.contract(pcc_area_codes="kent")], "must lie in the contract's region"),
    ("contracts", [b.contract(pcc_area_codes="atlantis")], "must be a known PCC area code"),
    (
        "contracts",
        [b.contract(lead_provider_sector="charity")],
        "'lead_provider_sector' must be one of (private, public, voluntary)",
    ),
    (
        "contracts",
        [b.contract(end_date="2021-01-01")],
        "'end_date' must not be before 'start_date'",
    ),
    (
        "contracts",
        [b.contract(annual_value_gbp="£12,3x4")],
        "Every value in 'annual_value_gbp' must be an amount in pounds",
    ),
    (
        "contracts",
        [b.contract(annual_value_gbp="-5")],
        "'annual_value_gbp' must be between 1 and 100,000,000",
    ),
    (
        "contracts",
        [b.contract(indicative_annual_volume="0")],
        "'indicative_annual_volume' must be between 1 and 100,000",
    ),
    (
        "contracts",
        [b.contract(indicative_annual_volume="9999999")],
        "'indicative_annual_volume' must be between 1 and 100,000",
    ),
    (
        "contracts",
        [b.contract(annual_volume_cap="1500")],
        "either volume bands or 'annual_volume_cap', not both",
    ),
    (
        "contracts",
        [b.contract(band_2_payment_gbp="")],
        "needs both its upper limit and its payment",
    ),
    ("contracts", [b.contract(band_2_upto="900")], "'band_2_upto' must be more than 'band_1_upto'"),
    (
        "contracts",
        [b.contract(band_2_payment_gbp="£900,000")],
        "'band_2_payment_gbp' must not be before 'band_1_payment_gbp'",
    ),
    ("contracts", [b.contract(), b.contract()], "Each 'contract_ref' must appear only once"),
    ("contracts", [b.contract(contract_ref="P" * 31)], "at most 30 characters"),
    (
        "contracts",
        [b.contract(lead_provider_name="")],
        "'lead_provider_name' must be filled in on every row",
    ),
    (
        "contracts",
        [b.contract(intervention_title='=HYPERLINK("http://x","y")')],
        "a spreadsheet would run them as formulas",
    ),
    (
        "contracts",
        [b.contract(start_date="2021-02-30")],
        "Every value in 'start_date' must be a date",
    ),
    (
        "contracts",
        [b.contract(start_date="06/26/2021")],
        "Every value in 'start_date' must be a date",
    ),
    (
        "contracts",
        [b.contract(start_date="2031-01-01")],
        "'start_date' must be between 1 January 2019 and two years from today",
    ),
    # referrals: performance report
    (
        "referrals_performance_report",
        [b.referral(contract_ref="PRJ_9999")],
        "must be a contract in the contract register",
    ),
    (
        "referrals_performance_report",
        [b.open_referral(1, "2021-06-10T10:00:00")],
        "on or after its contract's start date",
    ),
    (
        "referrals_performance_report",
        [b.open_referral(1, "2026-12-01T10:00:00")],
        "'date_referral_received' must not be in the future",
    ),
    (
        "referrals_performance_report",
        [b.referral(date_saa_first_arranged="2026-05-01T10:00:00")],
        "'date_saa_first_arranged' must not be before 'date_referral_received'",
    ),
    (
        "referrals_performance_report",
        [b.referral(referral_end_state="cancelled")],
        "The end state must follow from the dates",
    ),
    (
        "referrals_performance_report",
        [b.referral(referral_end_state="finished")],
        "'referral_end_state' must be one of",
    ),
    (
        "referrals_performance_report",
        [b.referral(referral_ref="AI1234AC")],
        "must look like AB1234AC",
    ),
    (
        "referrals_performance_report",
        [b.referral(referral_id="12345")],
        "must be the referral's UUID",
    ),
    (
        "referrals_performance_report",
        [b.referral(organisation_id="OTHER")],
        "'organisation_id' must be the lead provider",
    ),
    (
        "referrals_performance_report",
        [b.referral(outcomes_achieved="3")],
        "'outcomes_achieved' cannot be more than 'outcomes_to_be_achieved_count'",
    ),
    (
        "referrals_performance_report",
        [b.referral(1), b.referral(2, referral_id=b.referral(1)["referral_id"])],
        "Each 'referral_id' must appear only once",
    ),
    (
        "referrals_performance_report",
        [b.referral(count_of_sessions_expected="-3")],
        "'count_of_sessions_expected' must be between 0 and 500",
    ),
    (
        "referrals_performance_report",
        [b.referral(end_requested_by_pp_reason="Bored")],
        "'end_requested_by_pp_reason' must be a reason the referral service offers",
    ),
    (
        "referrals_performance_report",
        [b.referral(end_requested_by_pp_at="2026-06-01T10:00:00", referral_end_state="ended")],
        "When an end was requested ('end_requested_by_pp_at'), its reason must be given",
    ),
    (
        "referrals_performance_report",
        [
            b.open_referral(
                1,
                "2026-11-02T10:00:00",
                date_saa_first_arranged="2026-11-03T10:00:00",
                date_saa_first_scheduled_for="2027-07-01T10:00:00",
            )
        ],
        "not more than 6 months ahead",
    ),
    # referrals: weekly extract
    (
        "referrals_weekly_extract",
        [b.weekly(intervention_end_reason_description="Service user died")],
        "must be a code and its own description",
    ),
    (
        "referrals_weekly_extract",
        [b.weekly(crs_contract_type="Personal Wellbeing")],
        "'crs_contract_type' must be the contract type",
    ),
    (
        "referrals_weekly_extract",
        [b.weekly(crs_provider_id="Someone Else")],
        "'crs_provider_id' must be the lead provider",
    ),
    (
        "referrals_weekly_extract",
        [b.weekly(intervention_end_reason_code="ZZZ")],
        "must be a reason code of the referral service",
    ),
    # returns
    ("kpi_returns", [b.kpi(numerator="60")], "'denominator' must not be before 'numerator'"),
    (
        "kpi_returns",
        [b.kpi(quarter="2026-Q5")],
        "Every value in 'quarter' must be a calendar quarter",
    ),
    ("kpi_returns", [b.kpi(quarter="2027-Q1")], "'quarter' must not have started after today"),
    ("kpi_returns", [b.kpi(target_pct="120")], "'target_pct' must be between 0% and 100%"),
    (
        "kpi_returns",
        [b.kpi(), b.kpi()],
        "Each combination of 'contract_ref' and 'quarter' and 'provider_code' and 'kpi_code' must appear only once",
    ),
    (
        "kpi_returns",
        [b.kpi(provider_code="STRANGER")],
        "'provider_code' must be the contract's lead provider or one of its subcontractors",
    ),
    (
        "financial_returns",
        [b.finance(expect_subsidy_12m="maybe")],
        "Every value in 'expect_subsidy_12m' must be yes, no or not sure.",
    ),
    (
        "financial_returns",
        [b.finance(other_funding_gbp="-£5")],
        "'other_funding_gbp' must be between 0 and 100,000,000",
    ),
    (
        "financial_returns",
        [b.finance(contract_ref="PRJ_4040")],
        "must be a contract in the contract register",
    ),
    # organisations and forums
    ("organisations", [b.organisation(org_id="12345")], "'org_id' must be CH and a charity number"),
    ("organisations", [b.organisation(income_band="medium")], "'income_band' must be one of"),
    (
        "organisations",
        [b.organisation(specialisms="women;cats")],
        "Every specialism must be one of",
    ),
    (
        "organisations",
        [b.organisation(regions_served="B;Z")],
        "Every region in 'regions_served' must be a probation region code",
    ),
    (
        "organisations",
        [b.organisation(on_dynamic_framework="maybe")],
        "Every value in 'on_dynamic_framework' must be yes or no",
    ),
    (
        "forum_meetings",
        [b.meeting(meeting_date="2027-01-05")],
        "'meeting_date' must not be in the future",
    ),
    (
        "forum_meetings",
        [b.meeting(format="zoom")],
        "'format' must be one of (hybrid, in_person, online)",
    ),
    (
        "forum_attendance",
        [b.attendance(org_id="CH7777777")],
        "must be an organisation in the organisations register",
    ),
    (
        "forum_attendance",
        [b.attendance(meeting_id="B-1999-01")],
        "must be a meeting in the forum meetings records",
    ),
    (
        "forum_attendance",
        [b.attendance(), b.attendance()],
        "Each combination of 'meeting_id' and 'org_id' must appear only once",
    ),
]


@pytest.mark.parametrize(
    ("source_name", "rows", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_check_rejects_file_with_plain_message(base, tmp_path, source_name, rows, expected):
    """The file breaking one rule is rejected whole, with that rule's sentence and the row number."""
    message = reject(base, tmp_path, source_name, rows)
    assert expected in message
    assert "row 2" in message or "rows 2" in message


@pytest.mark.parametrize(
    ("override", "secret"),
    [
        ({"service_user_crn": "12345"}, "12345"),
        ({"end_requested_by_pp_reason": "see JK123456C"}, "JK123456C"),
        ({"end_requested_by_pp_reason": "same person as A123456"}, "A123456"),
    ],
)
def test_identifier_checks_never_repeat_the_identifier(base, tmp_path, override, secret):
    """A rejected identifier is reported by row only: the report and quarantine never show its value."""
    message = reject(base, tmp_path, "referrals_performance_report", [b.referral(**override)])
    assert "row 2" in message
    assert secret not in message
    for path in (tmp_path / "data" / "quarantine").rglob("*"):
        if path.is_file():
            assert secret not in path.read_text("utf-8")

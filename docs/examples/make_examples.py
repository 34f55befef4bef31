"""Write the example files in docs/examples/: one small file per kind of file the product accepts.

Run once from the repository root: `.venv/bin/python docs/examples/make_examples.py`. The output is
fixed (no random numbers, no clock), so running it again gives the same bytes.

The contracts, lead providers, subcontractors, contract types and end reasons are real (from the
referral service's reference data in warehouse/refdata/); every value, volume, referral, return,
identifier and meeting is invented for the example. Case reference numbers are obviously synthetic
(X000001, ...). "Today" for these files is 21 November 2026: nothing is dated after it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

HERE = Path(__file__).resolve().parent
LONDON = ZoneInfo("Europe/London")
IDS = uuid.UUID("6f1c2b1e-0c1d-4e39-9a53-2f4bb8f1a001")  # namespace for stable example UUIDs

# --- contract register (XLSX, sheet "Contracts") ------------------------------------------------
# Four South Central contracts from the referral service's register. PRJ_6262 is a larger contract
# with volume bands (its value is the published £2,443,171 over four years); PRJ_6553 and PRJ_7651
# have a volume cap; PRJ_5643 has neither.
CONTRACTS = [
    {
        "contract_ref": "PRJ_6262",
        "contract_type_code": "ACC",
        "service_categories": "Accommodation",
        "region_code": "H",
        "pcc_area_codes": None,
        "intervention_title": "Accommodation Services for South Central",
        "lead_provider_code": "INGEUS_UK_LIMITED",
        "lead_provider_name": "Ingeus UK Limited",
        "lead_provider_sector": "private",
        "subcontractor_codes": None,
        "start_date": dt.date(2021, 6, 26),
        "end_date": dt.date(2027, 6, 25),
        "annual_value_gbp": 610793,
        "indicative_annual_volume": 900,
        "annual_volume_cap": None,
        "band_1_upto": 800,
        "band_1_payment_gbp": 550000,
        "band_2_upto": 1000,
        "band_2_payment_gbp": 610793,
        "band_3_upto": 1200,
        "band_3_payment_gbp": 700000,
    },
    {
        "contract_ref": "PRJ_6553",
        "contract_type_code": "WOS",
        "service_categories": "Accommodation;Emotional Wellbeing;Family and Significant Others;"
        "Finance, Benefits and Debt (FBD);Social Inclusion",
        "region_code": "H",
        "pcc_area_codes": "thames-valley",
        "intervention_title": "Women's Services in Thames Valley DA",
        "lead_provider_code": "ADVANCE_CHARITY",
        "lead_provider_name": "Advance Charity",
        "lead_provider_sector": "voluntary",
        "subcontractor_codes": "PACT;HIBISCUS_INIT;WORKING_CHANCE_LTD;AURORA_NEW_DAWN;BIRTH_COMPANIONS",
        "start_date": dt.date(2021, 6, 26),
        "end_date": None,
        "annual_value_gbp": 186000,
        "indicative_annual_volume": 180,
        "annual_volume_cap": 200,
    },
    {
        "contract_ref": "PRJ_5643",
        "contract_type_code": "PWB",
        "service_categories": "Emotional Wellbeing;Family and Significant Others;"
        "Lifestyle and Associates;Social Inclusion",
        "region_code": "H",
        "pcc_area_codes": "thames-valley",
        "intervention_title": "Personal Wellbeing Services in Thames Valley",
        "lead_provider_code": "CATCH_22_CHARITY_LTD",
        "lead_provider_name": "Catch22 Charity Limited",
        "lead_provider_sector": "voluntary",
        "subcontractor_codes": "WILLOWDENE;JUDAH_ARMANI;ALLIANCE_SPORT;RISE_MUTUAL_CIC;CIRCLES_UK;"
        "OFFPLOY;THAMES_VALLEY_PART",
        "start_date": dt.date(2021, 6, 26),
        "end_date": None,
        "annual_value_gbp": 412500,
        "indicative_annual_volume": 480,
    },
    {
        "contract_ref": "PRJ_7651",
        "contract_type_code": "FBD-SC",
        "service_categories": "Finance, Benefit and Debt (South Central)",
        "region_code": "H",
        "pcc_area_codes": "thames-valley",
        "intervention_title": "Finance, Benefit and Debt Services in Thames Valley",
        "lead_provider_code": "INGEUS_UK_LIMITED",
        "lead_provider_name": "Ingeus UK Limited",
        "lead_provider_sector": "private",
        "subcontractor_codes": None,
        "start_date": dt.date(2023, 4, 1),
        "end_date": dt.date(2027, 3, 31),
        "annual_value_gbp": 98000,
        "indicative_annual_volume": 240,
        "annual_volume_cap": 300,
    },
]
CONTRACT_COLUMNS = [
    "contract_ref", "contract_type_code", "service_categories", "region_code", "pcc_area_codes",
    "intervention_title", "lead_provider_code", "lead_provider_name", "lead_provider_sector",
    "subcontractor_codes", "start_date", "end_date", "annual_value_gbp", "indicative_annual_volume",
    "annual_volume_cap", "band_1_upto", "band_1_payment_gbp", "band_2_upto", "band_2_payment_gbp",
    "band_3_upto", "band_3_payment_gbp",
]  # fmt: skip


def write_contract_register(path: Path) -> None:
    """An Excel register as a commercial team keeps it: real date cells, pounds formatted as money."""
    frame = pd.DataFrame([{c: row.get(c) for c in CONTRACT_COLUMNS} for row in CONTRACTS])
    for c in ("start_date", "end_date"):
        frame[c] = pd.to_datetime(frame[c])
    with pd.ExcelWriter(path, engine="xlsxwriter", datetime_format="dd/mm/yyyy") as writer:
        frame.to_excel(writer, sheet_name="Contracts", index=False)
        book, sheet = writer.book, writer.sheets["Contracts"]
        book.set_properties(
            {"title": "Contract register (example)", "created": dt.datetime(2026, 11, 21)}
        )
        money = book.add_format({"num_format": "£#,##0"})
        for i, name in enumerate(CONTRACT_COLUMNS):
            width = max(len(name), 14) + 2
            sheet.set_column(i, i, width, money if name.endswith("_gbp") else None)
        sheet.freeze_panes(1, 0)


# --- referrals ----------------------------------------------------------------------------------
def _ts(text: str | None, *, offset: bool) -> str:
    """A London wall-clock time 'YYYY-MM-DD HH:MM' as the export writes it."""
    if not text:
        return ""
    local = dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)
    if offset:  # the performance report: ISO 8601 with the UTC offset of the day (BST or GMT)
        return local.isoformat(timespec="seconds")
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # the weekly extract: UTC


def _id(ref: str) -> str:
    return str(uuid.uuid5(IDS, ref))


# Performance report: 8 referrals to three contracts, received August to November 2026.
# Columns: ref, contract, crn, caseworker, received, SAA arranged, SAA scheduled for, SAA missed,
# SAA attended, SAA completed, on time, action plan submitted, approved, first session, outcomes to
# achieve, outcomes achieved, sessions expected, attended, end requested, reason, EoSR, concluded,
# end state, complete by, end of sentence.
PERFORMANCE = [
    # Completed: full lifecycle, end-of-service report, concluded with no end request.
    ("KX4821AC", "PRJ_6262", "X000001", "ingeus.cw014", "2026-08-03 09:14", "2026-08-04 10:02",
     "2026-08-10 14:00", None, "2026-08-10 14:00", "2026-08-10 14:00", "true", "2026-08-12 11:30",
     "2026-08-13 16:05", "2026-08-18 10:00", "3", "2.5", "6", "6", None, None, "2026-10-02 15:20",
     "2026-10-02 15:21", "completed", "2026-11-30", "2027-03-14"),
    # Open: first assessment missed, attended late three days later, sessions under way.
    ("MD2290AC", "PRJ_6262", "X000002", "ingeus.cw014", "2026-09-15 11:40", "2026-09-16 09:12",
     "2026-09-22 10:00", "2026-09-22 10:00", "2026-09-25 10:20", "2026-09-25 10:20", "false",
     "2026-09-30 15:45", "2026-10-01 12:10", "2026-10-06 13:00", "2", None, "8", "3", None, None,
     None, None, None, "2027-01-31", "2027-08-02"),
    # Cancelled: the practitioner ended it before the assessment (no end-of-service report).
    ("TF7730AC", "PRJ_6262", "X000003", "ingeus.cw022", "2026-10-06 14:05", "2026-10-07 09:30",
     "2026-10-13 11:00", None, None, None, None, None, None, None, "2", None, None, None,
     "2026-10-09 16:40", "Returned to custody", None, "2026-10-09 16:41", "cancelled",
     "2027-02-28", "2028-05-19"),
    # Open: received this week; the assessment was yesterday and its feedback is not in yet.
    ("HW1056AC", "PRJ_6262", "X000004", None, "2026-11-16 10:25", "2026-11-17 09:05",
     "2026-11-20 14:30", None, None, None, None, None, None, None, None, None, None, None, None,
     None, None, None, None, "2027-03-31", "2027-06-30"),
    # Ended: end requested after some sessions, with an end-of-service report.
    ("RB3317WO", "PRJ_6553", "X000005", "advance.tv03", "2026-08-19 13:15", "2026-08-20 10:00",
     "2026-08-27 11:00", None, "2026-08-27 11:00", "2026-08-27 11:00", "true", "2026-09-01 16:20",
     "2026-09-02 09:45", "2026-09-08 10:30", "4", "1.5", "10", "5", "2026-10-28 12:00",
     "Not engaged", "2026-11-02 15:10", "2026-11-03 09:00", "ended", "2027-02-19", "2027-01-08"),
    # Open, in delivery. The same person as HW1056AC (X000004): one person, two contracts.
    ("GZ8841WO", "PRJ_6553", "X000004", "advance.tv03", "2026-09-08 10:50", "2026-09-08 15:30",
     "2026-09-15 10:00", None, "2026-09-15 10:00", "2026-09-15 10:00", "true", "2026-09-18 12:00",
     "2026-09-21 10:15", "2026-09-24 14:00", "3", None, "12", "6", None, None, None, None, None,
     "2027-03-08", "2027-06-30"),
    # Open: assessed, action plan not yet submitted.
    ("LC5502WO", "PRJ_6553", "X000006", "advance.tv01", "2026-10-13 09:35", "2026-10-14 11:20",
     "2026-10-21 13:00", None, "2026-10-21 13:00", "2026-10-21 13:00", "true", None, None, None,
     "2", None, None, None, None, None, None, None, None, "2027-04-13", "2029-01-22"),
    # Open: personal wellbeing, action plan approved, no session attended yet.
    ("PN6093PE", "PRJ_5643", "X000007", "catch22.tv07", "2026-10-01 15:05", "2026-10-02 10:40",
     "2026-10-09 10:00", None, "2026-10-09 10:00", "2026-10-09 10:00", "true", "2026-10-15 14:30",
     "2026-10-19 11:00", None, "3", None, "6", "0", None, None, None, None, None, "2027-04-01",
     "2027-02-26"),
]  # fmt: skip
PERFORMANCE_COLUMNS = [
    "referral_ref", "referral_id", "contract_ref", "organisation_id", "caseworker_id",
    "service_user_crn", "date_referral_received", "date_saa_first_arranged",
    "date_saa_first_scheduled_for", "date_saa_first_not_attended", "date_saa_first_attended",
    "date_saa_first_completed", "saa_attended_on_time", "date_first_action_plan_submitted",
    "date_of_first_action_plan_approval", "date_of_first_attended_session",
    "outcomes_to_be_achieved_count", "outcomes_achieved", "count_of_sessions_expected",
    "count_of_sessions_attended", "end_requested_by_pp_at", "end_requested_by_pp_reason",
    "date_eosr_submitted", "concluded_at", "referral_end_state",
    "date_intervention_to_be_completed_by", "end_of_sentence_date",
]  # fmt: skip
TIMESTAMP_FIELDS = {4, 5, 6, 7, 8, 9, 11, 12, 13, 18, 20, 21}  # positions in PERFORMANCE rows


def performance_rows() -> list[list[str]]:
    provider = {c["contract_ref"]: c["lead_provider_code"] for c in CONTRACTS}
    out = []
    for row in PERFORMANCE:
        values = [
            _ts(v, offset=True) if i in TIMESTAMP_FIELDS else (v or "") for i, v in enumerate(row)
        ]
        ref, contract, crn, caseworker, *rest = values
        out.append([ref, _id(ref), contract, provider[contract], caseworker, crn, *rest])
    return out


# Weekly extract: 5 referrals to PRJ_7651 (finance, benefit and debt), September to November 2026.
# Columns: ref, crn, officer, sentence id, received, action plan submitted, approved, outcomes to
# achieve, progress, sessions expected, attended, end requested, end state, EoSR, reason code,
# reason description, concluded.
WEEKLY = [
    ("EJ2214FI", "X000008", "pp.tvalley041", "2500117734", "2026-09-07 10:12", "2026-09-16 11:00",
     "2026-09-17 09:30", "2", "2", "4", "4", None, "completed", "2026-10-28 16:00", None, None,
     "2026-10-28 16:05"),
    ("UV7386FI", "X000009", "pp.tvalley017", "2500120981", "2026-09-22 14:48", None, None, "2",
     None, None, None, "2026-10-06 09:20", "cancelled", None, "NOT", "Not engaged",
     "2026-10-06 09:21"),
    ("CY0457FI", "X000010", "pp.tvalley041", "2500118826", "2026-10-05 09:03", "2026-10-14 15:10",
     "2026-10-15 10:00", "3", None, "5", "2", None, None, None, None, None, None),
    ("DR5129FI", "X000011", "pp.tvalley022", "2500122410", "2026-10-19 11:27", "2026-10-27 12:00",
     "2026-10-28 09:15", "2", "0.5", "4", "1", "2026-11-09 10:30", "ended", "2026-11-13 14:45",
     "MOV", "Moved out of service area", "2026-11-13 15:00"),
    ("QN8862FI", "X000001", "pp.tvalley017", "2500123095", "2026-11-10 13:36", None, None, None,
     None, None, None, None, None, None, None, None, None),
]  # fmt: skip
WEEKLY_COLUMNS = [
    "referral_ref", "referral_id", "crs_contract_reference", "crs_contract_type", "crs_provider_id",
    "referring_officer_id", "relevant_sentence_id", "service_user_crn", "date_referral_received",
    "date_first_action_plan_submitted", "date_of_first_action_plan_approval",
    "outcomes_to_be_achieved_count", "outcomes_progress", "count_of_sessions_expected",
    "count_of_sessions_attended", "date_intervention_ended", "intervention_end_reason",
    "date_end_of_service_report_submitted", "intervention_end_reason_code",
    "intervention_end_reason_description", "intervention_concluded_at",
]  # fmt: skip
WEEKLY_TIMESTAMPS = {4, 5, 6, 11, 13, 16}
WEEKLY_CONTRACT = ("PRJ_7651", "Finance, Benefit and Debt (South Central)", "Ingeus UK Limited")


def weekly_rows() -> list[list[str]]:
    out = []
    for row in WEEKLY:
        values = [
            _ts(v, offset=False) if i in WEEKLY_TIMESTAMPS else (v or "") for i, v in enumerate(row)
        ]
        ref, crn, officer, sentence, *rest = values
        out.append([ref, _id(ref), *WEEKLY_CONTRACT, officer, sentence, crn, *rest])
    return out


# --- quarterly returns ---------------------------------------------------------------------------
KPI_NAMES = {
    "KPI1": "Initial assessment within 10 working days of referral",
    "KPI2": "First action plan within 5 working days of the assessment",
    "KPI3": "End-of-service report within 5 working days",
}
KPI_RETURNS = [  # contract, quarter, KPI, numerator, denominator, target %
    ("PRJ_6262", "2026-Q3", "KPI1", "164", "187", "90"),
    ("PRJ_6262", "2026-Q3", "KPI2", "139", "158", "85"),
    ("PRJ_6262", "2026-Q3", "KPI3", "52", "61", "90"),
    ("PRJ_6553", "2026-Q3", "KPI1", "49", "51", "90"),
    ("PRJ_6553", "2026-Q3", "KPI2", "41", "47", "85"),
    ("PRJ_6553", "2026-Q3", "KPI3", "17", "19", "90"),
    ("PRJ_5643", "2026-Q3", "KPI1", "98", "117", "90"),
    ("PRJ_5643", "2026-Q3", "KPI2", "88", "101", "85"),
    ("PRJ_5643", "2026-Q3", "KPI3", "34", "36", "90"),
]
# Money as Excel writes it with a currency format: '£' and thousands commas, so quoted.
# The provider column is left empty for the lead's own return; a subcontractor names itself. The two
# answers (yes / no / not sure) are asked in the April-June return; empty when not answered.
FINANCIAL_RETURNS = [  # contract, quarter, provider, income, full cost, other funding, its source, value
    # sufficient?, expect to subsidise in the next 12 months?
    ("PRJ_6262", "2026-Q2", "", "£152,698", "£149,870", "£0", "", "yes", "no"),
    ("PRJ_6262", "2026-Q3", "", "£152,698", "£151,204", "£0", "", "", ""),
    ("PRJ_6553", "2026-Q2", "", "£46,500", "£54,960", "£8,460", "Women’s centre reserves", "no", "yes"),
    ("PRJ_6553", "2026-Q3", "", "£46,500", "£56,120", "£9,620", "Reserves and a local trust grant", "", ""),
    ("PRJ_6553", "2026-Q3", "HIBISCUS_INIT", "£6,200", "£7,450", "£1,250", "Charitable grant", "no", "yes"),
    ("PRJ_5643", "2026-Q2", "", "£103,125.00", "£106,480.50", "£3,355.50", "Fundraising", "not sure", "not sure"),
    ("PRJ_5643", "2026-Q3", "", "£103,125.00", "£104,300.00", "£1,175.00", "Fundraising", "", ""),
]  # fmt: skip

# --- engagement ----------------------------------------------------------------------------------
# Real providers of the referral service carry the team's own ORG- numbers; the small local
# organisations (with charity or company numbers) are invented.
ORGANISATIONS = [  # id, name, income band, specialisms, regions, on framework, in supply chain,
    # provider code (older files), provider codes, service categories
    ("ORG-101", "Advance Charity", "1m_10m", "women;housing", "H;I;J;K", "yes", "yes",
     "", "ADVANCE_CHARITY",
     "Accommodation;Emotional Wellbeing"),
    ("ORG-102", "Catch22 Charity Limited", "over_10m", "young_adults;employment", "H;J", "yes",
     "yes", "", "CATCH_22_CHARITY_LTD",
     "Education, Training and Employment (ETE);Social Inclusion"),
    ("ORG-103", "PACT", "1m_10m", "families", "H;J", "no", "yes", "", "PACT",
     "Family and Significant Others"),
    ("ORG-104", "Thames Valley Partnership", "500k_1m", "families;young_adults", "H", "no", "yes",
     "", "THAMES_VALLEY_PART",
     "Family and Significant Others;Lifestyle and Associates"),
    ("CH1234567", "Slough Sisters Circle", "10k_100k", "women;racially_minoritised_led", "H", "no",
     "no", "", "",
     "Emotional Wellbeing;Social Inclusion"),
    ("CO12345678", "Second Chance Bikes CIC", "100k_500k", "employment;young_adults", "H", "no",
     "no", "", "",
     "Education, Training and Employment (ETE)"),
    ("ORG-107", "Milton Keynes Veterans Drop-in", "under_10k", "veterans;mental_health", "H", "no",
     "no", "", "",
     "Social Inclusion;Emotional Wellbeing"),
    ("ORG-108", "Island Recovery Café", "10k_100k", "substance_misuse;mental_health", "H", "no",
     "no", "", "",
     "Dependency and Recovery (D&R)"),
]  # fmt: skip
MEETINGS = [  # id, region, date (dd/mm/yyyy, as typed in Excel), format, topic
    ("H-2026-03", "H", "17/03/2026", "in_person", "Women's services recommissioning: early market engagement"),
    ("H-2026-06", "H", "23/06/2026", "online", "Referral volumes against indicative volumes"),
    ("H-2026-09", "H", "15/09/2026", "hybrid", "Getting onto the Dynamic Framework: a session for small organisations"),
    ("H-2026-11", "H", "10/11/2026", "in_person", "Accommodation pressures in Thames Valley"),
]  # fmt: skip
ATTENDANCE = [
    ("H-2026-03", "ORG-101"), ("H-2026-03", "ORG-103"), ("H-2026-03", "CH1234567"),
    ("H-2026-06", "ORG-101"), ("H-2026-06", "ORG-102"), ("H-2026-06", "ORG-104"),
    ("H-2026-09", "CH1234567"), ("H-2026-09", "CO12345678"), ("H-2026-09", "ORG-107"),
    ("H-2026-09", "ORG-108"), ("H-2026-11", "ORG-101"), ("H-2026-11", "ORG-104"),
]  # fmt: skip


def csv_text(header: list[str], rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # Excel and the service end lines with CRLF
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_all(folder: Path = HERE) -> list[Path]:
    files = {
        "referrals_performance_report.csv": (
            csv_text(PERFORMANCE_COLUMNS, performance_rows()), "utf-8-sig"),
        "referrals_weekly_extract.csv": (csv_text(WEEKLY_COLUMNS, weekly_rows()), "utf-8"),
        "kpi_returns.csv": (csv_text(
            ["contract_ref", "quarter", "provider_code", "kpi_code", "kpi_name", "numerator", "denominator",
             "target_pct"],
            [(c, q, "", k, KPI_NAMES[k], n, d, t) for c, q, k, n, d, t in KPI_RETURNS]), "utf-8"),
        "financial_returns.csv": (csv_text(
            ["contract_ref", "quarter", "provider_code", "contract_income_gbp", "full_delivery_cost_gbp",
             "other_funding_gbp", "other_funding_source", "value_sufficient", "expect_subsidy_12m"],
            FINANCIAL_RETURNS), "cp1252"),
        "organisations.csv": (csv_text(
            ["org_id", "org_name", "income_band", "specialisms", "regions_served",
             "on_dynamic_framework", "in_supply_chain", "provider_code", "provider_codes",
             "service_categories"], ORGANISATIONS), "utf-8"),
        "forum_meetings.csv": (csv_text(
            ["meeting_id", "region_code", "meeting_date", "format", "topic"], MEETINGS), "utf-8"),
        "forum_attendance.csv": (csv_text(["meeting_id", "org_id"], ATTENDANCE), "utf-8"),
    }  # fmt: skip
    written = []
    for name, (text, encoding) in files.items():
        path = folder / name
        path.write_bytes(text.encode(encoding))
        written.append(path)
    register = folder / "contract_register.xlsx"
    write_contract_register(register)
    return [register, *written]


if __name__ == "__main__":
    for path in write_all():
        print(f"wrote {path.relative_to(HERE.parent.parent)}")

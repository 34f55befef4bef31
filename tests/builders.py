"""Small valid rows for every source, and writers for test files. Tests override fields to break them."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from ingest.sources import source

TODAY = "2026-11-21"


def contract(**over) -> dict:
    row = {
        "contract_ref": "PRJ_0001",
        "contract_type_code": "ACC",
        "service_categories": "Accommodation",
        "region_code": "B",
        "pcc_area_codes": "",
        "intervention_title": "Accommodation North West",
        "lead_provider_code": "ACME",
        "lead_provider_name": "Acme Housing",
        "lead_provider_sector": "voluntary",
        "subcontractor_codes": "",
        "start_date": "2021-06-26",
        "end_date": "",
        "annual_value_gbp": "£1,200,000",
        "indicative_annual_volume": "1200",
        "annual_volume_cap": "",
        "band_1_upto": "1000",
        "band_1_payment_gbp": "£1,000,000",
        "band_2_upto": "1300",
        "band_2_payment_gbp": "£1,200,000",
        "band_3_upto": "",
        "band_3_payment_gbp": "",
    }
    return row | over


# Overrides for b.contract() that take away its volume bands (give annual_volume_cap instead, or nothing).
NO_BANDS = {
    "band_1_upto": "",
    "band_1_payment_gbp": "",
    "band_2_upto": "",
    "band_2_payment_gbp": "",
}


# Overrides for b.contract() that make it a women's service.
WOMENS_SERVICE = {
    "contract_type_code": "WOS",
    "service_categories": "Accommodation;Emotional Wellbeing",
}


def women_contract(**over) -> dict:
    """A second contract, PRJ_0002: a women's service in Cheshire led by Women Org, with a volume cap
    and no bands (the second contract of the small warehouse and of the hostile corpus's baseline)."""
    return (
        contract(
            contract_ref="PRJ_0002",
            **WOMENS_SERVICE,
            pcc_area_codes="cheshire",
            lead_provider_code="WOMEN",
            lead_provider_name="Women Org",
            annual_value_gbp="£120,000",
            indicative_annual_volume="120",
            annual_volume_cap="140",
            **NO_BANDS,
        )
        | over
    )


def referral(n: int = 1, **over) -> dict:
    """A completed referral received on 2026-05-04, lifecycle in order."""
    row = {
        "referral_ref": f"AB{n:04d}AC",
        "referral_id": str(uuid.UUID(int=n, version=4)),
        "contract_ref": "PRJ_0001",
        "organisation_id": "ACME",
        "caseworker_id": "sp.worker1",
        "service_user_crn": f"X{n:06d}",
        "date_referral_received": "2026-05-04T10:00:00",
        "date_saa_first_arranged": "2026-05-05T10:00:00",
        "date_saa_first_scheduled_for": "2026-05-08T10:00:00",
        "date_saa_first_not_attended": "",
        "date_saa_first_attended": "2026-05-08T10:00:00",
        "date_saa_first_completed": "2026-05-08T10:00:00",
        "saa_attended_on_time": "true",
        "date_first_action_plan_submitted": "2026-05-12T10:00:00",
        "date_of_first_action_plan_approval": "2026-05-13T10:00:00",
        "date_of_first_attended_session": "2026-05-20T10:00:00",
        "outcomes_to_be_achieved_count": "2",
        "outcomes_achieved": "1.5",
        "count_of_sessions_expected": "6",
        "count_of_sessions_attended": "6",
        "end_requested_by_pp_at": "",
        "end_requested_by_pp_reason": "",
        "date_eosr_submitted": "2026-07-01T10:00:00",
        "concluded_at": "2026-07-01T10:00:00",
        "referral_end_state": "completed",
        "date_intervention_to_be_completed_by": "2026-09-01",
        "end_of_sentence_date": "2027-01-01",
    }
    return row | over


def open_referral(
    n: int, received: str, contract_ref: str = "PRJ_0001", crn: str | None = None, **over
) -> dict:
    """A referral received at `received` (ISO) and not yet assessed."""
    blank = {
        k: ""
        for k in referral()
        if k.startswith(
            (
                "date_saa",
                "date_first",
                "date_of",
                "date_eosr",
                "outcomes",
                "count_of",
                "end_requested",
                "concluded",
                "referral_end",
            )
        )
    }
    return referral(
        n,
        **(
            blank
            | {
                "saa_attended_on_time": "",
                "contract_ref": contract_ref,
                "date_referral_received": received,
                "service_user_crn": crn or f"X{n:06d}",
            }
            | over
        ),
    )


def weekly(n: int = 1, **over) -> dict:
    row = {
        "referral_ref": f"CD{n:04d}AC",
        "referral_id": str(uuid.UUID(int=10_000 + n, version=4)),
        "crs_contract_reference": "PRJ_0001",
        "crs_contract_type": "Accommodation",
        "crs_provider_id": "Acme Housing",
        "referring_officer_id": "pp.user1",
        "relevant_sentence_id": "2500123456",
        "service_user_crn": f"Y{n:06d}",
        "date_referral_received": "2026-06-02T09:00:00",
        "date_first_action_plan_submitted": "",
        "date_of_first_action_plan_approval": "",
        "outcomes_to_be_achieved_count": "",
        "outcomes_progress": "",
        "count_of_sessions_expected": "",
        "count_of_sessions_attended": "",
        "date_intervention_ended": "2026-06-10T09:00:00",
        "intervention_end_reason": "cancelled",
        "date_end_of_service_report_submitted": "",
        "intervention_end_reason_code": "MIS",
        "intervention_end_reason_description": "Referral was made by mistake",
        "intervention_concluded_at": "2026-06-10T09:00:00",
    }
    return row | over


def kpi(**over) -> dict:
    return {
        "contract_ref": "PRJ_0001",
        "quarter": "2026-Q2",
        "kpi_code": "KPI1",
        "kpi_name": "Initial assessment within 10 working days",
        "numerator": "45",
        "denominator": "52",
        "target_pct": "90",
    } | over


def finance(**over) -> dict:
    return {
        "contract_ref": "PRJ_0001",
        "quarter": "2026-Q2",
        "contract_income_gbp": "£300,000",
        "full_delivery_cost_gbp": "£330,000",
        "other_funding_gbp": "£30,000",
        "other_funding_source": "Reserves",
    } | over


def organisation(**over) -> dict:
    return {
        "org_id": "CH1000001",
        "org_name": "Mersey Women's Centre",
        "income_band": "100k_500k",
        "specialisms": "women",
        "regions_served": "B",
        "on_dynamic_framework": "no",
        "in_supply_chain": "no",
        "provider_code": "",
        "provider_codes": "",
        "service_categories": "",
    } | over


def meeting(**over) -> dict:
    return {
        "meeting_id": "B-2026-07",
        "region_code": "B",
        "meeting_date": "2026-07-14",
        "format": "hybrid",
        "topic": "Accommodation pathway",
    } | over


def attendance(**over) -> dict:
    return {"meeting_id": "B-2026-07", "org_id": "CH1000001"} | over


def write_csv(path: Path, source_name: str, rows: list[dict], *, encoding: str = "utf-8") -> Path:
    """A CSV with exactly the source's header, in its order; fields a row leaves out are empty."""
    headers = source(source_name).headers
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.DictWriter(f, fieldnames=headers, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({h: row.get(h, "") for h in headers})
    return path

"""What the flag pages show of flags (dashboard/flags/view.py), on small frames: contract labels, the
months offered with their counts, what a raised flag records of the warehouse, the triage page's three
figures, a flag as offered for review and the reconciliation in one line. Values worked out by hand.
(The queue and the flag table are checked in tests/unit/test_access_and_flags.py.)"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.flags import view as flagview
from dashboard.flags.store import ContractFacts


def _flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "flag_id": [3, 5, 8],
            "contract_ref": ["PRJ_1", "PRJ_2", "PRJ_1"],
            "month": pd.to_datetime(["2026-05-01", "2026-09-01", "2026-10-01"]),
            "status": ["open", "under_review", "resolved"],
            "overdue": [True, False, False],
        }
    )


def test_contract_titles_are_labels_by_reference():
    contracts = pd.DataFrame(
        {
            "contract_ref": ["PRJ_1", "PRJ_2", "PRJ_3"],
            "contract_label": ["Accommodation (PRJ_1)", "ETE (PRJ_2)", "Women (PRJ_3)"],
        }
    )
    assert flagview.contract_titles(contracts) == {
        "PRJ_1": "Accommodation (PRJ_1)",
        "PRJ_2": "ETE (PRJ_2)",
        "PRJ_3": "Women (PRJ_3)",
    }


def test_status_counts_leave_resolved_flags_out():
    """One open (and overdue), one under review; the resolved flag 8 is in no figure."""
    assert flagview.status_counts(_flags()) == {"Open": 1, "Under review": 1, "Overdue": 1}


def test_a_flag_is_offered_by_its_contract_label_month_and_status():
    """A contract with no label (not among the titles) is named by its reference."""
    titles = {"PRJ_1": "Accommodation (PRJ_1)"}
    assert (
        flagview.flag_label(_flags(), 3, titles)
        == "Flag 3: Accommodation (PRJ_1), May 2026 (open, overdue)"
    )
    assert flagview.flag_label(_flags(), 5, titles) == "Flag 5: PRJ_2, Sep 2026 (under review)"
    assert flagview.flag_label(_flags(), 8, titles) == (
        "Flag 8: Accommodation (PRJ_1), Oct 2026 (resolved)"
    )


def test_reconciliation_line_counts_each_side_and_says_none():
    references = pd.DataFrame(
        {
            "reference": ["AB1234AC", "AB1234AD", "AB1234AE"],
            "found_in": ["provider_only", "both", "provider_only"],
        }
    )
    assert flagview.reconciliation_line(references) == (
        "only in your list: 2; only in the warehouse: 0; in both: 1"
    )


def test_month_counts_by_the_first_of_each_month_newest_first():
    months = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-10-01", "2026-09-01", "2026-08-01"]),
            "received": [14, 0, 9],
        }
    )
    assert flagview.month_counts(months) == {
        dt.date(2026, 10, 1): 14,
        dt.date(2026, 9, 1): 0,
        dt.date(2026, 8, 1): 9,
    }


def test_contract_facts_record_the_contracts_region_lead_and_the_warehouses_references():
    row = pd.DataFrame(
        {"contract_ref": ["PRJ_1"], "region_code": ["B"], "lead_provider_code": ["LANCSW"]}
    )
    references = pd.Series(["AB1234AC", "AB1234AD", "AB1234AE"], name="referral_ref")
    assert flagview.contract_facts(row, 3, references, 7) == ContractFacts(
        region_code="B",
        lead_provider_code="LANCSW",
        warehouse_count=3,
        warehouse_references=("AB1234AC", "AB1234AD", "AB1234AE"),
        version=7,
    )

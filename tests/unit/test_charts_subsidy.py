"""The Subsidy page's pure half (dashboard/charts/subsidy.py) on three-row frames: the three states'
table and the sentence that adds them up, the quarterly and per-group tables, the risk reasons and
what each chart draws. Values worked out by hand."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import subsidy as charts

HEAD = pd.Series(
    {
        "quarter": "2026-Q2",
        "contracts_returned": 20,
        "contracts_under_funded": 5,
        "contracts_subsidised": 4,
        "contracts_gap_not_covered": 3,
        "shortfall_gbp": 12_345.6,
        "other_funding_gbp": 8_000.4,
        "uncovered_gbp": 4_345.2,
    }
)


def test_state_table_gives_count_share_and_pounds():
    table = charts.state_table(HEAD)
    assert list(table.State) == ["Under-funded", "Subsidised", "Gap not covered"]
    assert list(table.Contracts) == [5, 4, 3]
    assert list(table["Share of contracts returned (%)"]) == [25.0, 20.0, 15.0]  # of 20
    assert list(table["Pounds (£)"]) == [12_346, 8_000, 4_345]


def test_the_combinations_add_up_as_documented():
    overlap = charts.overlap_table(
        pd.DataFrame(
            {
                "money_state": [
                    "under-funded, nothing covered",
                    "under-funded, partly covered",
                    "under-funded, covered by other funding",
                    "subsidised, not under-funded",
                    "neither",
                ],
                "contracts": [2, 1, 2, 1, 14],
            }
        )
    )
    assert list(overlap.Combination)[:2] == [
        "Under-funded, nothing covered",
        "Under-funded, partly covered",
    ]
    # under-funded 5 = 2 + 1 + 2; subsidised 4 = 1 + 2 + 1; gap not covered 3 = 2 + 1
    assert charts.adds_up(HEAD, overlap) == (
        "Under-funded 5 = 2 + 1 + 2; subsidised 4 = 1 + 2 + 1; gap not covered 3 = 2 + 1; "
        "all combinations add up to the 20 contracts that returned."
    )


def test_quarter_table_rounds_pounds_and_marks_the_provisional_quarter():
    quarters = pd.DataFrame(
        {
            "quarter": ["2025-Q4", "2026-Q1", "2026-Q2"],
            "shortfall_gbp": [100.4, 0.0, 2_000.6],
            "other_funding_gbp": [0.0, 50.5, 1_000.0],
            "uncovered_gbp": [100.4, 0.0, 1_000.6],
            "contracts_under_funded": [1, 0, 2],
            "contracts_subsidised": [0, 1, 1],
            "contracts_gap_not_covered": [1, 0, 1],
            "returns_in": [3, 3, 1],
            "returns_due": [3, 3, 3],
            "is_provisional": [False, False, True],
        }
    )
    table = charts.quarter_table(quarters)
    assert list(table["Shortfall (£)"]) == [100.0, 0.0, 2_001.0]
    assert list(table.Provisional) == ["no", "no", "yes"]
    spec = charts.quarterly_lines(table).to_dict()
    assert spec["height"] == 300
    (data,) = spec["datasets"].values()
    assert len(data) == 6  # three quarters, two measures


def test_risk_reasons_are_listed_in_full_and_escaped():
    risk = charts.risk_table(
        pd.DataFrame(
            {
                "contract_label": ["A (PRJ_1)", "B *bold* (PRJ_2)", "C (PRJ_3)"],
                "risk_score": [7, 4, 1],
                "reasons": ["under-funded in 3 of 4 quarters", "subsidised", "no return"],
                "lead_provider_name": ["P", "Q", "R"],
                "lot": ["Lot 1", "Lot 2", "Lot 1"],
            }
        )
    )
    assert list(risk.Rank) == [1, 2, 3]
    assert list(risk.Contract) == ["A (PRJ_1)", "B *bold* (PRJ_2)", "C (PRJ_3)"]
    assert charts.reasons_list(risk).splitlines()[2:] == [
        r"1. **A \(PRJ\_1\)**: under\-funded in 3 of 4 quarters",
        r"2. **B \*bold\* \(PRJ\_2\)**: subsidised",
        r"3. **C \(PRJ\_3\)**: no return",
    ]


def test_split_table_gives_each_state_as_count_share_and_pounds():
    split = pd.DataFrame(
        {
            "group": ["small", "large", "specialist"],
            "contracts_returned": [4, 10, 5],
            "contracts_under_funded": [1, 2, 0],
            "contracts_subsidised": [2, 0, 1],
            "contracts_gap_not_covered": [0, 1, 0],
            "shortfall_gbp": [10.4, 20.0, 0.0],
            "other_funding_gbp": [5.0, 0.0, 7.6],
            "uncovered_gbp": [0.0, 3.0, 0.0],
        }
    )
    table = charts.split_table(split, "Provider sector")
    assert list(table["Provider sector"]) == ["Small", "Large", "Specialist"]
    assert list(table["Under-funded (%)"]) == [25.0, 20.0, 0.0]
    assert list(table["Subsidised (£)"]) == [5.0, 0.0, 8.0]
    spec = charts.state_bars(table, label="Provider sector").to_dict()
    (data,) = spec["datasets"].values()
    assert [row["Label"] for row in data[:3]] == ["1 of 4", "2 of 10", "0 of 5"]
    # Each group's three bars take a step of 3 x 22 px: 198 px for the three groups.
    assert spec["height"] == {"step": 3 * 22, "for": "position"}


def test_unfunded_demand_names_each_contract_year_largest_first():
    demand = charts.demand_table(
        pd.DataFrame(
            {
                "contract_label": ["A (PRJ_1)", "B (PRJ_2)", "C (PRJ_3)"],
                "contract_year": [1, 2, 1],
                "lead_provider_name": ["P", "Q", "R"],
                "lot": ["Lot 1", "Lot 2", "Lot 1"],
                "year_start": pd.to_datetime(["2025-06-01", "2025-07-01", "2026-01-01"]),
                "year_end": pd.to_datetime(["2026-05-31", "2026-06-30", "2026-12-31"]),
                "referrals_received": [130, 420, 95],
                "volume_cap": [120, 400, 90],
                "referrals_above_cap": [10, 20, 5],
                "is_provisional": [False, False, True],
            }
        )
    )
    assert list(demand["Contract year"]) == [
        "A (PRJ_1), year 1",
        "B (PRJ_2), year 2",
        "C (PRJ_3), year 1",
    ]
    assert list(demand.From) == ["01 Jun 2025", "01 Jul 2025", "01 Jan 2026"]
    spec = charts.demand_bars(demand).to_dict()
    (data,) = spec["datasets"].values()
    assert [row["Label"] for row in data] == ["20", "10", "5 so far"]


def test_every_return_lists_each_contract_by_name_and_reference():
    """The every-return table names each return's contract by its label (name, then reference), a
    subcontractor's return under the same label as its lead's; 2026-Q3 is provisional."""
    money = [1_000.4, 0.0, 499.6]
    rows = pd.DataFrame(
        {
            "contract_label": ["Housing (PRJ_1)", "Housing (PRJ_1)", "Jobs (PRJ_2)"],
            "lot": ["Lot 1", "Lot 1", "Lot 2"],
            "quarter": ["2026-Q3", "2026-Q3", "2026-Q2"],
            "provider_name": ["Lead", "Small Sub", "Other Lead"],
            "role": ["lead", "subcontractor", "lead"],
            "contract_income_gbp": money,
            "full_delivery_cost_gbp": money,
            "shortfall_gbp": money,
            "shortfall_pct_of_value": [1.04, 0.0, 0.55],
            "other_funding_gbp": money,
            "other_funding_source": ["Reserves", None, None],
            "uncovered_gbp": money,
            "other_funding_beyond_shortfall_gbp": money,
            "is_under_funded": [True, False, True],
            "is_subsidised": [True, False, False],
            "is_gap_not_covered": [False, False, True],
            "value_sufficient": ["no", None, "yes"],
            "expect_subsidy_12m": [None, None, "not sure"],
            "contract_state": ["under-funded, covered by other funding", "", "neither"],
        }
    )
    quarters = pd.DataFrame({"quarter": ["2026-Q2", "2026-Q3"], "is_provisional": [False, True]})
    table = charts.contract_quarter_table(rows, quarters)
    assert list(table.Contract) == ["Housing (PRJ_1)", "Housing (PRJ_1)", "Jobs (PRJ_2)"]
    assert list(table.columns[:4]) == ["Contract", "Lot", "Quarter", "Provider"]
    assert "Service" not in table.columns  # the name is in the label
    assert list(table["Shortfall (£)"]) == [1_000.0, 0.0, 500.0]
    assert list(table["Other funding from"]) == ["Reserves", "", ""]
    assert list(table.Provisional) == ["yes", "yes", "no"]

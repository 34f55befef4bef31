"""The Supply chains page's pure half (dashboard/charts/supply_chain.py) on small frames: the sentences,
each table's columns and words, and what the shares chart draws (its spec validated against Vega-Lite by
to_dict()). Values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.charts import supply_chain as charts


def _diversity(segments: dict[str, dict]) -> pd.DataFrame:
    """mart_supply_chain_diversity rows for one region, one per segment; unnamed counts are 0."""
    columns = ("known", "leads", "subcontractors", "supply_chain", "providers_not_in_register")
    percents = ("known_pct", "supply_chain_pct", "lead_pct")
    return pd.DataFrame(
        [
            {
                "region_name": "Wales",
                "segment": segment,
                "segment_name": values.get("segment_name", segment),
                **{c: values.get(c, 0) for c in columns},
                **{p: values.get(p, math.nan) for p in percents},
            }
            for segment, values in segments.items()
        ]
    )


def test_headlines_count_leads_in_words_one_and_many():
    """Three Welsh leads, one women's specialist lead and two minority-led leads, each said as counted."""
    rows = _diversity(
        {
            "welsh": {"leads": 3, "subcontractors": 1},
            "racially_minoritised_led": {"leads": 2, "subcontractors": 0},
            "women": {"leads": 1, "subcontractors": 2},
            "small": {"known_pct": 40.0, "supply_chain_pct": 12.5},
            "all": {"known": 10, "supply_chain": 8, "leads": 4},
            "over_1m": {"leads": 1, "lead_pct": 25.0},
        }
    )
    assert charts.headlines(rows) == [
        "3 Welsh organisations lead a contract in Wales; 1 Welsh organisation is a subcontractor.",
        "No organisation led by and for racially minoritised people is a subcontractor; 2 lead a contract.",
        "2 women's specialist organisations are subcontractors; 1 leads a contract.",
        "40% of the 10 known organisations are small (income under £100k); 12% of the supply chain is.",
        "25% of the organisations leading contracts have income over £1m (1 of 4).",
    ]


def test_diversity_table_rounds_shares_to_one_place():
    table = charts.diversity_table(
        _diversity(
            {
                "all": {"segment_name": "All organisations", "known": 7, "known_pct": 100.0},
                "small": {"segment_name": "Small", "known": 4, "known_pct": 400 / 7},
                "women": {"segment_name": "Women's specialist", "known": 1, "known_pct": 100 / 7},
            }
        )
    )
    assert list(table["Kind of organisation"]) == [
        "All organisations",
        "Small",
        "Women's specialist",
    ]
    assert list(table["Share of known (%)"]) == [100.0, 57.1, 14.3]


def test_share_bars_leave_out_all_organisations_and_label_each_bar_with_its_series():
    table = pd.DataFrame(
        {
            "Kind of organisation": ["All organisations", "Small", "Women's specialist"],
            "Share of known (%)": [100.0, 57.1, 0.0],
            "Share of the supply chain (%)": [100.0, 25.0, math.nan],
        }
    )
    spec = charts.share_bars(table).to_dict()
    (data,) = spec["datasets"].values()
    # Two kinds, two bars each: the known shares first, then the supply chain's; no share shown as '–'.
    assert [row["Label"] for row in data] == [
        "known 57%",
        "known 0%",
        "supply chain 25%",
        "supply chain –",
    ]
    assert spec["height"] == 160  # two one-line kinds are shorter than the least height


def _rows(columns: str, *rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns.split())


def test_contradictions_table_says_the_registers_role_in_words():
    table = charts.contradictions_table(
        _rows(
            "org_name org_id stated derived_role contracts_led contracts_subcontracted",
            ("A", "O1", "no", "lead", 2, 0),
            ("B", "O2", "no", "subcontractor", 0, 1),
            ("C", "O3", "yes", "none", 0, 0),
        )
    )
    assert list(table["Register says"]) == ["a lead", "a subcontractor", "in no supply chain"]
    assert list(table.columns) == [
        "Organisation",
        "Id",
        "Says it is in a supply chain",
        "Register says",
        "Contracts it leads",
        "Contracts it subcontracts on",
    ]


def test_ending_table_names_each_contract_and_gives_its_end_date_in_words():
    """The Contract column is the contract's label (name, then reference), not its reference alone;
    the end date is in words."""
    table = charts.ending_table(
        _rows(
            "contract_ref contract_label lot lead_provider_name end_date months_left "
            "service_categories organisations_to_reach",
            ("PRJ_1", "Accommodation (PRJ_1)", "Lot 1", "P", "2027-06-25", 7, "Accommodation", 1),
            ("PRJ_2", "ETE (PRJ_2)", "Lot 2", "Q", "2028-01-01", 13, "ETE", 0),
            ("PRJ_3", "Women (PRJ_3)", "Lot 1", "R", "2028-05-10", 18, "Women", 4),
        )
    )
    assert list(table.Contract) == ["Accommodation (PRJ_1)", "ETE (PRJ_2)", "Women (PRJ_3)"]
    assert list(table.Ends) == ["25 Jun 2027", "01 Jan 2028", "10 May 2028"]
    assert list(table["Organisations to reach"]) == [1, 0, 4]
    assert list(table.columns)[:4] == ["Contract", "Lot", "Lead provider", "Ends"]  # no "Service"


def test_outreach_table_keeps_one_row_per_contract_and_organisation():
    table = charts.outreach_table(
        _rows(
            "contract_ref contract_label org_name org_id income_band specialisms on_dynamic_framework "
            "works_in",
            ("PRJ_1", "Housing (PRJ_1)", "A", "O1", "under £10k", "", "no", "Accommodation"),
            ("PRJ_1", "Housing (PRJ_1)", "B", "O2", "£10k-£100k", "women", "yes", "Accommodation"),
            ("PRJ_2", "ETE (PRJ_2)", "A", "O1", "under £10k", "", "no", "ETE"),
        )
    )
    assert list(table.Contract) == ["Housing (PRJ_1)", "Housing (PRJ_1)", "ETE (PRJ_2)"]
    assert list(table.Organisation) == ["A", "B", "A"]
    assert list(table.columns) == [
        "Contract",
        "Organisation",
        "Id",
        "Income",
        "Specialisms",
        "On the Dynamic Framework",
        "Works in",
    ]

"""The Overview's pure half (dashboard/charts/overview.py) on three-row frames: the regions' table in
map order, the tile map's words and colours, and the attention list. Values worked out by hand."""

from __future__ import annotations

import pandas as pd

from dashboard.charts.overview import attention_table, region_table, region_tiles


def _regions() -> pd.DataFrame:
    # Given south-east first; London has no forecast, Wales no contracts.
    return pd.DataFrame(
        {
            "region_code": ["J", "D", "B"],
            "region_name": ["London", "Wales", "North West"],
            "contracts": [4, 0, 11],
            "received": [120.4, 0.0, 900.6],
            "forecast": [None, None, 1000.2],
            "gap_pct": [None, None, -9.96],
            "has_provisional": [True, True, False],
        }
    )


def test_region_table_is_in_map_order_north_west_first():
    table = region_table(_regions())
    # North West (0, 0), Wales (0, 1), London (2, 2): by row, then column.
    assert list(table.Region) == ["North West", "Wales", "London"]
    assert list(table.Received) == [901, 0, 120]
    assert table["Gap %"].tolist() == [-10, pd.NA, pd.NA]
    assert list(table.Provisional) == ["no", "no", "yes"]  # no contracts: nothing provisional


def test_each_tile_says_its_gap_in_words():
    spec = region_tiles(region_table(_regions())).to_dict()
    (data,) = spec["datasets"].values()
    assert [row["gap_text"] for row in data] == ["-10%", "no contracts", "no forecast"]
    assert [row["label"] for row in data] == ["North West", "Wales", "London"]
    assert spec["height"] == 3 * 110  # three rows of tiles


def test_attention_table_lists_contracts_by_their_label():
    table = attention_table(
        pd.DataFrame(
            {
                "contract_label": ["A (PRJ_1)", "B (PRJ_2)", "C (PRJ_3)"],
                "region_name": ["Wales", "London", "Wales"],
                "lot": ["Lot 1", "Lot 2", "Lot 1"],
                "lead_provider_name": ["P", "Q", "R"],
                "score": [80.0, 42.5, 21.0],
                "reasons": ["referrals 38% below forecast", "under-funded", "above its cap"],
            }
        )
    )
    assert list(table.Contract) == ["A (PRJ_1)", "B (PRJ_2)", "C (PRJ_3)"]
    assert list(table.Why) == ["Referrals 38% below forecast", "Under-funded", "Above its cap"]

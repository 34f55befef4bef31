"""Bars readable at any width with up to 40 contracts (issue 12, item 4): each label wraps onto short
lines that the axis never shortens, and the chart grows with its bars."""

from __future__ import annotations

import pandas as pd

from dashboard.charts import (
    BAR_GAP,
    LABEL_CHARS,
    LABEL_FONT_SIZE,
    LABEL_LIMIT,
    LINE_HEIGHT,
    ORDER,
    bar_height,
    ranked_bars,
    wrap_label,
)
from dashboard.charts.volume import gap_bars, group_table
from warehouse.refdata import region_code, region_names

LONGEST = "Accommodation Services in Custody and the Community for Women (PRJ_5556NWPS)"


def _contracts(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group_name": [f"{LONGEST[:-14]} {k} (PRJ_{5000 + k})" for k in range(n)],
            "contracts": 1,
            "received": 10,
            "forecast": 20.0,
            "gap": -10.0,
            "gap_pct": [-50.0 + k for k in range(n)],
            "has_provisional": False,
        }
    )


def test_a_long_label_wraps_into_whole_words_within_the_limit():
    lines = wrap_label(LONGEST).split("\n")
    assert lines == [
        "Accommodation Services in",
        "Custody and the Community",
        "for Women (PRJ_5556NWPS)",
    ]
    assert all(len(line) <= LABEL_CHARS for line in lines)
    # A line of LABEL_CHARS capitals at the label font (under 0.65 em a character) fits the limit.
    assert LABEL_CHARS * 0.65 * LABEL_FONT_SIZE <= LABEL_LIMIT


def _drawn(spec: dict, field: str = "_label") -> list[str]:
    """The bar labels of a spec's one dataset in the order the axis draws them: by ORDER (in_order)."""
    (rows,) = spec["datasets"].values()
    return [row[field] for row in sorted(rows, key=lambda row: row[ORDER])]


def test_forty_contract_labels_are_never_cut():
    table = group_table(_contracts(40), "Contract")
    spec = gap_bars(table, "Contract").to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["axis"]["labelLimit"] == LABEL_LIMIT
    assert y["axis"]["labelExpr"] == "split(datum.label, '\\n')"
    assert y["sort"] == {"field": ORDER, "op": "min"}
    drawn = [label.replace("\n", " ") for label in _drawn(spec)]
    assert drawn == list(table["Contract"])  # every label, whole, in the table's order
    assert all(len(line) <= LABEL_CHARS for label in _drawn(spec) for line in label.split("\n"))


def test_the_chart_grows_with_its_bars():
    # Three lines per label: 3 x 13 + 11 = 50 px a bar.
    assert bar_height([LONGEST]) == 3 * LINE_HEIGHT + BAR_GAP == 50
    assert bar_height(["North West", "Wales"]) == 2 * (LINE_HEIGHT + BAR_GAP) == 48
    # Vega-Lite makes a chart whose height is a step that step tall for each bar: the spec stays the
    # same for any number of bars (so a filter change only swaps the rows), and the chart grows.
    specs = {n: gap_bars(group_table(_contracts(n), "Contract"), "Contract") for n in (1, 11, 40)}
    assert {n: d.to_dict()["height"] for n, d in specs.items()} == {
        n: {"step": 50} for n in (1, 11, 40)
    }
    assert {n: len(_drawn(d.to_dict())) for n, d in specs.items()} == {1: 1, 11: 11, 40: 40}
    assert specs[1].shape == specs[40].shape
    # Labels on one line each take a step of 24 px: another shape.
    short = gap_bars(
        group_table(_contracts(2).assign(group_name=["A", "B"]), "Contract"), "Contract"
    )
    assert short.to_dict()["height"] == {"step": LINE_HEIGHT + BAR_GAP}


def test_ranked_bars_wrap_and_grow_too():
    frame = pd.DataFrame({"Organisation": [LONGEST, "Small"], "Reached": [3, 5]})
    spec = ranked_bars(
        frame, label="Organisation", value="Reached", value_title="Reached"
    ).to_dict()
    assert spec["height"] == {"step": 50}
    assert _drawn(spec) == ["Small", wrap_label(LONGEST)]


def test_region_names_and_codes_map_both_ways():
    assert region_names()["B"] == "North West"
    assert region_code("North West") == "B"
    assert region_code("north-west") == "B"
    assert region_code("Kent,+Surrey+and+Sussex") == "K"
    assert region_code("B") == "B"  # codes are still accepted
    assert region_code("Narnia") is None
    assert region_code(None) is None

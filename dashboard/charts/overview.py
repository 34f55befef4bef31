"""Overview, the pure half: query rows -> the regions' table, its tile map and the attention list. No
Streamlit here (dashboard/pages/overview.py draws them); tests/unit/test_charts_overview.py checks each
on three rows."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import Drawing, fit_width, named

# Tile positions (column, row) of the 12 probation regions, laid out roughly as on a map.
TILES = {
    "B": (0, 0, "North West"),
    "L": (1, 0, "Greater\nManchester"),
    "C": (2, 0, "Yorkshire and\nthe Humber"),
    "A": (3, 0, "North East"),
    "D": (0, 1, "Wales"),
    "E": (1, 1, "West\nMidlands"),
    "F": (2, 1, "East\nMidlands"),
    "I": (3, 1, "East of\nEngland"),
    "G": (0, 2, "South West"),
    "H": (1, 2, "South\nCentral"),
    "J": (2, 2, "London"),
    "K": (3, 2, "Kent, Surrey\nand Sussex"),
}


def region_table(regions: pd.DataFrame) -> pd.DataFrame:
    """The tile grid's text equivalent: one row per region, in map order (north-west to south-east)."""
    has_contracts = regions.contracts > 0
    frame = pd.DataFrame(
        {
            "Region code": regions.region_code,
            "Region": regions.region_name,
            "Contracts": regions.contracts.astype(int),
            "Received": regions.received.round(0).astype(int),
            "Forecast": regions.forecast.round(0).astype("Int64"),
            "Gap %": regions.gap_pct.round(0).astype("Int64"),
            "Provisional": (regions.has_provisional & has_contracts).map(
                {True: "yes", False: "no"}
            ),
        }
    )
    order = frame["Region code"].map(lambda c: (TILES[c][1], TILES[c][0]))
    return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def region_tiles(table: pd.DataFrame) -> Drawing:
    """A 4 × 3 grid of regions, each coloured by its gap % on a colour-blind-safe diverging scale (blue
    below forecast, orange above) and labelled with its name and gap in figures: colour is never needed."""
    code = table["Region code"]
    gap = table["Gap %"].astype("float")
    frame = table.assign(
        col=code.map(lambda c: TILES[c][0]),
        row=code.map(lambda c: TILES[c][1]),
        label=code.map(lambda c: TILES[c][2]),
        gap_text=[
            "no contracts" if n == 0 else ("no forecast" if pd.isna(g) else f"{g:+.0f}%")
            for n, g in zip(table.Contracts, gap, strict=True)
        ],
        gap=gap,
        dark=gap.abs() > 35,
    )
    # Each row of tiles 110 px high (at least 160 px, to hold the legend): a user's one region is one tile.
    return Drawing(_region_tiles, {"tiles": frame}, (max(160, 110 * frame.row.nunique()),))


def _region_tiles(height: int) -> alt.LayerChart:
    base = alt.Chart(named("tiles")).encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None)
    )
    tooltip = [
        alt.Tooltip("Region:N"),
        alt.Tooltip("Contracts:Q"),
        alt.Tooltip("Received:Q", format=",.0f"),
        alt.Tooltip("Forecast:Q", format=",.0f"),
        alt.Tooltip("gap_text:N", title="Gap"),
        alt.Tooltip("Provisional:N"),
    ]
    tiles = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=alt.condition(
            "isValid(datum.gap)",
            alt.Color(
                "gap:Q",
                title="Gap %",
                scale=alt.Scale(scheme="blueorange", domain=[-60, 60], domainMid=0, clamp=True),
            ),
            alt.value("#e0e0e0"),
        ),
        tooltip=tooltip,
    )
    text_colour = alt.condition("datum.dark", alt.value("white"), alt.value("black"))
    name = base.mark_text(baseline="top", dy=-28, fontSize=12, lineBreak="\n").encode(
        text="label:N", color=text_colour, tooltip=tooltip
    )
    figure_text = base.mark_text(baseline="top", dy=6, fontSize=16, fontWeight="bold").encode(
        text="gap_text:N", color=text_colour, tooltip=tooltip
    )
    return fit_width(tiles + name + figure_text).properties(height=height)


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Contract": attention.contract_label,
            "Region": attention.region_name,
            "Lot": attention.lot,
            "Lead provider": attention.lead_provider_name,
            "Score": attention.score,
            "Why": attention.reasons.str.capitalize(),
        }
    )

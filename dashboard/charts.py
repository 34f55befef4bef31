"""DataFrame -> Altair chart. No Streamlit here. Colour-blind-safe palette (Okabe-Ito), and never colour
alone: series also differ by shape or dash (pages draw provisional periods hollow and label them)."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe-Ito, reordered so the first five reach 3:1 contrast against white (WCAG 1.4.11).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]


def fit_width(chart: alt.Chart) -> alt.Chart:
    """Stretch to the container's width but keep the height given to the plot itself: Streamlit's default
    autosize ("fit") counts the title and axes in the height, which squashes charts with few bars."""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def categorical(field: str, title: str | None = None, domain: list | None = None) -> dict:
    """Colour, shape and dash encodings for one categorical field, so no series is told by colour alone."""
    scale = alt.Scale(range=OKABE_ITO, domain=domain) if domain else alt.Scale(range=OKABE_ITO)
    return {
        "color": alt.Color(field, title=title, scale=scale),
        "shape": alt.Shape(field, title=title, scale=alt.Scale(range=SHAPES)),
        "strokeDash": alt.StrokeDash(field, title=title, scale=alt.Scale(range=DASHES)),
    }


def ranked_bars(
    frame: pd.DataFrame, *, label: str, value: str, value_title: str, fmt: str = ",.0f"
) -> alt.Chart:
    """Horizontal bars, largest first, each labelled with its value (readable without colour)."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[
            alt.Tooltip(f"{label}:N"),
            alt.Tooltip(f"{value}:Q", title=value_title, format=fmt),
        ],
    )
    bars = base.mark_bar(color=OKABE_ITO[0])
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text(f"{value}:Q", format=fmt))
    return (bars + text).properties(height=max(120, 24 * len(frame)))

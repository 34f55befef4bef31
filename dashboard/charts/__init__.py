"""DataFrame -> Altair chart. No Streamlit here. Colour-blind-safe palette (Okabe-Ito), and never colour
alone: series also differ by shape or dash (pages draw provisional periods hollow and label them)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import altair as alt
import pandas as pd

# Okabe-Ito, reordered so the first five reach 3:1 contrast against white (WCAG 1.4.11).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]
# Specs as st.altair_chart makes them: without the default theme's 300 x 300 view, which Streamlit
# turns off for its own drawing (the pages draw cached specs with st.vega_lite_chart).
alt.theme.enable("none")


AnyChart = TypeVar("AnyChart", bound=alt.TopLevelMixin)

# The column each drawing adds to its rows: their position, by which a chart orders its months or bars
# (an order in the data, not a list in the spec, so that the spec stays the same when the rows change).
ORDER = "_order"


def in_order() -> alt.EncodingSortField:
    """Sort a discrete axis by the rows' own order (see ORDER)."""
    return alt.EncodingSortField(field=ORDER, op="min")


@dataclass(frozen=True)
class Drawing:
    """A chart in two halves: the Altair chart drawn on *named* rows, built from the chart's shape alone
    (which layers it has, its bar step: a few plain values), and the rows themselves, by name.

    Why: a filter change that keeps the shape gives the same spec with other rows. The page builds the
    spec once per shape (dashboard/layout.py caches it), and the browser, given the same spec again,
    only swaps the new rows into the chart it already drew instead of building a new one. Building the
    Altair charts was most of the server's time on a filter change (docs/benchmarks.md, 1 December).

    `build(*shape)` must be a module-level function that reads nothing but its arguments."""

    build: Callable[..., alt.TopLevelMixin]
    rows: Mapping[str, pd.DataFrame]
    shape: tuple = ()

    def chart(self) -> alt.TopLevelMixin:
        return self.build(*self.shape)

    def datasets(self) -> dict[str, pd.DataFrame]:
        """The named rows, each with its position in ORDER."""
        return {name: in_position(frame) for name, frame in self.rows.items()}

    def to_dict(self) -> dict:
        """The whole Vega-Lite spec, validated against the schema, with the rows written in: what the unit
        tests read, and what the chart would be as one file."""
        spec = self.chart().to_dict()
        records = {
            name: frame.astype(object).where(frame.notna(), None).to_dict("records")
            for name, frame in self.datasets().items()
        }
        spec["datasets"] = {**spec.get("datasets", {}), **records}
        return spec


def in_position(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each row's position in ORDER (kept if it has one: rows cut from a larger table
    keep their place in it, so that two sets of rows on one axis agree)."""
    frame = frame.reset_index(drop=True)
    return frame if ORDER in frame else frame.assign(**{ORDER: range(len(frame))})


def named(name: str) -> alt.NamedData:
    """The rows a Drawing gives under this name."""
    return alt.NamedData(name=name)


def fit_width(chart: AnyChart) -> AnyChart:
    """Stretch to the container's width but keep the height given to the plot itself: Streamlit's default
    autosize ("fit") counts the title and axes in the height, which squashes charts with few bars."""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


# Bar labels (contract names with their reference, regions, providers) wrap onto lines of at most
# LABEL_CHARS characters instead of being cut; LABEL_LIMIT (px) holds such a line of 11 px text (at
# most 0.65 em, about 7 px, a character even in capitals), so Vega never shortens one with "…". Each bar gets LINE_HEIGHT
# per line of its longest label plus BAR_GAP: the chart grows with its bars, at any width.
LABEL_CHARS = 28
LABEL_FONT_SIZE = 11
LABEL_LIMIT = 210
LINE_HEIGHT = 13
BAR_GAP = 11


def wrap_label(text: str) -> str:
    """A bar label on lines of at most LABEL_CHARS characters, joined by newlines."""
    return "\n".join(textwrap.wrap(str(text), LABEL_CHARS, break_on_hyphens=False)) or str(text)


def bar_step(labels) -> int:
    """Height (px) of one bar's band: room for the lines of the longest wrapped label."""
    lines = max((wrap_label(label).count("\n") + 1 for label in labels), default=1)
    return lines * LINE_HEIGHT + BAR_GAP


def bar_height(labels) -> int:
    """Height (px) of a bar chart with one bar per label: grows with the number of bars."""
    labels = list(labels)
    return max(1, len(labels)) * bar_step(labels)


def bar_axis(field: str, sort) -> alt.Y:
    """The label axis of horizontal bars, on a column made by wrap_label: each label drawn in full,
    line by line."""
    return alt.Y(
        f"{field}:N",
        sort=sort,
        title=None,
        axis=alt.Axis(
            labelLimit=LABEL_LIMIT,
            labelFontSize=LABEL_FONT_SIZE,
            labelExpr="split(datum.label, '\\n')",
            labelLineHeight=LINE_HEIGHT,
        ),
    )


def value_labels(base: alt.Chart, value: str, fmt: str) -> alt.Chart:
    """Each bar's value in figures just beyond its end: right of a bar going right, left of one going
    left, so the figure is never drawn over the bar."""
    right = base.transform_filter(f"datum['{value}'] >= 0").mark_text(align="left", dx=3)
    left = base.transform_filter(f"datum['{value}'] < 0").mark_text(align="right", dx=-3)
    text = alt.Text(f"{value}:Q", format=fmt)
    return right.encode(text=text) + left.encode(text=text)


def categorical(field: str, title: str | None = None, domain: list | None = None) -> dict:
    """Colour, shape and dash encodings for one categorical field, so no series is told by colour alone."""
    scale = alt.Scale(range=OKABE_ITO, domain=domain) if domain else alt.Scale(range=OKABE_ITO)
    return {
        "color": alt.Color(field, title=title, scale=scale),
        "shape": alt.Shape(field, title=title, scale=alt.Scale(range=SHAPES)),
        "strokeDash": alt.StrokeDash(field, title=title, scale=alt.Scale(range=DASHES)),
    }


def shown_as(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """A table of the frame's columns under the names shown, in the order given ({column: name shown})."""
    return pd.DataFrame({shown: frame[column] for column, shown in columns.items()})


def ranked_bars(
    frame: pd.DataFrame, *, label: str, value: str, value_title: str, fmt: str = ",.0f"
) -> Drawing:
    """Horizontal bars, largest first, each labelled with its value (readable without colour) and with
    its whole name, wrapped; as tall as its bars need (a step per bar)."""
    frame = frame.sort_values(value, ascending=False, kind="stable").assign(
        _label=frame[label].map(wrap_label)
    )
    return Drawing(
        _ranked_bars, {"ranked": frame}, (label, value, value_title, fmt, bar_step(frame[label]))
    )


def _ranked_bars(label: str, value: str, value_title: str, fmt: str, step: int) -> alt.LayerChart:
    base = alt.Chart(named("ranked")).encode(
        y=bar_axis("_label", in_order()),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[
            alt.Tooltip(f"{label}:N"),
            alt.Tooltip(f"{value}:Q", title=value_title, format=fmt),
        ],
    )
    bars = base.mark_bar(color=OKABE_ITO[0])
    text = base.mark_text(align="left", dx=3).encode(text=alt.Text(f"{value}:Q", format=fmt))
    return fit_width(bars + text).properties(height=alt.Step(step))

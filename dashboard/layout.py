"""Pieces every page shares: the freshness note, empty states and CSV downloads."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.charts import Drawing
from dashboard.glossary import term
from warehouse.connection import Version, Warehouse
from warehouse.settings import LONDON, Settings

if TYPE_CHECKING:
    from dashboard.scope import Scope

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A chart's Table tab is drawn only once it is opened (the browser's costliest work on a filter change is
# drawing every chart and grid again). AppTest cannot open a tab, so tests/app/conftest.py sets this to True
# for the AppTest suite, which then reads every table, as a reader who opens each Table tab does.
DRAW_HIDDEN_TABS = False
# Characters a line of a chart's title may have: the 13 px bold title at a phone's 390 px width.
TITLE_CHARS = 42


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes in which no cell can run as a spreadsheet formula (such cells get a leading ')."""

    def neutralise(value):
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return "'" + value
        return value

    return frame.map(neutralise).to_csv(index=False).encode("utf-8-sig")


def download(
    label: str, data, *, file_name: str, mime: str, key: str, help: str | None = None
) -> None:
    """Every download button of the app. A download changes nothing on the page, so the press does not
    run the page again (on_click="ignore"). It must not: for a file made on the press (csv_download), the
    press's run registers the button's file afresh and can drop the one being made, and then the browser
    never receives the file and the button spins (1 press in 3 on the subsidy page)."""
    st.download_button(
        label, data, file_name=file_name, mime=mime, key=key, help=help, on_click="ignore"
    )


def csv_download(frame: pd.DataFrame, file_name: str) -> None:
    """The table as CSV, made when the button is pressed (not on every run of the page)."""
    download(
        "Download this table (CSV)",
        lambda: safe_csv(frame),
        file_name=file_name,
        mime="text/csv",
        key=f"download-{file_name}",
    )


def note(text: str) -> None:
    """A side note. Not st.caption: its faded grey fails WCAG AA contrast in the default theme."""
    st.markdown(f"*{text}*")


def start(title: str, settings: Settings) -> Version | None:
    """Every data page begins here: its title, then the freshness note, or an explanation if there is no data."""
    from dashboard import data, urlstate

    st.title(title)
    urlstate.show_notices()  # what a link asked for and could not have, under the title
    version = data.current_version(settings)
    if version is None:
        _waiting_for_data(settings)
        return None
    freshness_note(version)
    return version


@st.fragment(run_every=2)
def _waiting_for_data(settings: Settings) -> None:
    """No data yet. While the first refresh runs (on a first `make run`, the demo build, which starts
    beside the app), say so; every 2 s, look again, and draw the whole page once a version is published."""
    from dashboard import data

    if data.current_version(settings) is not None:
        st.rerun(scope="app")
    if Warehouse.from_settings(settings).running() is not None:
        st.info(
            "The data is being loaded now. On a first `make run` this is the demo data, checked and "
            "loaded through the real ingest: about a minute. This page shows it as soon as it is ready; "
            "there is no need to reload."
        )
    else:
        empty_state()


@dataclass(frozen=True)
class PageData:
    """What every filtered page starts from: the version, the filters, and the period they give."""

    version: Version
    scope: Scope
    as_of: dt.date  # the day the data runs up to
    provisional_month: dt.date  # the month that day falls in: incomplete
    since: dt.date  # first day of the period chosen

    @property
    def params(self) -> dict:
        """Named query parameters: the scope filters and the period's first day."""
        return {**self.scope.params(), "since": self.since}


def begin(title: str, settings: Settings) -> PageData | None:
    """start() for a filtered page, plus the period: None (with an empty state shown) if there is no data."""
    from dashboard import data, scope

    version = start(title, settings)
    if version is None:
        return None
    chosen = scope.current()
    row = data.query(version, "data_as_of").iloc[0]
    as_of = pd.Timestamp(row.as_of_date).date()
    return PageData(
        version, chosen, as_of, pd.Timestamp(row.provisional_month).date(), chosen.since(as_of)
    )


def freshness_note(version: Version) -> None:
    """'Data up to 20 Nov 2026, refreshed Sun 22 Nov 2026 at 00:54 (UK time)': on every data page."""
    from dashboard import data

    published = version.published_at.astimezone(LONDON)
    as_of = data.query(version, "data_as_of")
    up_to = (
        f"Data up to {pd.Timestamp(as_of.as_of_date.iloc[0]):%d %b %Y}, refreshed"
        if len(as_of)
        else "Data refreshed"
    )
    note(f"{up_to} {published:%a %d %b %Y at %H:%M} (UK time), warehouse version {version.number}.")


def empty_state() -> None:
    st.info(
        "No data has been loaded yet. Run `make run` to build the demo data, or put files in the landing "
        "folder and run `rpd ingest`. docs/data-contracts.md lists the files the service accepts."
    )


def figure(
    label: str,
    value: str,
    glossary_term: str,
    delta: str | None = None,
    delta_color: Literal["normal", "inverse", "off"] = "normal",
) -> None:
    """A headline figure with its plain definition one click away (the ? beside it)."""
    st.metric(label, value, delta=delta, delta_color=delta_color, help=term(glossary_term).help())


def chart_with_table(chart: Drawing, frame: pd.DataFrame, file_name: str, *, caption: str) -> None:
    """Every chart comes with the table of exactly what it shows and a CSV download of that table. The
    caption is the chart's title, wrapped so that a phone's width does not cut it off."""
    _chart_and_table(chart_spec(chart, caption), frame, file_name)
    csv_download(frame, file_name)


@st.fragment
def _chart_and_table(spec: dict, frame: pd.DataFrame, file_name: str) -> None:
    """The Chart and Table tabs: only the open one is drawn, and opening the other reruns this pair
    alone (a fragment), not the page."""
    chart_tab, table_tab = st.tabs(
        ["Chart", "Table"],
        key=f"tabs-{file_name}",
        on_change="ignore" if DRAW_HIDDEN_TABS else "rerun",
    )
    if DRAW_HIDDEN_TABS or chart_tab.open:
        with chart_tab:
            st.vega_lite_chart(spec, width="stretch")
    if DRAW_HIDDEN_TABS or table_tab.open:
        with table_tab:
            st.dataframe(frame, hide_index=True, width="stretch")


def chart_spec(chart: Drawing, caption: str) -> dict:
    """The chart's Vega-Lite spec with its title: its shape's spec (built by Altair once per shape, and
    cached) with the title and with its rows as named datasets, which Streamlit sends as Arrow tables
    beside the spec. A filter change that keeps the shape and title sends the same spec, and the browser
    only swaps the new rows into the chart it has (dashboard.charts.Drawing)."""
    build = chart.build
    spec = _shape_spec(f"{build.__module__}.{build.__qualname__}", chart.shape, chart)
    return {
        **spec,
        "title": title_lines(caption).to_dict(),
        "datasets": {**spec.get("datasets", {}), **chart.datasets()},
    }


@st.cache_data(max_entries=256, show_spinner=False)
def _shape_spec(name: str, shape: tuple, _chart: Drawing) -> dict:
    # Not validated against the Vega-Lite schema here (about 20 ms a chart): every builder in
    # dashboard/charts/ is, by its unit tests (tests/unit/test_charts_*.py, through Drawing.to_dict).
    return _chart.chart().to_dict(validate=False)


def title_lines(caption: str) -> alt.TitleParams:
    """A chart title on lines of at most TITLE_CHARS characters (Vega cuts a title wider than its chart)."""
    return alt.TitleParams(textwrap.wrap(caption, TITLE_CHARS) or [caption], anchor="start")


def pounds(value: float) -> str:
    """£1,234 (UK format, whole pounds)."""
    return f"£{value:,.0f}" if value == value else "–"


def percent(value: float, signed: bool = False) -> str:
    return "–" if value != value else f"{value:+.0f}%" if signed else f"{value:.0f}%"

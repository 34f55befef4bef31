"""What a filter change costs less of (issue 12, item 6): a chart's Table tab is drawn only once it is
opened, a chart's spec is built once per shape and given new rows as they change (so the browser keeps
its chart and swaps the rows), and a CSV is made only when it is downloaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _two_charts() -> None:
    import pandas as pd
    import streamlit as st

    from dashboard.charts import ranked_bars
    from dashboard.layout import chart_with_table

    # The second run (the "change" button) gives the same regions other figures: the same shape.
    gaps = [-20, 5, 0] if not st.session_state.get("changed") else [7, -3, 12]
    st.button("change", key="changed")
    frame = pd.DataFrame({"Region": ["Wales", "London", "North West"], "Gap %": gaps})
    drawing = ranked_bars(frame, label="Region", value="Gap %", value_title="Gap %")
    chart_with_table(drawing, frame, "first.csv", caption="First")
    chart_with_table(drawing, frame, "second.csv", caption="Second")


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_only_the_open_tab_is_drawn(monkeypatch):
    from dashboard import layout

    monkeypatch.setattr(layout, "DRAW_HIDDEN_TABS", False)
    at = AppTest.from_function(_two_charts, default_timeout=60).run()
    assert not at.exception
    assert len(_charts(at)) == 2
    assert len(at.dataframe) == 0  # both Table tabs closed
    assert len(at.get("download_button")) == 2  # the CSV is beside every chart all the same
    at.session_state["tabs-first.csv"] = "Table"
    at.run()
    assert len(_charts(at)) == 1
    assert [list(d.value["Region"]) for d in at.dataframe] == [["Wales", "London", "North West"]]


def test_the_suite_draws_every_tab():
    """tests/app/conftest.py draws hidden tabs, so the AppTest suite reads every chart's table."""
    at = AppTest.from_function(_two_charts, default_timeout=60).run()
    assert len(_charts(at)) == 2
    assert len(at.dataframe) == 2


def test_a_chart_is_built_once_per_shape_its_rows_change_and_no_csv_is_made_until_asked(
    monkeypatch,
):
    import functools

    import dashboard.charts
    from dashboard import layout

    layout._shape_spec.clear()
    built, made = [], []
    build = dashboard.charts._ranked_bars
    safe_csv = layout.safe_csv

    @functools.wraps(build)
    def counted(*shape):
        built.append(shape)
        return build(*shape)

    monkeypatch.setattr(dashboard.charts, "_ranked_bars", counted)
    monkeypatch.setattr(layout, "safe_csv", lambda frame: made.append(1) or safe_csv(frame))
    at = AppTest.from_function(_two_charts, default_timeout=60).run()
    before = [(c.proto.spec, _rows(c)) for c in _charts(at)]
    at.button(key="changed").click().run()
    after = [(c.proto.spec, _rows(c)) for c in _charts(at)]
    assert not at.exception
    # Two charts of one shape, differing only in the title: the shape's spec is built once, for both
    # charts and both runs, whose rows differ. Each chart's spec sent is the same in both runs, with its
    # own title; only the rows (the datasets) change.
    assert len(built) == 1
    assert [spec for spec, _ in after] == [spec for spec, _ in before]
    assert [json.loads(spec)["title"]["text"] for spec, _ in after] == [["First"], ["Second"]]
    assert [rows for _, rows in before] == [["London", "North West", "Wales"]] * 2  # largest first
    assert [rows for _, rows in after] == [["North West", "Wales", "London"]] * 2
    assert made == []


def _rows(chart) -> list[str]:
    """The regions in a ranked chart's one dataset, in the order drawn."""
    import pyarrow as pa

    (dataset,) = chart.proto.datasets
    table = pa.ipc.open_stream(dataset.data.data).read_all()
    return table.column("Region").to_pylist()


def test_the_server_imports_the_pages_before_the_first_reader():
    """dashboard/server/serve.py's lifespan hook imports the app, so the first session does not pay for it."""
    code = (
        "import asyncio, sys\nfrom dashboard.server import serve\n"
        "assert 'dashboard.frame' not in sys.modules\n"
        "async def main():\n"
        "    async with serve.lifespan(serve.app):\n"
        "        print('dashboard.frame' in sys.modules, 'altair' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True"]

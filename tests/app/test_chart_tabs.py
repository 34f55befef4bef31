"""What a filter change costs less of (issue 12, item 6): a chart's Table tab is drawn only once it is
opened, a chart's spec is built once for the same rows, and a CSV is made only when it is downloaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _two_charts() -> None:
    from functools import partial

    import pandas as pd

    from dashboard.charts import ranked_bars
    from dashboard.layout import chart_with_table

    frame = pd.DataFrame({"Region": ["Wales", "London", "North West"], "Gap %": [-20, 5, 0]})
    build = partial(ranked_bars, frame, label="Region", value="Gap %", value_title="Gap %")
    chart_with_table(build, frame, "first.csv", caption="First")
    chart_with_table(build, frame, "second.csv", caption="Second")


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


def test_a_chart_is_built_once_for_the_same_rows_and_no_csv_is_made_until_asked(monkeypatch):
    import dashboard.charts
    from dashboard import layout

    layout._cached_spec.clear()
    built, made = [], []
    ranked_bars = dashboard.charts.ranked_bars
    safe_csv = layout.safe_csv
    monkeypatch.setattr(
        dashboard.charts, "ranked_bars", lambda *a, **k: built.append(1) or ranked_bars(*a, **k)
    )
    monkeypatch.setattr(layout, "safe_csv", lambda frame: made.append(1) or safe_csv(frame))
    at = AppTest.from_function(_two_charts, default_timeout=60).run()
    at.run()
    assert not at.exception
    # Two charts of the same rows and builder, differing only in the title: each built once, in
    # two runs of the page.
    assert len(built) == 2
    assert made == []


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

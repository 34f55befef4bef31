"""Scope in the user's own terms (issue 12, item 3), on the demo data under AppTest: the North West RPD
team sees "North West" (never "England and Wales"), a Region filter of that region only and a tile map of
it alone; a provider sees "your contracts"; empty states say what is missing in words, never NaN."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.pages.volume import NO_ASSESSMENT_DATES
from dashboard.signin import DEMO_KEY
from tests.app.test_access_matrix import _page, everything_shown

NORTH_WEST = "demo-rpd-north-west"
PROVIDER = "demo-provider-lancashire-women"


def _as(user_id: str, path: str, data_dir, monkeypatch, **state) -> AppTest:
    monkeypatch.setenv("RPD_DATA_DIR", str(data_dir))
    at = AppTest.from_function(_page, args=(path,), default_timeout=60)
    at.session_state[DEMO_KEY] = user_id
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_north_west_team_sees_its_region_as_the_scope(demo_warehouse, monkeypatch):
    at = _as(NORTH_WEST, "overview", demo_warehouse.data_dir, monkeypatch)
    region = at.sidebar.selectbox(key="f_region")
    assert region.options == ["North West"]  # as shown; no "All of England and Wales"
    assert region.value == "B"
    shown = everything_shown(at)
    assert "England and Wales" not in shown
    assert any(e.value.startswith("*North West, ") for e in at.markdown)
    tiles = next(d.value for d in at.dataframe if "Region code" in d.value.columns)
    assert list(tiles["Region"]) == ["North West"]
    assert "no contracts" not in shown


def test_provider_sees_your_contracts(demo_warehouse, monkeypatch):
    at = _as(PROVIDER, "subsidy", demo_warehouse.data_dir, monkeypatch)
    region = at.sidebar.selectbox(key="f_region")
    assert region.options[0] == "All regions of your contracts"
    assert region.value == "All"
    shown = everything_shown(at)
    assert "England and Wales" not in shown
    assert "NaN" not in shown
    assert any(e.value.startswith("*your contracts. Quarters from") for e in at.markdown)
    # Lancashire Women's one contract reports no shortfall and no other funding in any quarter: said in
    # words, with the table, instead of a chart whose axis would read NaN.
    assert any(
        "(your contracts) reports a shortfall or other funding in any quarter" in i.value
        for i in at.info
    )
    assert any(
        s.value == "No contract in scope (your contracts) shows a shortfall, other funding or "
        "referrals above its cap."
        for s in at.success
    )


def test_wales_without_assessment_dates_says_so(demo_warehouse, monkeypatch):
    """Wales's weekly extract has no assessment dates: the timeliness section says so in words."""
    at = _as("demo-rpd-wales", "volume", demo_warehouse.data_dir, monkeypatch)
    assert [i.value for i in at.info if "first assessment" in i.value] == [NO_ASSESSMENT_DATES]
    assert not [m for m in at.metric if m.label.startswith("Median working days")]

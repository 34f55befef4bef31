"""The whole view in the URL: a link with the filters, group by, the chosen contract and the drill-down
reopens that view, choosing them writes them into the URL, and a link asking for something that does
not exist or that the reader may not see says so. On the access warehouse (tests/access_data.py):
NW_WOMEN and NW_ACC in the North West (B), EM_WOMEN in the East Midlands (F), WA_ACC in Wales (D)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.signin import DEMO_KEY

NOTICE = "The link you opened asks for {} that does not exist or that you may not see, so it is not shown."


def _page(name: str) -> None:
    from dashboard import frame
    from warehouse.settings import load_settings

    frame.run(load_settings(), only=name)


@pytest.fixture
def volume(access_warehouse, monkeypatch, tmp_path):
    """volume(params, user) -> the volume page run once from a link with these URL parameters."""
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", f"sqlite:///{tmp_path / 'flags.sqlite'}")

    def run(params: dict[str, str], user: str = "demo-national") -> AppTest:
        at = AppTest.from_function(_page, args=("volume",), default_timeout=60)
        at.session_state[DEMO_KEY] = user
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return run


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def test_a_link_reopens_the_whole_view(volume):
    """Region, group by, contract and drill-down from the URL are the widgets' values, with no notice."""
    at = volume(
        {
            "region": "B",
            "group": "lot",
            "contract": "NW_ACC",
            "drill_region": "B",
            "drill_contract": "NW_WOMEN",
        }
    )
    assert not at.exception
    assert at.sidebar.selectbox(key="f_region").value == "B"
    assert at.radio(key="volume_group").value == "Lot"
    assert at.selectbox(key="volume_contract").value == "NW_ACC"
    assert at.selectbox(key="volume_drill_region").value == "B"
    assert at.selectbox(key="volume_drill_contract").value == "NW_WOMEN"
    assert not any("The link you opened" in i for i in _infos(at))


def test_choices_are_written_into_the_url(volume):
    """Choosing a contract, a grouping and a drill-down puts each in the URL; back to the defaults, they
    leave it (the first region by name, East Midlands, is the drill-down's default)."""
    at = volume({})
    assert {"group", "contract", "drill_region", "drill_contract"}.isdisjoint(at.query_params)
    at.selectbox(key="volume_contract").set_value("WA_ACC").run()
    at.radio(key="volume_group").set_value("Lead provider").run()
    at.selectbox(key="volume_drill_region").set_value("B").run()
    assert not at.exception
    assert at.query_params["contract"] == "WA_ACC"
    assert at.query_params["group"] == "provider"
    assert at.query_params["drill_region"] == "B"
    at.radio(key="volume_group").set_value("Region").run()
    at.selectbox(key="volume_drill_region").set_value("F").run()
    assert "group" not in at.query_params
    assert "drill_region" not in at.query_params
    assert at.query_params["contract"] == "WA_ACC"


def test_a_link_to_another_regions_contract_says_it_is_not_shown(volume):
    """The North West RPD team, sent a link to Wales and to WA_ACC, sees their own view and a notice for
    each: the region, the contract and the drill-down region."""
    at = volume(
        {"region": "D", "contract": "WA_ACC", "drill_region": "D"}, user="demo-rpd-north-west"
    )
    assert not at.exception
    # a one-region RPD team's Region filter offers only their own region, North West (B)
    assert at.sidebar.selectbox(key="f_region").value == "B"
    assert at.selectbox(key="volume_contract").value == "All contracts in scope"
    assert at.selectbox(key="volume_drill_region").value == "B"
    infos = _infos(at)
    for what in ("a region", "a contract", "a region to drill into"):
        assert NOTICE.format(what) in infos
    assert "WA_ACC" not in "\n".join(infos)


def test_a_link_to_nothing_says_so_once(volume):
    """An unknown contract and an unknown grouping each get a notice; the next run shows none."""
    at = volume({"contract": "NO_SUCH", "group": "colour", "months": "7"})
    assert not at.exception
    infos = _infos(at)
    assert NOTICE.format("a contract") in infos
    assert NOTICE.format("a grouping") in infos
    assert NOTICE.format("a period") in infos
    assert at.radio(key="volume_group").value == "Region"
    assert "contract" not in at.query_params and "group" not in at.query_params
    at.run()
    assert not any("The link you opened" in i for i in _infos(at))


def test_supply_chains_link_reopens_the_region_shown(access_warehouse, monkeypatch):
    """The national view asks which region to describe: a link names it, choosing one writes it in the
    URL, and a link to a region with no supply chain known gets a notice."""
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    at = AppTest.from_function(_page, args=("supply_chains",), default_timeout=60)
    at.query_params["shown"] = "Wales"
    at.run()
    assert not at.exception
    assert at.selectbox(key="supply_chain_region").value == "Wales"
    at.selectbox(key="supply_chain_region").set_value("North West").run()
    assert at.query_params["shown"] == "North West"
    again = AppTest.from_function(_page, args=("supply_chains",), default_timeout=60)
    again.query_params["shown"] = "Atlantis"
    again.run()
    assert NOTICE.format("a region") in _infos(again)


@pytest.fixture
def triage(access_warehouse, monkeypatch, tmp_path):
    """triage(user, **params) -> the flag queue run once from a link with these URL parameters. Two flags
    on NW_WOMEN (North West), raised by Lancashire Women: flag 1 (April) resolved by the North West RPD
    team, flag 2 (May) open."""
    import datetime as dt

    from dashboard.flags.store import ContractFacts, FlagStore, NewFlag
    from dashboard.users import demo_user

    url = f"sqlite:///{tmp_path / 'flags.sqlite'}"
    store = FlagStore(url)
    mine = ["NW_WOMEN", "NW_ACC"]
    for month in (4, 5):
        store.raise_flag(
            demo_user("demo-provider-lancashire-women"),
            NewFlag("NW_WOMEN", dt.date(2026, month, 1), "missing", 4, "One more."),
            ContractFacts("B", "LANCASHIRE_WOMEN", 3, (), 1),
            mine,
        )
    store.review(demo_user("demo-rpd-north-west"), 1, "resolved", "Found it.", mine)
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", url)

    def run(user: str, **params: str) -> AppTest:
        at = AppTest.from_function(_page, args=("triage",), default_timeout=60)
        at.session_state[DEMO_KEY] = user
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return run


def _queue(at: AppTest) -> list[int]:
    """The flags the queue lists, by number."""
    return list(next(d.value for d in at.dataframe if "Respond by" in d.value.columns)["Flag"])


def test_a_link_to_a_flag_opens_it_for_review(triage):
    """A link with flag=2 opens the second flag on NW_WOMEN for review and its contract's queue; a link
    to a flag on another region's contract (or none) gets a notice."""
    at = triage("demo-rpd-north-west", flag="2", contract="NW_WOMEN")
    assert not at.exception
    assert at.selectbox(key="triage_flag").value == 2
    assert at.selectbox(key="triage_contract").value == "NW_WOMEN"
    assert not any("The link you opened" in i for i in _infos(at))
    wales = triage("demo-rpd-wales", flag="2", contract="NW_WOMEN")
    assert not wales.exception
    assert NOTICE.format("a flag") in _infos(wales)
    assert NOTICE.format("a contract with flags") in _infos(wales)


def test_a_link_with_statuses_opens_the_queue_filtered(triage):
    """The queue shows open and under-review flags (flag 2) unless the link says otherwise: status=resolved
    shows only flag 1, status=open,resolved both; an empty status shows none; no notice."""
    at = triage("demo-rpd-north-west")
    assert at.multiselect(key="triage_status").value == ["open", "under_review"]
    assert _queue(at) == [2]
    assert "status" not in at.query_params
    resolved = triage("demo-rpd-north-west", status="resolved")
    assert not resolved.exception
    assert resolved.multiselect(key="triage_status").value == ["resolved"]
    assert _queue(resolved) == [1]
    both = triage("demo-rpd-north-west", status="open,resolved")
    assert both.multiselect(key="triage_status").value == ["open", "resolved"]
    assert sorted(_queue(both)) == [1, 2]
    none = triage("demo-rpd-north-west", status="")
    assert none.multiselect(key="triage_status").value == []
    assert "No flags match these choices." in _infos(none)
    for run in (resolved, both, none):
        assert not any("The link you opened" in i for i in _infos(run))


def test_choosing_statuses_writes_them_into_the_url(triage):
    """Choosing statuses puts their codes in the URL; back to open and under review, they leave it."""
    at = triage("demo-rpd-north-west")
    at.multiselect(key="triage_status").set_value(["resolved", "not_upheld"]).run()
    assert not at.exception
    assert at.query_params["status"] == "resolved,not_upheld"
    assert _queue(at) == [1]
    at.multiselect(key="triage_status").set_value(["under_review", "open"]).run()
    assert "status" not in at.query_params


def test_a_link_to_an_unknown_status_says_it_is_not_shown(triage):
    """status=closed (no such status) gets a notice and the default queue; status=resolved,closed takes
    resolved and gets the notice for the other."""
    at = triage("demo-rpd-north-west", status="closed")
    assert not at.exception
    assert NOTICE.format("a flag status") in _infos(at)
    assert at.multiselect(key="triage_status").value == ["open", "under_review"]
    assert _queue(at) == [2]
    assert "status" not in at.query_params
    some = triage("demo-rpd-north-west", status="resolved,closed")
    assert NOTICE.format("a flag status") in _infos(some)
    assert _queue(some) == [1]
    assert some.query_params["status"] == "resolved"

"""Role by page by action: every demo user on every page of the real app (AppTest), and every write.

A page a role may open renders with no exception and shows nothing of contracts or organisations the
user may not see (in any text, table, figure or list of choices); a page it may not open says so and
shows no data. Writes (raise a flag, review one, start a refresh) are allowed or refused by role."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.flags.store import ContractFacts, FlagStore, NewFlag
from dashboard.frame import PAGES, allowed_pages
from dashboard.queries import Guard
from dashboard.signin import DEMO_KEY
from dashboard.users import DEMO_USERS, demo_user
from tests.access_data import (
    CONTRACTS,
    ORGANISATIONS,
    RUN_BY,
    VISIBLE,
    VISIBLE_REGIONS,
    words_of,
)
from tests.conftest import make_settings
from tests.rendered import as_text
from warehouse.access import AccessRefused

# Which pages each role may open: written out by hand, not read from the code under test. The
# national commissioner opens every page an RPD team opens, and Data status besides.
RPD_PAGES = {
    "overview",
    "volume",
    "subsidy",
    "engagement",
    "supply_chains",
    "triage",
    "glossary",
    "accessibility",
}
EXPECTED_PAGES = {
    "national": RPD_PAGES | {"status"},
    "rpd": RPD_PAGES,
    "provider": {"overview", "volume", "subsidy", "flags", "glossary", "accessibility"},
    "admin": {"status", "glossary", "accessibility"},
}


def _page(name: str) -> None:
    from dashboard import frame
    from warehouse.settings import load_settings

    frame.run(load_settings(), only=name)


def everything_shown(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "info", "warning", "error", "success"):
        # As read on screen: names from files are escaped in the Markdown (Women\'s -> Women's).
        parts += [as_text(str(e.value)) for e in getattr(at, kind)]
    parts += [str(e.value) for e in at.text]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [e.value.to_csv() for e in at.table]
    for widget in (*at.selectbox, *at.multiselect, *at.radio):
        if widget.key != DEMO_KEY:  # the demo-user picker names every demo user, by design
            parts += [str(o) for o in widget.options]
    return "\n".join(parts)


@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda u: u.id)
def test_each_role_opens_exactly_its_pages(user):
    assert set(allowed_pages(user)) == EXPECTED_PAGES[user.role]


@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda u: u.id)
def test_each_role_runs_exactly_its_kinds_of_query(user):
    """Every declaration a named query can make (dashboard.queries.Guard) allows the roles of RUN_BY."""
    assert {guard.value for guard in Guard} == set(RUN_BY)
    runs = {guard.value for guard in Guard if guard.needs is None or user.may(guard.needs)}
    assert runs == {kind for kind, roles in RUN_BY.items() if user.role in roles}


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda u: u.id)
def test_role_by_page(access_warehouse, monkeypatch, tmp_path, user, path):
    monkeypatch.setenv("RPD_DATA_DIR", str(access_warehouse.data_dir))
    monkeypatch.setenv("RPD_FLAGS_URL", f"sqlite:///{tmp_path / 'flags.sqlite'}")
    at = AppTest.from_function(_page, args=(path,), default_timeout=60)
    at.session_state[DEMO_KEY] = user.id
    at.run()
    assert not at.exception, at.exception
    shown = everything_shown(at)
    if path not in EXPECTED_PAGES[user.role]:
        assert any("not available to" in e.value for e in at.error), shown[:500]
        for contract in CONTRACTS:
            assert contract not in shown
        return
    assert at.title[0].value == PAGES[path][0]
    # A download does not run the page again: a run during the press can drop the file being made, and
    # the browser then never receives it (dashboard.layout.download).
    assert all(b.proto.ignore_rerun for b in at.get("download_button"))
    if path == "status":
        # Data status is for those who run the service (national, admin): its reports of files and
        # failed checks may name any contract. No other role can open it (checked above).
        assert user.may("operations")
    for contract in set(CONTRACTS) - VISIBLE[user.id] if path != "status" else ():
        for word in words_of(contract):
            assert word not in shown, f"{path} shows {word!r} to {user.id}"
    for region, (_, name) in ORGANISATIONS.items():
        if region not in VISIBLE_REGIONS[user.id]:
            assert name not in shown, f"{path} shows {name!r} to {user.id}"
    if path == "status":
        refresh_buttons = [b for b in at.button if b.label == "Refresh now"]
        assert bool(refresh_buttons) == (user.role in ("national", "admin"))
    if path == "flags":
        assert [b.label for b in at.button if b.label == "Raise flag"] == ["Raise flag"]


FACTS = ContractFacts("B", "LANCASHIRE_WOMEN", 3, ("LW0001WO", "LW0002WO", "LW0003WO"), 1)
NEW = NewFlag("NW_WOMEN", dt.date(2026, 5, 1), "missing", 4, "We have one more.", None)


@pytest.mark.parametrize("user", DEMO_USERS, ids=lambda u: u.id)
def test_writes_by_role(tmp_path, user):
    """Raise: providers only. Review: RPD teams (own region) and the national commissioner. Refresh:
    the national commissioner and administrators."""
    from dashboard import actions

    store = FlagStore(f"sqlite:///{tmp_path / 'flags.sqlite'}")
    provider = demo_user("demo-provider-lancashire-women")
    flag_id = store.raise_flag(provider, NEW, FACTS, sorted(VISIBLE[provider.id]))

    allowed = sorted(VISIBLE[user.id]) if user.role != "national" else None
    if user.role == "provider":
        # On one of their own contracts (a different flag: the same one again would be refused).
        own = replace(NEW, contract_ref=sorted(VISIBLE[user.id])[0], provider_count=5)
        assert store.raise_flag(user, own, FACTS, allowed) > flag_id
        if NEW.contract_ref not in VISIBLE[user.id]:  # another organisation's contract
            with pytest.raises(AccessRefused, match="not one of your organisation's contracts"):
                store.raise_flag(user, NEW, FACTS, allowed)
    else:
        with pytest.raises(AccessRefused):
            store.raise_flag(user, NEW, FACTS, allowed)
    if user.role == "national" or user.id == "demo-rpd-north-west":
        store.review(user, flag_id, "under_review", "Looking at it.", allowed)
        assert store.history(user, flag_id, allowed).status.tolist() == ["open", "under_review"]
    else:
        with pytest.raises(AccessRefused):
            store.review(user, flag_id, "under_review", "Looking at it.", allowed)
        assert store.counts()["events"] == (2 if user.role == "provider" else 1)

    settings = make_settings(tmp_path / "data")
    if user.role in ("national", "admin"):
        actions.start_refresh(
            settings, user
        )  # an empty landing folder: the run finds nothing to do
    else:
        with pytest.raises(AccessRefused):
            actions.start_refresh(settings, user)

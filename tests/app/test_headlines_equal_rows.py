"""Every headline equals the rows it summarises (issue 12, "one home for each figure").

Each data page is opened under AppTest on the demo warehouse as a national commissioner, the North West RPD
team and a provider. Every figure the page shows at its top is checked against the table (or chart's table)
it summarises as the page draws it, or, where the page shows only some rows or rounds them, against the rows
of the same named query read through `dashboard.data.query` as the same user: sums for counts and pounds, the
gap % of the sums for gaps, distinct organisations or contracts where the headline says so."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.frame import allowed_pages
from dashboard.layout import percent, pounds
from dashboard.scope import Scope
from dashboard.signin import DEMO_KEY
from dashboard.users import demo_user
from tests.app.conftest import _page
from warehouse.connection import Warehouse

USERS = ["demo-national", "demo-rpd-north-west", "demo-provider-lancashire-women"]
PAGES = ["overview", "volume", "subsidy", "engagement", "supply_chains"]
CASES = [(u, p) for u in USERS for p in PAGES if p in allowed_pages(demo_user(u))]


@pytest.fixture(scope="module")
def opened(demo_warehouse):
    """(user, page) -> the AppTest of that page as that user, run once."""
    found: dict[tuple[str, str], AppTest] = {}

    def get(user: str, name: str) -> AppTest:
        if (user, name) not in found:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("RPD_DATA_DIR", str(demo_warehouse.data_dir))
                at = AppTest.from_function(_page, args=(name,), default_timeout=90)
                at.session_state[DEMO_KEY] = user
                found[(user, name)] = at.run()
        return found[(user, name)]

    return get


@pytest.fixture(scope="module")
def version(demo_warehouse):
    return Warehouse.from_settings(demo_warehouse.settings).current()


def query_as(user: str, version, name: str, **extra) -> pd.DataFrame:
    """A named query as the page runs it by default (no filter, the default 12 months), as `user`."""
    st.session_state[data.USER_KEY] = demo_user(user)
    as_of = pd.Timestamp(data.query(version, "data_as_of").as_of_date.iloc[0]).date()
    return data.query(
        version, name, **Scope().params(), since=Scope().since(as_of), as_of=as_of, **extra
    )


def shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def metric(at: AppTest, starts: str) -> str:
    [value] = [v for label, v in shown(at).items() if label.startswith(starts)]
    return value


def table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table the page draws with these columns."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def whole(value: str, total: float) -> bool:
    """A figure shown in whole units ("1,234") is `total` rounded (sums of fractions may round either way
    at exactly one half, as floating-point addition in a different order gives 612.4999 or 612.5001)."""
    return abs(float(value.replace(",", "")) - total) <= 0.5 + 1e-6


def gap(received: float, forecast: float) -> str:
    return percent(
        100 * (received - forecast) / forecast if forecast else float("nan"), signed=True
    )


def check_overview(at: AppTest, rows) -> None:
    m = shown(at)
    regions = table(at, "Region code")
    assert m["Referrals received"] == f"{regions.Received.sum():,}"
    by_region = rows("overview_regions")
    assert whole(m["Forecast"], by_region.forecast.sum())
    assert m["Volume gap"] == gap(by_region.received.sum(), by_region.forecast.sum())
    assert m["Contracts in scope"] == f"{regions.Contracts.sum():,}"
    # "Over 20% below": the attention list's contracts whose reason is a gap below forecast.
    attention = rows("overview_attention")
    below = attention.reasons.str.contains("% below forecast for the last").sum()
    assert metric(at, "Over 20% below (") == f"{below:,}"
    # Subsidy: the Subsidy page's own headline, in the same quarter, and the returns it counts.
    head = rows("subsidy_headline").iloc[0]
    returns = rows("subsidy_contract_quarters")
    in_quarter = returns[returns.quarter == head.quarter]
    subsidised = in_quarter[in_quarter.contract_subsidised].contract_ref.nunique()
    assert m[f"Contracts being subsidised ({head.quarter})"] == f"{subsidised:,}"
    assert m[f"Shortfall ({head.quarter})"] == pounds(in_quarter.shortfall_gbp.sum())


def check_volume(at: AppTest, rows) -> None:
    m = shown(at)
    monthly = table(at, "Disputed")
    assert m["Referrals received"] == f"{monthly.Received.sum():,}"
    months = rows("volume_monthly", contract=None)
    assert whole(m["Forecast"], months.forecast.sum())
    assert m["Volume gap"] == gap(months.received.sum(), months.forecast.sum())
    recent = table(at, "Period")
    last = recent[recent.Period.str.startswith("Last 3")]
    assert len(last) == 3
    assert metric(at, "Referrals received, ") == f"{last.Received.sum():,}"
    months = rows("volume_recent", contract=None)
    recent_rows = months[months.is_recent]
    assert metric(at, "Gap, ") == gap(recent_rows.received.sum(), recent_rows.forecast.sum())
    timeliness = table(at, "% within 10 working days")
    within = timeliness["Attended within 10 working days"].sum()
    attended = timeliness["Attended"].sum()
    assert m["Assessed within 10 working days"] == percent(
        100 * within / attended if attended else float("nan")
    )


def check_subsidy(at: AppTest, rows) -> None:
    m = shown(at)
    head = rows("subsidy_headline").iloc[0]
    states = table(at, "Pounds are").set_index("State")
    for label, state in (
        ("Contracts being subsidised", "Subsidised"),
        ("Under-funded", "Under-funded"),
        ("Gap not covered,", "Gap not covered"),
    ):
        assert metric(at, label) == f"{states.loc[state, 'Contracts']:,}"
    returns = rows("subsidy_contract_quarters")
    in_quarter = returns[returns.quarter == head.quarter]
    assert states.loc["Subsidised", "Contracts"] == (
        in_quarter[in_quarter.contract_subsidised].contract_ref.nunique()
    )
    # Women's services: the Women's Services row of the by-lot table of the same quarter.
    lots = table(at, "Lot", "Contracts returned").set_index("Lot")
    women = m["Women's services being subsidised"]
    if "Women's Services" in lots.index:
        subsidised, returned = (
            int(lots.loc["Women's Services", c]) for c in ("Subsidised", "Contracts returned")
        )
        assert women == f"{percent(100 * subsidised / returned)} ({subsidised} of {returned})"
    else:
        assert women == "–"
    quarters = rows("subsidy_quarters")
    assert m["Total shortfall"] == pounds(quarters.shortfall_gbp.sum())
    assert m["Other funding used"] == pounds(quarters.other_funding_gbp.sum())
    assert m["Gap not covered (£)"] == pounds(quarters.uncovered_gbp.sum())


def check_engagement(at: AppTest, rows) -> None:
    m = shown(at)
    regions = rows("engagement_by_region")
    known, reached = int(regions.organisations.sum()), int(regions.engaged.sum())
    assert m["Organisations reached"] == f"{reached:,} of {known:,}"
    outreach = table(at, "Not reached in")
    # One unit: an organisation in each region it works in, so reached + to reach = known.
    assert len(outreach) == known - reached
    assert m["Organisations to reach"] == f"{known - reached:,}"
    assert m["Coverage"] == percent(100 * reached / known)
    forums = table(at, "Forums held")
    [window] = [c for c in forums.columns if c.startswith("Of which in the 12 months to")]
    assert metric(at, "Forums held, 12 months to") == f"{forums[window].sum():,}"


def check_supply_chains(at: AppTest, rows) -> None:
    m = shown(at)
    if "Contracts ending soon" not in m:
        return  # no contract ends within the horizon for this user: nothing summarised
    contracts = table(at, "Months left")
    assert m["Contracts ending soon"] == f"{len(contracts):,}"
    # Distinct organisations of the outreach list of every contract ending soon.
    outreach = table(at, "Works in")
    assert m["Organisations to reach first"] == f"{outreach.Id.nunique():,}"


CHECKS = {
    "overview": check_overview,
    "volume": check_volume,
    "subsidy": check_subsidy,
    "engagement": check_engagement,
    "supply_chains": check_supply_chains,
}


@pytest.mark.parametrize(("user", "name"), CASES)
def test_every_headline_equals_the_rows_it_summarises(opened, version, user, name):
    at = opened(user, name)
    assert not at.exception, at.exception
    assert at.metric, f"{name} shows no headline to {user}"
    CHECKS[name](at, lambda query, **extra: query_as(user, version, query, **extra))


def test_every_role_is_checked_on_at_least_three_pages():
    for user in USERS:
        assert len([u for u, _ in CASES if u == user]) >= 3, user


def test_weekly_summary_counts_the_overviews_well_below_contracts(opened, version):
    """The weekly summary of the demo's only refresh (no previous version: every contract well below
    forecast is new) counts the contracts the national Overview's "Over 20% below" counts: both read
    is_well_below of the attention list, by the threshold in mart_thresholds."""
    con = Warehouse(version.path.parent).connect(version)
    try:
        [(text,)] = con.execute("SELECT summary_md FROM meta_run_summary").fetchall()
    finally:
        con.close()
    overview = opened("demo-national", "overview")
    count = metric(overview, "Over 20% below (")
    assert (
        f"**Contracts newly more than 20% below forecast** over the last 3 complete months: {count}."
        in text
    )


@pytest.mark.parametrize("user", USERS)
def test_overview_shows_the_subsidy_pages_own_headline(opened, user):
    """The Overview's subsidy figures are the Subsidy page's headline, drawn by each page for the same
    user: the same quarter, the same count of contracts being subsidised."""
    overview, subsidy = opened(user, "overview"), opened(user, "subsidy")
    [(label, count)] = [
        (k, v) for k, v in shown(overview).items() if k.startswith("Contracts being subsidised (")
    ]
    quarter = label.removeprefix("Contracts being subsidised (").removesuffix(")")
    assert shown(subsidy)[f"Contracts being subsidised, {quarter}"] == count

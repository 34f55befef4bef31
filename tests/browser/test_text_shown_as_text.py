"""Text from files never makes the browser fetch anything (issue 13): on a warehouse whose names hold
image links and <img> tags (tests/markup_data.py), opening the pages in Chromium requests nothing
from the planted host or the planted file names, with the filters set so that notes name the payload
provider, the flag page showing the payload contract, and a filter's list of choices open."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, idle, open_page, start_app
from tests.markup_data import PLANTED_HOST, build_markup_warehouse

PLANTED = (PLANTED_HOST, "planted-file.png", "planted-tag.png")
VIEWS = [  # (path, demo user, more of the address)
    ("", "demo-national", "&provider=ACME"),  # the overview, the app's first page
    ("volume", "demo-national", "&provider=ACME"),
    ("subsidy", "demo-rpd-north-west", "&provider=ACME"),
    ("engagement", "demo-national", ""),
    ("", "demo-admin", ""),  # the status page, an administrator's first page
    ("flags", "demo-provider-lancashire-women", ""),  # the first contract offered is the payload's
    ("triage", "demo-rpd-north-west", ""),
]


@pytest.fixture(scope="module")
def markup_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("markup-browser")
    warehouse = build_markup_warehouse(root)
    proc, url = start_app(
        warehouse.data_dir, env={"RPD_FLAGS_URL": f"sqlite:///{root / 'flags.sqlite'}"}
    )
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_opening_the_pages_fetches_nothing_planted(browser, markup_app):
    requested: list[str] = []
    for path, user, more in VIEWS:
        page = open_page(browser, f"{markup_app}/{path}?user={user}{more}", DESKTOP)
        page.on("request", lambda request: requested.append(request.url))
        page.reload(wait_until="domcontentloaded")  # again, now listened to from the first byte
        idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        if user == "demo-national" and path == "":  # the provider filter's choices, drawn open
            page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(3).click()
            page.wait_for_timeout(500)
            assert page.get_by_role("option").count() > 1
        page.wait_for_timeout(1000)  # time for any image to be asked for
        page.close()
    assert len(requested) > 10  # the listener heard the pages' own requests
    assert [u for u in requested if any(p in u for p in PLANTED)] == []

    # The listener would have heard a planted image: a control, drawn by hand.
    page = open_page(browser, f"{markup_app}/engagement?user=demo-national", DESKTOP)
    heard: list[str] = []
    page.on("request", lambda request: heard.append(request.url))
    page.evaluate(
        f"document.body.insertAdjacentHTML('beforeend', '<img src=\"http://{PLANTED_HOST}/control.png\">')"
    )
    page.wait_for_timeout(1000)
    page.close()
    assert f"http://{PLANTED_HOST}/control.png" in heard

"""On the demo, in a real browser: the Subsidy signals page shows the three financial states with counts that
differ and add up as documented (docs/measures.md), and a subcontractor's own return sits beside its lead's."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, idle, open_page, start_app
from tests.browser.test_subsidy_engagement_pages import metric


@pytest.fixture(scope="module")
def subsidy_page(browser, demo_warehouse):
    proc, url = start_app(demo_warehouse.data_dir)
    page = open_page(browser, f"{url}/subsidy", DESKTOP)
    yield page
    page.close()
    proc.terminate()
    proc.wait(timeout=20)


def test_three_states_differ_and_add_up(subsidy_page):
    """Under-funded, subsidised and gap not covered are three different counts for the same quarter, and the
    sentence under the states table adds them up from the five combinations exactly as documented."""
    page = subsidy_page
    label = page.locator('[data-testid="stMetricLabel"]').filter(
        has_text="Contracts being subsidised, "
    )
    quarter = label.first.inner_text().strip().rsplit(", ", 1)[1]
    counts = {
        state: int(metric(page, f"{state}, {quarter}").replace(",", ""))
        for state in ("Contracts being subsidised", "Under-funded", "Gap not covered")
    }
    assert len(set(counts.values())) == 3, counts
    sentence = page.get_by_text(re.compile(r"^Under-funded \d+ = ")).inner_text()
    got = re.fullmatch(
        r"Under-funded (\d+) = (\d+) \+ (\d+) \+ (\d+); subsidised (\d+) = (\d+) \+ (\d+) \+ (\d+); "
        r"gap not covered (\d+) = (\d+) \+ (\d+); all combinations add up to the (\d+) contracts that returned\.",
        sentence.strip(),
    )
    assert got, sentence
    (
        under,
        nothing,
        partly,
        covered,
        subsidised,
        partly2,
        covered2,
        only,
        gap,
        nothing2,
        partly3,
        returned,
    ) = map(int, got.groups())
    assert under == counts["Under-funded"] == nothing + partly + covered
    assert subsidised == counts["Contracts being subsidised"] == partly + covered + only
    assert gap == counts["Gap not covered"] == nothing + partly
    assert (partly2, covered2, nothing2, partly3) == (partly, covered, nothing, partly)
    assert nothing + partly + covered + only <= returned


def test_subcontractor_return_beside_its_lead(subsidy_page):
    """The every-return table (as its CSV download) names each contract by name and reference, as shown,
    and lists each subcontractor's return right after its lead's for the same contract and quarter."""
    page = subsidy_page
    page.get_by_text(re.compile(r"^Financial returns in view")).click()
    button = page.locator('[data-testid="stDownloadButton"]').last
    # The expander opens without a rerun: wait until its button is drawn and the page is at rest, as
    # a person would see it, before pressing it (the CSV is made on the press, by the server).
    expect(button).to_be_visible()
    button.scroll_into_view_if_needed()
    idle(page)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    assert info.value.suggested_filename == "subsidy-contract-quarters.csv"
    with open(info.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    assert "Service" not in rows[0]  # the name is in the Contract column
    assert all(re.fullmatch(r".+ \(\w+\)", r["Contract"]) for r in rows)  # "name (reference)"
    subs = [k for k, r in enumerate(rows) if r["Role"] == "subcontractor"]
    assert subs
    for k in subs:
        before = rows[k - 1]
        assert (before["Contract"], before["Quarter"]) == (rows[k]["Contract"], rows[k]["Quarter"])
        assert before["Role"] in ("lead", "subcontractor")
    leads = {(r["Contract"], r["Quarter"]) for r in rows if r["Role"] == "lead"}
    assert all((rows[k]["Contract"], rows[k]["Quarter"]) in leads for k in subs)

"""Readable charts in a real browser (issue 12, item 4), on the demo data: grouped by contract for the
North West, every bar's label is drawn in full at desktop and phone widths (read from the Vega chart's
SVG text), one label per bar; Wales's volume page, whose weekly extract has no assessment dates, says so
in words and has no serious or critical axe violation; a region is named in the URL, a code still works."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from dashboard.pages.volume import NO_ASSESSMENT_DATES
from tests.browser.conftest import DESKTOP, PHONE, idle, open_page, screenshot
from tests.browser.test_pages import serious_violations
from warehouse.connection import Warehouse

# North West contracts open at some point in the last 12 months (the page's default period).
_NORTH_WEST = """
    WITH a AS (SELECT (provisional_month - INTERVAL 11 MONTH)::DATE AS since, as_of_date FROM mart_data_as_of)
    SELECT c.contract_label FROM mart_contract c, a
    WHERE c.region_code = 'B' AND c.start_date <= a.as_of_date
      AND (c.end_date IS NULL OR c.end_date >= a.since)
"""

# The y-axis labels and the bars of the chart titled `title`: each label's lines (tspans) joined by a space.
_READ_CHART = """
(title) => {
  const svg = [...document.querySelectorAll('svg')].find(
    s => [...s.querySelectorAll('.role-title-text text, .role-title text')].some(t => t.textContent.startsWith(title)));
  if (!svg) return null;
  const axis = [...svg.querySelectorAll('.role-axis')].find(
    a => a.getAttribute('aria-label') && a.getAttribute('aria-label').startsWith('Y-axis'));
  const labels = [...axis.querySelectorAll('.role-axis-label text')].map(t => {
    const lines = [...t.querySelectorAll('tspan')].map(s => s.textContent);
    return lines.length ? lines.join(' ') : t.textContent;
  });
  const bars = svg.querySelectorAll('.mark-rect.role-mark path').length;
  return {labels, bars};
}
"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_contract_bar_label_is_drawn_in_full(browser, demo_url, demo_warehouse, viewport):
    con = Warehouse.from_settings(demo_warehouse.settings).connect()
    expected = {r[0] for r in con.execute(_NORTH_WEST).fetchall()}
    con.close()
    assert len(expected) >= 11  # the North West of the demo: the case the issue counted

    page = open_page(browser, f"{demo_url}/volume?user=demo-rpd-north-west", viewport)
    page.get_by_test_id("stRadioGroup").get_by_text("Contract", exact=True).click()
    idle(page)
    title = "Volume gap by contract"
    expect(page.locator("svg").filter(has_text=title)).to_have_count(1, timeout=30_000)
    drawn = page.evaluate(_READ_CHART, title)
    assert drawn is not None
    assert not [label for label in drawn["labels"] if "…" in label]
    assert sorted(drawn["labels"]) == sorted(expected)  # every contract, each label whole
    assert drawn["bars"] == len(expected)
    page.get_by_text(title).first.scroll_into_view_if_needed()
    screenshot(page, "volume-by-contract-north-west", viewport)
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_wales_volume_page_explains_missing_timeliness_accessibly(browser, demo_url, viewport):
    page = open_page(browser, f"{demo_url}/volume?user=demo-rpd-wales", viewport)
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.get_by_text(NO_ASSESSMENT_DATES)).to_be_visible(timeout=30_000)
    assert serious_violations(page) == []
    page.close()


def test_region_named_in_the_url_and_its_code_still_accepted(browser, demo_url):
    """A region's code in a shared link is still understood, and the address then names the region."""
    for asked, shown in (("D", "Wales"), (urllib.parse.quote("North West"), "North West")):
        page = open_page(browser, f"{demo_url}/volume?region={asked}", DESKTOP)
        region = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Region")
        expect(region).to_have_value(shown)
        name = "(\\+|%20)".join(re.escape(word) for word in shown.split(" "))
        expect(page).to_have_url(re.compile(rf"/volume\?region={name}$"), timeout=30_000)
        page.close()

"""The weekly "what changed" summary counts new, open and overdue flags (issue 5 left this to flags)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

from dashboard.flags.store import ContractFacts, FlagStore, NewFlag
from dashboard.users import demo_user
from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings


def test_summary_lists_new_and_overdue_flags(small_warehouse, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(small_warehouse.data_dir, data_dir)
    settings = make_settings(data_dir)  # today is 21 Nov 2026
    store = FlagStore.from_settings(settings)
    provider = demo_user("demo-provider-lancashire-women")
    facts = ContractFacts("B", "ACME", 3, (), 1)
    new = NewFlag("PRJ_0001", dt.date(2026, 5, 1), "missing", 5, "Two missing.")
    # Raised 2 Nov 2026: respond by 16 Nov, so overdue on 21 Nov. Raised 20 Nov: due 4 Dec.
    # Three different flags (an identical open one would be refused): counts 5, 6 and 7.
    mine = ["PRJ_0001"]
    old = store.raise_flag(
        provider, new, facts, mine, now=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    )
    store.raise_flag(
        provider,
        replace(new, provider_count=6),
        facts,
        mine,
        now=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC),
    )
    store.raise_flag(provider, replace(new, provider_count=7), facts, mine)  # now: after publish
    b.write_csv(
        settings.dir("landing") / "c.csv", "contracts", [b.contract(contract_ref="PRJ_0099")]
    )
    report = refresh(settings)
    summary = (settings.dir("reports") / report.run_id / "summary.md").read_text()
    assert "## Flags from providers" in summary
    # "New" means raised after the previous version was published (the fixture's, on the real clock).
    assert "- 1 new since the last refresh; 3 open or under review; 1 overdue" in summary
    # The name and reference come from a file: escaped, as the summary is shown as Markdown.
    assert (
        f"Overdue: flag {old}, Accommodation North West \\(PRJ\\_0001\\), May 2026, "
        "respond by 16 Nov 2026"
    ) in summary


def test_an_overdue_flag_names_its_contract_given_the_warehouse(small_warehouse, tmp_path):
    """Given the warehouse (as the refresh has it), the overdue line names the contract as the pages do:
    PRJ_0001 is "Accommodation North West (PRJ_0001)", escaped for Markdown."""
    from ingest.summary import flag_lines
    from warehouse.connection import Warehouse

    settings = make_settings(tmp_path / "data")  # today is 21 Nov 2026; the flags in tmp_path
    store = FlagStore.from_settings(settings)
    new = NewFlag("PRJ_0001", dt.date(2026, 5, 1), "missing", 5, "Two missing.")
    old = store.raise_flag(
        demo_user("demo-provider-lancashire-women"),
        new,
        ContractFacts("B", "ACME", 3, (), 1),
        ["PRJ_0001"],
        now=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),  # respond by 16 Nov: overdue on 21 Nov
    )
    con = Warehouse.from_settings(small_warehouse.settings).connect()
    try:
        lines = flag_lines(settings, None, con)
    finally:
        con.close()
    assert (
        f"- Overdue: flag {old}, Accommodation North West \\(PRJ\\_0001\\), May 2026, "
        "respond by 16 Nov 2026"
    ) in lines

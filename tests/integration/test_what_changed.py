"""The weekly "what changed" summary lists each contract by name and reference (mart_contract.contract_label),
as the pages do, not by reference only. Values worked out by hand from a one-contract warehouse."""

from __future__ import annotations

from ingest.pipeline import refresh
from tests import builders as b
from tests.conftest import make_settings

# PRJ_0001, "Accommodation North West", forecast 1,200 a year (100 a month), band 1 up to 2 referrals and
# band 2 up to 4 (its cap). Its referrals arrive on 4 May 2026, the as-of day: none in February to April,
# so its gap over the last 3 complete months is -100%. Its contract year 5 runs 26 Jun 2025 to 25 Jun 2026.
SMALL_BANDS = {"band_1_upto": "2", "band_2_upto": "4"}
LABEL = r"Accommodation North West \(PRJ\_0001\)"  # escaped: the summary is shown as Markdown


def _summary(settings, report) -> list[str]:
    return (settings.dir("reports") / report.run_id / "summary.md").read_text().splitlines()


def test_contract_lines_name_each_contract(tmp_path):
    """First refresh: 2 referrals (band 1), -100% below forecast and a 2026-Q1 return with a £30,000
    shortfall covered by £30,000 of other funding, all new. Second: 3 referrals, so band 1 -> 2; still
    below forecast and the same return, so neither is new."""
    settings = make_settings(tmp_path / "data")
    first = tmp_path / "first"
    b.write_csv(first / "c.csv", "contracts", [b.contract(**SMALL_BANDS)])
    b.write_csv(first / "r.csv", "referrals_performance_report", [b.referral(n) for n in (1, 2)])
    b.write_csv(first / "f.csv", "financial_returns", [b.finance(quarter="2026-Q1")])
    lines = _summary(settings, refresh(settings, [first]))
    assert f"- {LABEL}: -100%" in lines
    assert f"- {LABEL} 2026\\-Q1: shortfall £30,000, other funding £30,000" in lines

    second = tmp_path / "second"
    b.write_csv(
        second / "r.csv", "referrals_performance_report", [b.referral(n) for n in (1, 2, 3)]
    )
    lines = _summary(settings, refresh(settings, [second]))
    assert (
        "**Contracts newly more than 20% below forecast** over the last 3 complete months: 0."
        in lines
    )
    assert f"- {LABEL}: band 1 → 2" in lines
    assert not any("PRJ" in line and LABEL not in line for line in lines)

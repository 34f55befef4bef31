"""Rules of docs/data-contracts.md that no other test broke (issue 13): each file breaks one, in one
refresh after a contract register that loads, and is rejected with that rule's sentence."""

from __future__ import annotations

from ingest.pipeline import refresh
from tests import builders as b

ENDED = b.contract(contract_ref="PRJ_0101", end_date="2024-06-30")
CASES = {
    "referrals-after-contract-end.csv": (
        "referrals_performance_report",
        [b.referral(1, contract_ref="PRJ_0101")],
        "The referral must be received no later than its contract's end date. "
        "This is not so in 1 row: row 2",
    ),
    "referrals-before-the-service.csv": (
        "referrals_performance_report",
        [b.referral(1, date_referral_received="2021-05-04T10:00:00")],
        "The referral must have been received on or after 1 June 2021, when the service started. "
        "This is not so in 1 row: row 2 (found '2021-05-04 10:00').",
    ),
    "meetings-before-2021.csv": (
        "forum_meetings",
        [b.meeting(meeting_date="2020-12-31")],
        "'meeting_date' must be on or after 1 January 2021. "
        "This is not so in 1 row: row 2 (found a date that could be a date of birth (hidden)).",
    ),
    "contracts-cap-zero.csv": (
        "contracts",
        [b.contract(contract_ref="PRJ_0102", annual_volume_cap="0", **b.NO_BANDS)],
        "'annual_volume_cap' must be between 1 and 100,000. This is not so in 1 row: row 2 (found '0').",
    ),
    "contracts-band-3-too-high.csv": (
        "contracts",
        [
            b.contract(
                contract_ref="PRJ_0103", band_3_upto="200,000", band_3_payment_gbp="£1,300,000"
            )
        ],
        "'band_3_upto' must be between 1 and 100,000. "
        "This is not so in 1 row: row 2 (found '200000').",
    ),
}


def test_each_documented_rule_rejects_the_file_breaking_it(settings, tmp_path):
    files = [b.write_csv(tmp_path / "a-register.csv", "contracts", [b.contract(), ENDED])]
    for name, (source_name, rows, _) in CASES.items():
        files.append(b.write_csv(tmp_path / name, source_name, rows))
    outcomes = {f.file_name: f for f in refresh(settings, files).files}
    assert outcomes["a-register.csv"].outcome == "loaded", outcomes["a-register.csv"].message
    for name, (_, _, sentence) in CASES.items():
        assert outcomes[name].outcome == "rejected", (name, outcomes[name].message)
        assert sentence in outcomes[name].message, (name, outcomes[name].message)

"""A small warehouse whose names hold Markdown and HTML, as a careless or hostile sender might write
them: the access warehouse's contracts and organisations (tests/access_data.py), with an image link,
a link, an <img> tag and **bold** in a contract title, a provider name, an organisation name, a forum
topic, another source of funding and a file name. Shown anywhere as anything but text, the browser
would fetch from PLANTED_HOST (which cannot resolve: .invalid)."""

from __future__ import annotations

from pathlib import Path

from tests import builders as b
from tests.access_data import CONTRACTS, ORGANISATIONS, referral_rows

PLANTED_HOST = "rpd-planted.invalid"
PAYLOAD = (
    f"![x](http://{PLANTED_HOST}/img.png) [here](http://{PLANTED_HOST}/link) "
    f'<img src="http://{PLANTED_HOST}/tag.png"> **bold**'
)
# A file name cannot hold "/": its image and tag point at the app's own host instead.
FILE_PAYLOAD = "![f](planted-file.png) <img src=planted-tag.png> **bold**"
TITLE = f"Accommodation {PAYLOAD}"  # NW_ACC's intervention title
PROVIDER_NAME = f"Acme {PAYLOAD}"  # ACME's name (lead provider of NW_ACC)
ORGANISATION = f"Refuge {PAYLOAD}"  # the region B organisation
TOPIC = f"Pathways {PAYLOAD}"
FUNDING = f"Reserves {PAYLOAD}"


def build_markup_warehouse(root: Path):
    from ingest.pipeline import refresh
    from tests.conftest import SmallWarehouse, make_settings

    files = root / "files"
    contracts = {ref: dict(over) for ref, over in CONTRACTS.items()}
    contracts["NW_ACC"] |= {"intervention_title": TITLE, "lead_provider_name": PROVIDER_NAME}
    b.write_csv(
        files / f"contracts {FILE_PAYLOAD}.csv",
        "contracts",
        [b.contract(contract_ref=ref, **over) for ref, over in contracts.items()],
    )
    rows = referral_rows()  # NW_ACC's lead provider is still ACME: only its name carries markup
    b.write_csv(files / "referrals.csv", "referrals_performance_report", rows)
    names = {**{r: name for r, (_, name) in ORGANISATIONS.items()}, "B": ORGANISATION}
    b.write_csv(
        files / "organisations.csv",
        "organisations",
        [
            b.organisation(org_id=org_id, org_name=names[region], regions_served=region)
            for region, (org_id, _) in ORGANISATIONS.items()
        ],
    )
    b.write_csv(
        files / "meetings.csv",
        "forum_meetings",
        [b.meeting(meeting_id="B-2026-07", meeting_date="2026-07-14", topic=TOPIC)],
    )
    b.write_csv(
        files / "attendance.csv",
        "forum_attendance",
        [b.attendance(meeting_id="B-2026-07", org_id=ORGANISATIONS["B"][0])],
    )
    b.write_csv(
        files / "finance.csv",
        "financial_returns",
        [b.finance(contract_ref="NW_ACC", other_funding_source=FUNDING)],
    )
    settings = make_settings(root / "data")
    report = refresh(settings, [files])
    assert not report.rejected, [f.message for f in report.rejected]
    return SmallWarehouse(root / "data", settings, contracts=4, referrals=len(rows))

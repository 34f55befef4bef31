"""A small warehouse for access tests: four contracts in three regions, with the demo users' real
provider codes, so what each demo user may see can be worked out by hand.

    contract  region  lead provider          subcontractors       referrals (May 2026)
    NW_WOMEN  B       LANCASHIRE_WOMEN       -                    LW0001WO, LW0002WO, LW0003WO
    NW_ACC    B       ACME (Acme Housing)    LANCASHIRE_WOMEN     AC0001AC, AC0002AC
    EM_WOMEN  F       NOTT_WOMENS_CENTRE     -                    NT0001WO
    WA_ACC    D       CYMRU (Cymru Housing)  -                    CY0001AC, CY0002AC, CY0003AC, CY0004AC

Organisations: one in each of B, F and D. So Lancashire Women (provider) sees NW_WOMEN and NW_ACC;
Nottingham Women's Centre sees EM_WOMEN; the North West RPD sees NW_WOMEN and NW_ACC and the B
organisation; the Wales RPD sees WA_ACC and the D organisation; the national commissioner sees all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests import builders as b

CONTRACTS = {
    "NW_WOMEN": dict(
        region_code="B",
        **b.WOMENS_SERVICE,
        intervention_title="Women's Services Lancashire",
        lead_provider_code="LANCASHIRE_WOMEN",
        lead_provider_name="Lancashire Women",
    ),
    "NW_ACC": dict(
        region_code="B",
        intervention_title="Accommodation North West",
        lead_provider_code="ACME",
        lead_provider_name="Acme Housing",
        subcontractor_codes="LANCASHIRE_WOMEN",
    ),
    "EM_WOMEN": dict(
        region_code="F",
        **b.WOMENS_SERVICE,
        intervention_title="Women's Services Nottinghamshire",
        lead_provider_code="NOTT_WOMENS_CENTRE",
        lead_provider_name="Nottingham Women's Centre",
    ),
    "WA_ACC": dict(
        region_code="D",
        intervention_title="Accommodation Wales",
        lead_provider_code="CYMRU",
        lead_provider_name="Cymru Housing",
    ),
}
REFERRALS = {
    "NW_WOMEN": ["LW0001WO", "LW0002WO", "LW0003WO"],
    "NW_ACC": ["AC0001AC", "AC0002AC"],
    "EM_WOMEN": ["NT0001WO"],
    "WA_ACC": ["CY0001AC", "CY0002AC", "CY0003AC", "CY0004AC"],
}
ORGANISATIONS = {
    "B": ("CH2000001", "Preston Women's Refuge"),
    "F": ("CH2000002", "Mansfield Tenancy Trust"),
    "D": ("CH2000003", "Cardiff Recovery Cafe"),
}
# What each demo user may read (contract refs; organisation names).
VISIBLE = {
    "demo-national": set(CONTRACTS),
    "demo-rpd-north-west": {"NW_WOMEN", "NW_ACC"},
    "demo-rpd-wales": {"WA_ACC"},
    "demo-provider-lancashire-women": {"NW_WOMEN", "NW_ACC"},
    "demo-provider-nottingham-womens-centre": {"EM_WOMEN"},
    "demo-admin": set(),
}
VISIBLE_REGIONS = {
    "demo-national": {"B", "F", "D"},
    "demo-rpd-north-west": {"B"},
    "demo-rpd-wales": {"D"},
    "demo-provider-lancashire-women": set(),
    "demo-provider-nottingham-womens-centre": set(),
    "demo-admin": set(),
}

# The roles that may run each kind of query (dashboard.queries.Guard, by value), written out by hand:
# the as-of date is public; data status is for those who run the service; contract figures for every
# role that reads contracts; organisation and forum figures for the national commissioner and RPD teams.
RUN_BY = {
    "public": {"national", "rpd", "provider", "admin"},
    "operations": {"national", "admin"},
    "contracts": {"national", "rpd", "provider"},
    "regions": {"national", "rpd"},
}

# Parameters every page query may take, at their defaults: the whole scope, since June 2021.
QUERY_DEFAULTS = {
    "region": None,
    "pcc": None,
    "lot": None,
    "provider": None,
    "since": dt.date(2021, 6, 1),
    "as_of": dt.date(2026, 11, 20),
    "month": dt.date(2026, 5, 1),
    "quarter": "2026-Q2",
}


def words_of(contract: str) -> list[str]:
    """Strings that would show a contract's rows: its reference, title, lead provider and references."""
    c = CONTRACTS[contract]
    return [contract, c["intervention_title"], c["lead_provider_name"], *REFERRALS[contract]]


def referral_rows() -> list[dict]:
    """One performance-report row for each reference of REFERRALS, numbered from 1 in that order, sent
    by its contract's lead provider."""
    rows = []
    for contract, refs in REFERRALS.items():
        lead = CONTRACTS[contract]["lead_provider_code"]
        for ref in refs:
            rows.append(
                b.referral(
                    len(rows) + 1, referral_ref=ref, contract_ref=contract, organisation_id=lead
                )
            )
    return rows


def build_access_warehouse(root: Path):
    """The warehouse above, built through the real ingest in root/data (the access_warehouse fixture)."""
    from ingest.pipeline import refresh
    from tests.conftest import SmallWarehouse, make_settings

    files = root / "files"
    b.write_csv(
        files / "contracts.csv",
        "contracts",
        [b.contract(contract_ref=ref, **over) for ref, over in CONTRACTS.items()],
    )
    rows = referral_rows()
    b.write_csv(files / "referrals.csv", "referrals_performance_report", rows)
    b.write_csv(
        files / "organisations.csv",
        "organisations",
        [
            b.organisation(org_id=org_id, org_name=name, regions_served=region)
            for region, (org_id, name) in ORGANISATIONS.items()
        ],
    )
    settings = make_settings(root / "data")
    report = refresh(settings, [files])
    assert not report.rejected, [f.message for f in report.rejected]
    return SmallWarehouse(root / "data", settings, contracts=4, referrals=len(rows))

"""Demo landing files: the real contract register of MoJ's referral service with invented values,
referrals, quarterly returns, voluntary organisations and RPD forums, telling the stories of the
domain brief (referrals below forecast, women's services above it and subsidised, small and
specialist organisations missing from forums).

Deterministic: the same (today, seed, referrals_scale) gives byte-identical files. Nothing reads the
clock; every random draw comes from numpy generators seeded with `seed` and a fixed stream number.
`referrals_scale` multiplies referral counts and the register's volumes with them, so the
received-versus-forecast story holds at any scale (money is not scaled).
"""

from __future__ import annotations

import bisect
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.demo.referrals import money_text, quarterly_returns, write_referral_files
from ingest.sources import source
from warehouse.refdata import lots, rows

DAY_ONE = dt.date(2021, 6, 26)
# Wales sends the weekly referral extract; the other regions the provider performance report.
EXTRACT_REGIONS = ("D",)
# Sectors: the three private day-one primes (Ingeus, Seetec and MAXIMUS: 23 of 26 are voluntary, Clinks),
# private subcontractors (a CRC, consultancies, a training company) and public bodies (probation
# service, NHS trusts). Everyone else is voluntary.
PRIVATE = frozenset(
    [
        "INGEUS_UK_LIMITED",
        "SEETEC_BUS_TECH_CTR_LTD",
        "MAXIMUS_UK",
        "KSS_CRC",
        "KAREN_MACKEY",
        "JUDAH_ARMANI",
        "INSPIRIT_T_D",
    ]
)
PUBLIC = frozenset(
    [
        "NWPS",
        "PS_EOE_HOUSING_SUPPORT",
        "PS_YATH_HOUSING",
        "GM_MH_NHS_FT",
        "PENNINE_CARE_NHS_FT",
        "DEVON_PARTNERSHIP_TRUST",
    ]
)
# The North West story: three contracts clearly furthest below forecast.
NORTH_WEST_SHORTFALL = {"PRJ_5556": 0.30, "PRJ_5639": 0.36, "PRJ_6532": 0.42}
# Day-one annual values by lot (PQ 43641: ~£195m over 4 years; women's over £45m; accommodation ~£33m).
# Lots as in warehouse/refdata/contract_type_lots.csv.
ACC, ETE, PWB = "Accommodation", "Education, Training and Employment", "Personal Wellbeing"
WOMEN, DNR, FBD, MTR = (
    "Women's Services",
    "Dependency and Recovery",
    "Finance, Benefit and Debt",
    "Mentoring",
)
DAY_ONE_ANNUAL = {ACC: 8_250_000, ETE: 15_500_000, PWB: 13_500_000, WOMEN: 11_500_000}
LATER_ANNUAL = {
    ACC: 1_300_000,
    ETE: 900_000,
    PWB: 120_000,
    WOMEN: 450_000,
    DNR: 420_000,
    FBD: 260_000,
    MTR: 150_000,
}
UNIT_COST = {ACC: 2_250, ETE: 1_900, PWB: 1_400, WOMEN: 2_300, DNR: 2_100, FBD: 1_150, MTR: 1_450}
SESSIONS = {ACC: 4, ETE: 5, PWB: 6, WOMEN: 7, DNR: 6, FBD: 3, MTR: 6}
# The register's rule: a contract's indicative volume, cap and band limits are at most 100,000 referrals a year
# (expectations/contracts.py, docs/data-contracts.md). No real contract comes near it (the whole day-one award
# was about £195m for 110 contracts, the largest known £5.9m: under 10,000 referrals a year even at the
# lowest unit cost here), so a register figure above it is a mistake; volumes scaled up for benchmarks
# (about 78 times for 10 million referrals) are held to it rather than writing a register the checks refuse.
VOLUME_LIMIT = 100_000


def write_demo_files(
    folder: Path, *, today: dt.date, seed: int = 20210626, referrals_scale: float = 1.0
) -> list[Path]:
    """Write the demo landing files into folder (created if missing); return their paths."""
    if today <= DAY_ONE + dt.timedelta(days=7):
        raise ValueError(
            f"today must be at least a week after {DAY_ONE:%d %B %Y}, when the first contracts started"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    contracts = build_contracts(today, seed, referrals_scale)
    paths = [
        _write_xlsx(
            folder / "contract_register.xlsx",
            "Contracts",
            "contracts",
            register_rows(contracts),
            today,
        )
    ]
    reasons = _reasons()
    referral_paths, kpi = write_referral_files(
        folder, contracts, reasons, today, seed, EXTRACT_REGIONS
    )
    paths += referral_paths
    orgs = organisations(contracts, seed)
    # Provider codes of small organisations (provider_codes: one code each in the demo, or none).
    small = frozenset(orgs.loc[orgs["income_band"].isin(SMALL_BANDS), "provider_codes"].dropna())
    kpi_rows, money_rows = quarterly_returns(contracts, kpi, today, seed, small)
    paths.append(_write_csv(folder / "kpi_returns.csv", "kpi_returns", kpi_rows, "utf-8"))
    paths.append(
        _write_csv(folder / "financial_returns.csv", "financial_returns", money_rows, "cp1252")
    )
    paths.append(_write_csv(folder / "organisations.csv", "organisations", orgs, "utf-8-sig"))
    meetings, attendance = forums(orgs, today, seed)
    paths.append(
        _write_xlsx(folder / "forum_meetings.xlsx", "Meetings", "forum_meetings", meetings, today)
    )
    paths.append(
        _write_csv(folder / "forum_attendance.csv", "forum_attendance", attendance, "utf-8")
    )
    return paths


def _read(name: str) -> pd.DataFrame:
    return pd.DataFrame(rows(name))


def _reasons() -> pd.DataFrame:
    """End reasons with weights: before delivery anything; during delivery no mistaken referrals."""
    reasons = _read("end_referral_reasons")
    common = dict(NOT=6, NEE=3, MOV=2, RET=3, PPJ=3, END=2, SEE=2, WOR=2, EAR=2, ANO=2)
    reasons["w_cancel"] = [
        common.get(c, 1) + (3 if c in ("INE", "MIS", "DUP") else 0) for c in reasons["code"]
    ]
    reasons["w_during"] = [
        0 if c in ("INE", "MIS", "DUP") else common.get(c, 1) for c in reasons["code"]
    ]
    return reasons


def _month(day: dt.date) -> dt.date:
    """The first of the month nearest to `day`."""
    first = day.replace(day=1)
    return first if day.day <= 15 else (first + dt.timedelta(days=32)).replace(day=1)


def build_contracts(today: dt.date, seed: int, scale: float) -> pd.DataFrame:
    """Every contract of the referral service's register, with the commercial facts it lacks."""
    rng = np.random.default_rng([seed, 1])
    src = _read("crs_contracts_from_service")
    types = _read("contract_types").set_index("contract_type_code")
    n = len(src)
    c = pd.DataFrame(
        {
            "contract_ref": src["contract_reference"],
            "contract_type_code": src["contract_type_code"],
            "contract_type_name": src["contract_type_code"].map(types["contract_type_name"]),
            "service_categories": src["contract_type_code"]
            .map(types["service_categories"])
            .str.split("; ")
            .str.join(";"),
            "region_code": src["effective_nps_region_code"],
            "pcc_area_codes": src["pcc_region_code"],
            "intervention_title": src["intervention_title"],
            "lead_provider_code": src["prime_provider_code"],
            "lead_provider_name": src["prime_provider_name"],
            "subcontractor_codes": src["subcontractor_codes"]
            .str.split(";")
            .map(lambda xs: ";".join(x.strip() for x in xs if x.strip())),
        }
    )
    c["lead_provider_sector"] = [
        "private" if p in PRIVATE else "public" if p in PUBLIC else "voluntary"
        for p in c["lead_provider_code"]
    ]
    c["lot"] = c["contract_type_code"].map(lots())
    day_one = (src["likely_day_one_2021"] == "True").to_numpy()
    c["day_one"] = day_one

    # Dates: day one, or the service's own start rounded to a month, else a plausible month.
    ends = [
        dt.date.fromisoformat(e[:10]) if e else None for e in src["referral_end_at(hide_after)"]
    ]
    months = list(pd.date_range("2022-01-01", "2025-06-01", freq="MS").date)
    starts = []
    for i, hide_before in enumerate(src["referral_start_date(hide_before)"]):
        if day_one[i]:
            start = DAY_ONE
        elif hide_before != "2021-01-01":
            start = min(max(_month(dt.date.fromisoformat(hide_before)), months[0]), months[-1])
        else:
            end = ends[i]
            latest = (
                len(months)
                if end is None
                else max(1, bisect.bisect_left(months, end - dt.timedelta(days=270)))
            )
            start = months[int(rng.integers(0, latest))]
        starts.append(min(start, today.replace(day=1)) if start > today else start)
    later_end = rng.random(n)
    for i, end in enumerate(ends):
        if end is None and later_end[i] < 0.7:
            ends[i] = (
                dt.date(2027, 6, 25)
                if day_one[i]
                else starts[i].replace(year=starts[i].year + 5) - dt.timedelta(days=1)
            )
    c["start"] = pd.to_datetime(pd.Series(starts)).astype("datetime64[s]")
    c["end"] = pd.to_datetime(pd.Series(ends)).astype("datetime64[s]")

    # Values: day-one lots share their published totals; known contract values are kept.
    weight = rng.lognormal(0.0, 0.3, n) * np.where(
        c["intervention_title"].str.contains(r"\bDA\b|Young Adults|18-25"), 0.5, 1.0
    )
    value = np.zeros(n)
    known = _read("known_contract_values")
    for _, row in known[known["matching_service_contract_refs"] != ""].iterrows():
        idx = np.flatnonzero(
            c["contract_ref"].isin(
                [r.strip() for r in row["matching_service_contract_refs"].split(";")]
            )
        )
        lot_mean = np.array(
            [
                DAY_ONE_ANNUAL[lot] / (day_one & (c["lot"] == lot)).sum()
                for lot in c["lot"].iloc[idx]
            ]
        )
        share = weight[idx] * lot_mean
        value[idx] = int(row["value_gbp"]) / 4 * share / share.sum()
    pinned = value > 0
    for lot, total in DAY_ONE_ANNUAL.items():
        rest = day_one & ~pinned & (c["lot"] == lot).to_numpy()
        value[rest] = (
            (total - value[day_one & pinned & (c["lot"] == lot).to_numpy()].sum())
            * weight[rest]
            / weight[rest].sum()
        )
    later = ~day_one
    base = np.array([LATER_ANNUAL[lot] for lot in c["lot"]])
    local = (
        c["contract_ref"].str.startswith("DN671065")
        | (c["contract_type_code"] == "DNR-SW")
        | (c["contract_type_code"] == "WSM")
    )
    base = np.where(local, base * 0.4, base)
    value[later] = base[later] * weight[later]
    c["annual_value"] = np.round(value).astype(np.int64)
    unit = np.clip(
        np.array([UNIT_COST[lot] for lot in c["lot"]]) * rng.lognormal(0, 0.1, n), 600, 2_500
    )
    c["volume"] = c["annual_value"] / unit * scale  # referrals a year expected at this scale
    c["indicative_annual_volume"] = np.clip(np.round(c["volume"]), 1, VOLUME_LIMIT).astype(np.int64)
    c["cap_share"] = rng.uniform(1.10, 1.25, n)
    c["three_bands"] = rng.random(n) < 0.5

    # Referrals against forecast: most 0.5-1.1, several women's services above, three North West gaps.
    ratio = 0.5 + 0.6 * rng.beta(2.2, 1.8, n)
    over = (c["lot"] == WOMEN).to_numpy() & (rng.random(n) < 0.35)
    ratio = np.where(over, rng.uniform(1.15, 1.5, n), ratio)
    north_west = (c["region_code"] == "B").to_numpy()
    ratio = np.where(
        north_west & ~over, np.maximum(ratio, 0.6 + 0.5 * rng.beta(2.2, 1.8, n)), ratio
    )
    ratio = np.where(
        c["contract_ref"].isin(NORTH_WEST_SHORTFALL),
        c["contract_ref"].map(NORTH_WEST_SHORTFALL),
        ratio,
    )
    c["ratio"] = ratio.astype(float)
    c["p_late_saa"] = rng.beta(2, 18, n)
    c["p_late_plan"] = rng.beta(2, 12, n)
    c["sessions_mean"] = [float(SESSIONS[lot]) for lot in c["lot"]]
    return c


def register_rows(c: pd.DataFrame) -> pd.DataFrame:
    """The contract register file: bands on contracts over £1m a year, a volume cap on the others."""
    rows = []
    for r in c.itertuples():
        v, pay = int(r.indicative_annual_volume), int(r.annual_value)
        bands: list[tuple[int, int]] = []
        if pay > 1_000_000:
            shares = (
                ((0.8, 0.9), (1.1, 1.0), (1.3, 1.1)) if r.three_bands else ((0.85, 0.9), (1.2, 1.0))
            )
            upto = [
                min(max(1, round(v * s)), v - 1) if k == 0 else max(round(v * s), v)
                for k, (s, _) in enumerate(shares)
            ]
            for k in range(1, len(upto)):
                upto[k] = max(upto[k], upto[k - 1] + 1)
            # Within the register's limit, still rising: the top band at the limit, each below one less.
            upto = [min(u, VOLUME_LIMIT - (len(upto) - 1 - k)) for k, u in enumerate(upto)]
            bands = [(u, round(pay * p)) for u, (_, p) in zip(upto, shares, strict=True)]
            if upto[0] < 1:
                bands = bands[1:]
        band_cols: dict[str, object] = {}
        for k in range(3):
            band_cols[f"band_{k + 1}_upto"] = bands[k][0] if k < len(bands) else None
            band_cols[f"band_{k + 1}_payment_gbp"] = (
                money_text(bands[k][1]) if k < len(bands) else None
            )
        rows.append(
            {
                "contract_ref": r.contract_ref,
                "contract_type_code": r.contract_type_code,
                "service_categories": r.service_categories,
                "region_code": r.region_code,
                "pcc_area_codes": r.pcc_area_codes or None,
                "intervention_title": r.intervention_title,
                "lead_provider_code": r.lead_provider_code,
                "lead_provider_name": r.lead_provider_name,
                "lead_provider_sector": r.lead_provider_sector,
                "subcontractor_codes": r.subcontractor_codes or None,
                "start_date": r.start.date(),
                "end_date": None if pd.isna(r.end) else r.end.date(),
                "annual_value_gbp": money_text(pay),
                "indicative_annual_volume": v,
                "annual_volume_cap": None
                if bands
                else min(max(v + 1, round(v * r.cap_share)), VOLUME_LIMIT),
                **band_cols,
            }
        )
    return pd.DataFrame(rows, dtype=object)


# ---- Voluntary organisations and RPD forums -----------------------------------------------------------

PLACES = {
    "A": "Newcastle Sunderland Gateshead Durham Darlington Middlesbrough Hartlepool Stockton Redcar Blyth Hexham Consett",
    "B": "Liverpool Preston Blackpool Lancaster Carlisle Barrow Chester Warrington Crewe Birkenhead Burnley Blackburn Kendal Southport",
    "C": "Leeds Sheffield Bradford Hull York Doncaster Wakefield Rotherham Barnsley Huddersfield Halifax Scarborough Harrogate Grimsby",
    "D": "Caerdydd Abertawe Casnewydd Wrecsam Bangor Aberystwyth Caerfyrddin Merthyr Llanelli Pontypridd Caernarfon Conwy Aberdâr Dinbych",
    "E": "Birmingham Coventry Wolverhampton Walsall Dudley Stoke Stafford Worcester Hereford Shrewsbury Telford Nuneaton Sandwell Redditch",
    "F": "Nottingham Derby Leicester Lincoln Mansfield Chesterfield Loughborough Boston Grantham Worksop Newark Skegness Hinckley Ilkeston",
    "G": "Bristol Plymouth Exeter Bath Gloucester Cheltenham Swindon Taunton Truro Bournemouth Poole Weymouth Torbay Yeovil",
    "H": "Southampton Portsmouth Oxford Reading Slough Winchester Basingstoke Aylesbury Banbury Wycombe Andover Bracknell Newbury",
    "I": "Norwich Ipswich Cambridge Peterborough Luton Bedford Chelmsford Colchester Southend Basildon Watford Stevenage Northampton",
    "J": "Hackney Lambeth Southwark Croydon Brixton Tottenham Newham Lewisham Islington Camden Brent Ealing Haringey Peckham",
    "K": "Brighton Hastings Crawley Maidstone Canterbury Margate Medway Guildford Woking Eastbourne Folkestone Dover Worthing",
    "L": "Manchester Salford Bolton Wigan Oldham Rochdale Stockport Bury Tameside Trafford Ashton Leigh Hulme Wythenshawe",
}
# Name patterns per specialism ("" = none), "|"-separated; {p} is a place of the region.
TEMPLATES = {
    "women": "{p} Women's Centre|{p} Women's Aid|Women Moving Forward {p}|{p} Sisters Together|Her Voice {p}",
    "racially_minoritised_led": "{p} Black Men's Forum|{p} Asian Community Trust|{p} African Caribbean Project|"
    "{p} Somali Community Association|Ubuntu {p}|{p} Roma Support Group",
    "young_adults": "{p} Youth Link|Step Up {p}|{p} Young Adults Project|Next Chapter {p}",
    "lgbtq": "{p} Pride Support|Rainbow Path {p}|{p} LGBT+ Switchboard",
    "disabled_led": "{p} Disability Voice|Access All {p}|{p} Deaf Community Link",
    "mental_health": "{p} Mental Health Network|{p} Wellbeing Hub|Calm Waters {p}",
    "substance_misuse": "{p} Recovery Community|Clean Slate {p}|Sober Steps {p}",
    "housing": "{p} Housing Trust|{p} Night Shelter|Open Door {p}|Homeward {p}",
    "employment": "{p} Work Ready|{p} Skills Exchange|Second Chance Works {p}|{p} Jobs Club",
    "families": "{p} Families Outside|{p} Family Link|{p} Kinship Network",
    "veterans": "{p} Veterans Hub|Forces Friends {p}|{p} Armed Forces Outreach",
    "": "{p} Community Trust|{p} Mentoring Project|{p} Restorative Justice Group|{p} Resettlement Service|"
    "{p} Community Chaplaincy|{p} Advice Centre|{p} Befrienders|{p} Circles of Support",
}
WELSH = {
    "women": "Canolfan Menywod {p}|Cymorth i Fenywod {p}",
    "young_adults": "Gwŷr Ifanc {p}|Llwybrau Ifanc {p}",
    "housing": "Tŷ Gobaith {p}|Drws Agored {p}",
    "substance_misuse": "Camau Adfer {p}",
    "mental_health": "Llesiant Meddwl {p}",
    "families": "Tŷ Teulu {p}|Teuluoedd {p}",
    "employment": "Gwaith Teg {p}",
    "veterans": "Cyn-filwyr {p}",
    "": "Cymdeithas Gymunedol {p}|Prosiect Cyfiawnder {p}|Mentora {p}|Canolfan Gynghori {p}|Cyfeillion {p}",
}
# Share of small organisations by main specialism ("" = none).
SPECIALISMS = dict(
    women=0.09,
    racially_minoritised_led=0.09,
    young_adults=0.07,
    lgbtq=0.03,
    disabled_led=0.03,
    mental_health=0.08,
    substance_misuse=0.08,
    housing=0.08,
    employment=0.07,
    families=0.07,
    veterans=0.03,
    **{"": 0.28},
)
# The service category a small organisation works in, by specialism (none of these: Social Inclusion).
WORKS_IN = {
    "women": "Emotional Wellbeing",
    "housing": "Accommodation",
    "employment": "Education, Training and Employment (ETE)",
    "substance_misuse": "Dependency and Recovery (D&R)",
    "mental_health": "Emotional Wellbeing",
    "families": "Family and Significant Others",
    "young_adults": "Lifestyle and Associates",
}
# Specialisms of named providers, from words in their names ("|"-separated, lower case).
KEYWORDS = {
    "women": "women|birth companions|clean break|hibiscus|anawim|working chance|aurora|pecan",
    "racially_minoritised_led": "hibiscus|khidmat|judah",
    "housing": "housing|shp|mungo|shelter|thirteen",
    "substance_misuse": "recovery|humankind|change grow|forward trust|turning point|with you|waythrough|petrus",
    "mental_health": "rethink|mental|touchstone",
    "families": "families|pops|pact|ormiston",
    "employment": "employment|offploy|growth company|wise group|working chance|rfea",
    "veterans": "rfea",
    "young_adults": "catch22|spark inside|youth",
    "welsh": "cais|restorative wales|adferiad",
}
# Income under £1m a year: the small organisations of the subsidy page (mart_supply_chain_provider.is_small).
SMALL_BANDS = ("under_10k", "10k_100k", "100k_500k", "500k_1m")
BANDS = ("under_10k", "10k_100k", "100k_500k", "500k_1m", "1m_10m", "over_10m")
SECTOR_SHARE = (0.28, 0.30, 0.24, 0.06, 0.08, 0.04)  # Clinks: 28% under £10k, 54% £10k-£500k
# National charities among the primes and subcontractors (income over £10m a year).
LARGE = frozenset(
    [
        "NACRO",
        "CATCH_22_CHARITY_LTD",
        "CHANGE_GROW_LIVE_LTD",
        "ST_MUNGOS",
        "SHELTER",
        "THE_FORWARD_TRUST",
        "ST_GILES_TRUST",
        "TURNING_POINT",
        "WE_ARE_WITH_YOU",
        "LEONARD_CHESHIRE",
        "RETHINK_MI_LTD",
        "STEPCHANGE_DEBT_CHARITY",
        "THE_WISE_GROUP_LTD",
        "HUMANKIND",
        "CHANGING_LIVES",
        "THIRTEEN_HOUSING_GROUP",
        "ACCORD_HOUSING_ASSOC",
        "THE_GROWTH_COMPANY_LTD",
        "ORMISTON_FAMILIES",
    ]
)
TOPICS = [
    "Introducing the new probation region",
    "How to join the Dynamic Framework",
    "Women's services recommissioning",
    "Accommodation pathway and CAS3",
    "Referral volumes: what providers are seeing",
    "Working with people leaving prison",
    "Finance, benefit and debt commissioning",
    "Dependency and recovery services",
    "Supply chains and subcontracting",
    "Lived experience and co-production",
    "Led by and for organisations",
    "Full cost recovery and contract values",
    "Mentoring and peer support",
    "Young adults on probation",
    "Racial equality in probation",
    "Annual review of commissioned services",
]


def organisations(c: pd.DataFrame, seed: int, total: int = 590) -> pd.DataFrame:
    """Every voluntary prime and subcontractor of the register, and many small organisations."""
    rng = np.random.default_rng([seed, 3])
    names = dict(
        _read("service_providers")[["provider_code", "provider_name"]].itertuples(index=False)
    )
    regions: dict[str, set[str]] = {}
    categories: dict[str, set[str]] = {}
    for r in c.itertuples():
        for code in [r.lead_provider_code, *filter(None, r.subcontractor_codes.split(";"))]:
            regions.setdefault(code, set()).add(r.region_code)
            categories.setdefault(code, set()).update(r.service_categories.split(";"))
    primes = set(c["lead_provider_code"])
    chain = sorted(code for code in regions if code not in PRIVATE | PUBLIC)
    rows = []
    for code in chain:
        low = names[code].lower()
        spec = [s for s, words in KEYWORDS.items() if any(w in low for w in words.split("|"))]
        drawn = int(rng.choice([2, 3, 4, 5], p=[0.2, 0.25, 0.5, 0.05]))
        # Leads are large (income over £1m), as the sector reports; a few women's, led-by-and-for and
        # Welsh subcontractors are small (£10k to £100k); other subcontractors £100k and over.
        if code in primes:
            drawn = max(drawn, 4)
        elif drawn == 2 and {"women", "racially_minoritised_led", "welsh"} & set(spec):
            drawn = 1
        band = "over_10m" if code in LARGE else BANDS[drawn]
        rows.append(
            {
                "org_name": names[code],
                "income_band": band,
                "specialisms": spec,
                "regions": sorted(regions[code]),
                "on_dynamic_framework": code in primes or rng.random() < 0.5,
                "in_supply_chain": True,
                "provider_codes": code,
                "service_categories": sorted(categories[code]),
            }
        )
    have = pd.Series([r["income_band"] for r in rows]).value_counts()
    left = [
        max(0, round(total * s) - int(have.get(b, 0)))
        for b, s in zip(BANDS, SECTOR_SHARE, strict=True)
    ]
    bands = rng.permutation(np.repeat(np.arange(6), left))
    home = rng.choice(list(PLACES), len(bands), p=_region_weights())
    taken = {r["org_name"] for r in rows}
    kinds, weights = list(SPECIALISMS), list(SPECIALISMS.values())
    for band, region in zip(bands, home, strict=True):
        first = kinds[rng.choice(len(kinds), p=weights)]
        spec = [first] if first else []
        if rng.random() < 0.2:
            second = kinds[rng.choice(len(kinds), p=weights)]
            spec += [second] if second and second != first else []
        welsh_name = region == "D" and rng.random() < 0.75
        if region == "D" and rng.random() < 0.85:
            spec.append("welsh")
        book = WELSH if welsh_name else TEMPLATES
        places = PLACES[region].split()
        for attempt in range(40):
            pattern = book.get(first if attempt < 20 else "", book[""]).split("|")
            name = pattern[rng.integers(0, len(pattern))].format(
                p=places[rng.integers(0, len(places))]
            )
            if name not in taken:
                break
        else:
            name = f"{name} {len(taken)}"
        taken.add(name)
        # Some work in one or two more regions (not Wales: Welsh organisations and others stay on their side).
        others = [k for k in PLACES if k not in (region, "D")]
        extra = (
            list(rng.choice(others, int(rng.integers(1, 3)), replace=False))
            if region != "D" and rng.random() < 0.17
            else []
        )
        rows.append(
            {
                "org_name": name,
                "income_band": BANDS[band],
                "specialisms": spec,
                "regions": sorted([region, *extra]),
                "on_dynamic_framework": rng.random() < 0.03 + 0.05 * band,
                "in_supply_chain": False,
                "provider_codes": None,
                "service_categories": sorted(
                    {WORKS_IN.get(s, "Social Inclusion") for s in spec} or {"Social Inclusion"}
                ),
            }
        )
    unregistered = [r["income_band"] == "under_10k" and rng.random() < 0.55 for r in rows]
    charity = rng.choice(np.arange(1_000_000, 1_210_000), len(rows), replace=False)
    local = rng.choice(np.arange(1_000, 10_000), len(rows), replace=False)
    out = pd.DataFrame(
        {
            "org_id": [
                f"ORG-{local[i]}" if u else f"CH{charity[i]}" for i, u in enumerate(unregistered)
            ],
            "org_name": [r["org_name"] for r in rows],
            "income_band": [r["income_band"] for r in rows],
            "specialisms": [";".join(dict.fromkeys(r["specialisms"])) or None for r in rows],
            "regions_served": [";".join(r["regions"]) for r in rows],
            "on_dynamic_framework": ["yes" if r["on_dynamic_framework"] else "no" for r in rows],
            "in_supply_chain": ["yes" if r["in_supply_chain"] else "no" for r in rows],
            "provider_code": None,
            "provider_codes": [r["provider_codes"] for r in rows],
            "service_categories": [";".join(r["service_categories"]) for r in rows],
        }
    )
    return out[list(source("organisations").headers)]


def _region_weights() -> np.ndarray:
    w = np.array([0.8, 1.3, 1.2, 1.0, 1.1, 0.9, 0.9, 0.8, 1.0, 1.4, 0.8, 0.8])
    return w / w.sum()


def forums(orgs: pd.DataFrame, today: dt.date, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RPD forums about quarterly from September 2021, and who came: large and supply-chain members
    far more often than small, specialist and Welsh organisations."""
    rng = np.random.default_rng([seed, 4])
    band = orgs["income_band"].map({b: i for i, b in enumerate(BANDS)}).to_numpy()
    spec = orgs["specialisms"].fillna("")
    pull = np.array([0.25, 0.45, 0.8, 1.2, 2.0, 2.5])[band] * np.where(
        orgs["in_supply_chain"] == "yes", 2.5, 1.0
    )
    pull *= np.where(spec.str.contains("women|racially_minoritised_led"), 0.4, 1.0) * np.where(
        spec.str.contains("welsh"), 0.4, 1.0
    )
    serves = {
        r: orgs["regions_served"].str.split(";").map(lambda rs, r=r: r in rs).to_numpy()
        for r in PLACES
    }
    year_ago = today - dt.timedelta(days=365)
    welsh_small = np.flatnonzero(serves["D"] & (band <= 1))
    lapsed = rng.choice(welsh_small, min(8, len(welsh_small)), replace=False)
    ids = orgs["org_id"].to_numpy(str)
    meetings, attendance = [], []
    for region in PLACES:
        every = int(rng.choice([2, 3, 3, 3, 4, 6]))
        month = 2021 * 12 + 8 + int(rng.integers(0, every))  # months since year 0; 8 = September
        while True:
            year, mon = divmod(month, 12)
            day = dt.date(year, mon + 1, int(rng.integers(6, 25)))
            day += dt.timedelta(
                days=max(0, day.weekday() - 3) and 7 - day.weekday()
            )  # Friday to Sunday -> Monday
            if day >= today:
                break
            early = day < dt.date(2022, 6, 1)
            fmt = ("in_person", "online", "hybrid")[
                rng.choice(3, p=[0.1, 0.7, 0.2] if early else [0.4, 0.25, 0.35])
            ]
            topic = (
                TOPICS[rng.integers(0, len(TOPICS))]
                if region != "D" or rng.random() < 0.7
                else "Welsh-language services"
            )
            meeting_id = f"{region}-{year}-{mon + 1:02d}"
            meetings.append((meeting_id, region, day, fmt, topic))
            eligible = np.flatnonzero(serves[region])
            if day > year_ago:
                eligible = np.setdiff1d(eligible, lapsed)
            k = min(len(eligible), int(rng.integers(8, 31)))
            p = pull[eligible] / pull[eligible].sum()
            attendance += [
                (meeting_id, ids[i]) for i in sorted(rng.choice(eligible, k, replace=False, p=p))
            ]
            month += max(1, every + int(rng.choice([-1, 0, 0, 0, 1])))
    return (
        pd.DataFrame(meetings, columns=list(source("forum_meetings").headers)),
        pd.DataFrame(attendance, columns=list(source("forum_attendance").headers)),
    )


# ---- Writing -------------------------------------------------------------------------------------------


def _write_csv(path: Path, name: str, frame: pd.DataFrame, encoding: str) -> Path:
    assert list(frame.columns) == list(source(name).headers), name
    frame.to_csv(path, index=False, encoding=encoding, lineterminator="\n")
    return path


def _write_xlsx(path: Path, sheet: str, name: str, frame: pd.DataFrame, today: dt.date) -> Path:
    """XLSX with a fixed creation time, so the bytes depend only on the data."""
    assert list(frame.columns) == list(source(name).headers), name
    with pd.ExcelWriter(
        path, engine="xlsxwriter", date_format="yyyy-mm-dd", datetime_format="yyyy-mm-dd"
    ) as writer:
        writer.book.set_properties({"created": dt.datetime.combine(today, dt.time())})
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return path

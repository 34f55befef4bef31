"""The shared filters (scope, lot, provider, period): chosen in the sidebar, kept across pages in
session state and mirrored in the URL so a view can be shared. Pages read them with current()."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import data, urlstate
from warehouse.access import User
from warehouse.connection import Version
from warehouse.refdata import region_code, region_names

ALL = "All"
# Session-state key and URL parameter of each filter.
KEYS = {
    "region": "f_region",
    "pcc": "f_pcc",
    "lot": "f_lot",
    "provider": "f_provider",
    "months": "f_months",
}
PERIODS = {"Last 12 months": 12, "Last 6 months": 6, "Last 24 months": 24, "Since June 2021": 0}


@dataclass(frozen=True)
class Scope:
    region: str | None = None  # probation region code
    pcc: str | None = None  # PCC area code
    lot: str | None = None  # lot (family of contract types)
    provider: str | None = None  # lead provider code
    months: int = 12  # how many whole months back from the data's as-of month; 0 = all

    def params(self) -> dict[str, str | None]:
        """Named parameters for queries using SCOPE_FILTER."""
        return {"region": self.region, "pcc": self.pcc, "lot": self.lot, "provider": self.provider}

    def since(self, as_of: dt.date) -> dt.date:
        """First day of the period shown."""
        if not self.months:
            return dt.date(2021, 6, 1)
        first = pd.Timestamp(as_of).to_period("M") - (self.months - 1)
        return first.start_time.date()


def _options(version: Version) -> dict[str, dict[str, str]]:
    regions = data.query(version, "filter_regions")
    pccs = data.query(version, "filter_pcc_areas")
    lots = data.query(version, "filter_lots")
    providers = data.query(version, "filter_providers")
    return {
        "region": dict(zip(regions.region_code, regions.region_name, strict=True)),
        "pcc": dict(zip(pccs.pcc_area_code, pccs.pcc_area_name, strict=True)),
        "pcc_region": dict(zip(pccs.pcc_area_code, pccs.region_code, strict=True)),
        "lot": {lot: lot for lot in lots.lot},
        "provider": dict(
            zip(providers.lead_provider_code, providers.lead_provider_name, strict=False)
        ),
        "provider_region": dict(
            zip(providers.lead_provider_code, providers.region_code, strict=False)
        ),
    }


# What each filter's URL parameter asks for, in a notice when a link asks for one that is not offered.
WHAT = {
    "region": "a region",
    "pcc": "a PCC area",
    "lot": "a lot",
    "provider": "a lead provider",
    "months": "a period",
}


def _from_url(name: str, allowed) -> None:
    """On a new session, take a filter's value from the URL if it is one of the allowed values (a region
    by its name, as the URL shows it, or by its code); if not, a notice says so."""
    if name == "region" and name in st.query_params:
        asked = st.query_params[name]
        code = region_code(asked) or asked
        offered = [asked] if code in allowed else []
        urlstate.from_url(name, KEYS[name], offered, WHAT[name], {asked: code})
        return
    urlstate.from_url(name, KEYS[name], allowed, WHAT[name])


def home(user: User | None) -> str:
    """Everything the user may see, in their own terms: 'England and Wales' for the national team,
    their region(s) for an RPD team ('North West'), 'your contracts' for a provider."""
    if user is not None and user.role == "rpd" and user.regions:
        names = region_names()
        return " and ".join(names.get(code, f"region {code}") for code in user.regions)
    if user is not None and user.role == "provider":
        return "your contracts"
    return "England and Wales"


def _region_choices(user: User | None, regions: dict[str, str]) -> tuple[list[str], str]:
    """The Region filter's options and the label of 'All': an RPD team of one region has only that one."""
    if user is not None and user.role == "rpd" and len(regions) == 1:
        return list(regions), ""
    if user is not None and user.role == "provider":
        return [ALL, *regions], "All regions of your contracts"
    return [ALL, *regions], f"All of {home(user)}"


def sidebar(version: Version) -> Scope:
    """Draw the filters in the sidebar and return the scope they describe."""
    options = _options(version)
    for name in ("region", "pcc", "lot", "provider"):
        _from_url(name, options[name])
    _from_url("months", [str(v) for v in PERIODS.values()])
    region_choices, everywhere = _region_choices(data.signed_in(), options["region"])
    if st.session_state.get(KEYS["region"], region_choices[0]) not in region_choices:
        st.session_state[KEYS["region"]] = region_choices[0]
    with st.sidebar:
        st.header("Filters")
        region = st.selectbox(
            "Region",
            region_choices,
            key=KEYS["region"],
            format_func=lambda c: options["region"].get(c, everywhere),
        )
        in_region = [p for p, r in options["pcc_region"].items() if region in (ALL, r)]
        if st.session_state.get(KEYS["pcc"]) not in (None, ALL, *in_region):
            st.session_state[KEYS["pcc"]] = ALL
        pcc = st.selectbox(
            "PCC area",
            [ALL, *in_region],
            key=KEYS["pcc"],
            format_func=lambda c: options["pcc"].get(c, "All PCC areas"),
            help="Police and Crime Commissioner area. Some contracts are let per PCC area.",
        )
        lot = st.selectbox(
            "Lot",
            [ALL, *options["lot"]],
            key=KEYS["lot"],
            format_func=lambda c: "All lots" if c == ALL else c,
            help="The kind of service bought: accommodation, women's services, and so on.",
        )
        providers = [p for p, r in options["provider_region"].items() if region in (ALL, r)]
        if st.session_state.get(KEYS["provider"]) not in (None, ALL, *providers):
            st.session_state[KEYS["provider"]] = ALL
        provider = st.selectbox(
            "Lead provider",
            [ALL, *dict.fromkeys(providers)],
            key=KEYS["provider"],
            format_func=lambda c: options["provider"].get(c, "All providers"),
        )
        months = st.selectbox(
            "Period",
            [str(v) for v in PERIODS.values()],
            key=KEYS["months"],
            format_func=lambda v: next(k for k, n in PERIODS.items() if str(n) == v),
        )
    scope = Scope(
        region=None if region == ALL else region,
        pcc=None if pcc == ALL else pcc,
        lot=None if lot == ALL else lot,
        provider=None if provider == ALL else provider,
        months=int(months),
    )
    _to_url(scope, only_region=region_choices == [region])
    return scope


def _to_url(scope: Scope, only_region: bool = False) -> None:
    """Mirror the filters in the URL (only those not at their default), so the address can be shared.
    A region is shown by its name ('North West'); a user's only region is their default, left out."""
    region = None if only_region or scope.region is None else region_names().get(scope.region)
    wanted = {
        k: v
        for k, v in {**scope.params(), "region": region, "months": str(scope.months)}.items()
        if v is not None and not (k == "months" and v == "12")
    }
    for key in list(st.query_params):
        if key in KEYS and key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def describe(scope: Scope, version: Version) -> str:
    """The scope in words, in the user's own terms, for titles and file names: 'North West, Women's
    Services'; 'England and Wales' (national), their region(s) (RPD team) or 'your contracts' (provider)
    when no region is chosen; 'your contracts in Wales' for a provider who chose Wales."""
    options = _options(version)
    user = data.signed_in()
    region = options["region"].get(scope.region or "") or region_names().get(scope.region or "")
    if region is None:
        parts = [home(user)]
    elif user is not None and user.role == "provider":
        parts = [f"your contracts in {region}"]
    else:
        parts = [region]
    if scope.pcc:
        parts.append(options["pcc"].get(scope.pcc, scope.pcc))
    if scope.lot:
        parts.append(scope.lot)
    if scope.provider:
        parts.append(options["provider"].get(scope.provider, scope.provider))
    return ", ".join(parts)


def visible_regions(version: Version) -> list[str] | None:
    """The regions of the contracts the user may read (None: every region, for the national team), so a
    map or list by region shows no region the user has nothing in."""
    user = data.signed_in()
    if user is None or user.sees_everything:
        return None
    return list(_options(version)["region"])


def current() -> Scope:
    """The scope set in the sidebar this run (set by the app frame before the page runs)."""
    return st.session_state.get("scope", Scope())

"""Reference data from MoJ's referral service, vendored in warehouse/refdata/ (see its README)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import duckdb


def rows(name: str) -> list[dict[str, str]]:
    """The rows of refdata/<name>.csv as dictionaries."""
    text = resources.files("warehouse").joinpath("refdata", f"{name}.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def lots() -> dict[str, str]:
    """Contract type code -> the lot it belongs to, for grouping ('WSM2' -> "Women's Services"):
    refdata/contract_type_lots.csv, the product's own file beside the service's contract types."""
    return {r["contract_type_code"]: r["lot"] for r in rows("contract_type_lots")}


@cache
def reference_sets() -> dict[str, frozenset[str]]:
    """Allowed values the checks use, by name."""
    types = rows("contract_types")
    return {
        "region_code": frozenset(r["nps_region_code"] for r in rows("nps_probation_regions")),
        "pcc_area_code": frozenset(r["pcc_region_code"] for r in rows("pcc_regions")),
        "contract_type_code": frozenset(r["contract_type_code"] for r in types),
        "contract_type_name": frozenset(r["contract_type_name"] for r in types),
        "service_category": frozenset(
            r["service_category_name"] for r in rows("service_categories")
        ),
        "end_reason_code": frozenset(r["code"] for r in rows("end_referral_reasons")),
        "end_reason_description": frozenset(r["description"] for r in rows("end_referral_reasons")),
        "end_reason_pair": frozenset(
            f"{r['code']}|{r['description']}" for r in rows("end_referral_reasons")
        ),
    }


@cache
def region_names() -> dict[str, str]:
    """Probation region code -> name ('B' -> 'North West'), in code order: the one mapping the app
    uses to show a region, and (with region_code) to read one from a URL."""
    return {r["nps_region_code"]: r["region_name"] for r in rows("nps_probation_regions")}


def region_code(value: str | None) -> str | None:
    """The region code a URL or user means by `value`: a region's name (any case, '+' or '-' for spaces)
    or its code. None if it names no region."""
    if not value:
        return None
    names = region_names()
    if value in names:
        return value
    wanted = " ".join(value.replace("+", " ").replace("-", " ").split()).casefold()
    return next((code for code, name in names.items() if name.casefold() == wanted), None)


@cache
def pcc_region() -> dict[str, str]:
    """PCC area code -> probation region code."""
    return {r["pcc_region_code"]: r["nps_region_code"] for r in rows("pcc_regions")}


@cache
def categories_by_type() -> dict[str, frozenset[str]]:
    """Contract type code -> the service categories it may deliver (rule V5 of the referral service)."""
    return {
        r["contract_type_code"]: frozenset(s.strip() for s in r["service_categories"].split(";"))
        for r in rows("contract_types")
    }


def load_reference_data(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the ref_ tables with the vendored files (inside the caller's transaction)."""
    tables: dict[str, list[tuple]] = {
        "ref_region": [
            (r["nps_region_code"], r["region_name"], r["country"])
            for r in rows("nps_probation_regions")
        ],
        "ref_pcc_area": [
            (r["pcc_region_code"], r["pcc_region_name"], r["nps_region_code"])
            for r in rows("pcc_regions")
        ],
        "ref_contract_type": [
            (
                r["contract_type_code"],
                r["contract_type_name"],
                lots()[r["contract_type_code"]],
                sorted(categories_by_type()[r["contract_type_code"]]),
            )
            for r in rows("contract_types")
        ],
        "ref_service_category": [
            (r["service_category_name"], r["family"]) for r in rows("service_categories")
        ],
        "ref_end_reason": [
            (r["reason_type"], r["code"], r["description"]) for r in rows("end_referral_reasons")
        ],
        "ref_provider": [
            (r["provider_code"], r["provider_name"]) for r in rows("service_providers")
        ],
    }
    for table, values in tables.items():
        con.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the dict above
        placeholders = ", ".join("?" * len(values[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", values)  # noqa: S608

"""Writing checked rows into the warehouse version being built, and reading what the checks need from it."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from expectations.report import CheckContext, CheckReport
from ingest.sources import Source
from warehouse.refdata import categories_by_type, pcc_region, reference_sets


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


class LayoutNotInWarehouse(RuntimeError):
    """A layout keeps a column its warehouse table lacks: a fault in the monitor's own setup (a schema
    step missing), not in the file, so it stops the refresh instead of rejecting the file."""

    def __init__(self, source: Source, missing: list[str]) -> None:
        names = ", ".join(f"'{m}'" for m in missing)
        super().__init__(
            f"The {source.title} layout (ingest/sources/{source.name}.toml) keeps "
            f"{'the column' if len(missing) == 1 else 'the columns'} {names}, which the warehouse "
            f"table {source.table} does not have, so the file's values would be lost. This is a "
            "fault in the monitor's setup, not in the file: add the column to the table with a "
            "schema step (warehouse/schema/), or mark it dropped in the layout. The refresh stopped "
            "and published nothing."
        )


def replace_rows(
    con: duckdb.DuckDBPyConnection, source: Source, rows: pd.DataFrame | str, file_id: str
) -> tuple[int, int]:
    """Delete what this file replaces (its replace_by groups and its keys), insert its rows. Returns (inserted, deleted).

    `rows`: a frame, or the name of the table holding them (the staging table of a file checked in
    DuckDB). Runs inside the caller's transaction. Table and column names come only from the source
    layouts. Every column the layout keeps must be in the table (LayoutNotInWarehouse otherwise); the
    helper columns (unreadable cells, derived facts) are not loaded.
    """
    table = table_columns(con, source.table)
    missing = [c.target for c in source.kept if c.target not in table]
    if missing:
        raise LayoutNotInWarehouse(source, missing)
    if isinstance(rows, pd.DataFrame):
        con.register("incoming", rows)
        try:
            return _replace(con, source, table, "incoming", file_id)
        finally:
            con.unregister("incoming")
    return _replace(con, source, table, rows, file_id)


def _replace(
    con: duckdb.DuckDBPyConnection, source: Source, table: list[str], rows: str, file_id: str
) -> tuple[int, int]:
    given = {r[0] for r in con.execute(f"DESCRIBE {rows}").fetchall()}
    columns = [c for c in table if c in given and c != "file_id"]
    match_groups = " AND ".join(f"i.{c} = t.{c}" for c in source.replace_by)
    match_keys = " AND ".join(f"i.{c} = t.{c}" for c in source.key)
    deleted = _count(
        con.execute(
            f"DELETE FROM {source.table} t WHERE EXISTS (SELECT 1 FROM {rows} i WHERE {match_groups}) "  # noqa: S608
            f"OR EXISTS (SELECT 1 FROM {rows} i WHERE {match_keys})"
        )
    )
    names = ", ".join(columns)
    insert = f"INSERT INTO {source.table} ({names}, file_id) SELECT {names}, ? FROM {rows}"  # noqa: S608
    inserted = _count(con.execute(insert, [file_id]))
    return inserted, deleted


# Returns sent by a provider in a contract's supply chain; a row without a provider is the lead's own.
RETURNS = ("kpi_returns", "financial_returns")


def with_lead_provider(source: Source, typed: pd.DataFrame, ctx: CheckContext) -> pd.DataFrame:
    """A return row with no provider (or from a file without the column) is the lead provider's own.
    (Returns are checked in DuckDB, where expectations.returns.LEAD_PROVIDER_SQL does this; this is its
    pandas twin, for a frame checked by expectations.validate: test_staged_ingest holds them equal.)

    Filled before the checks, so the key (contract, quarter, provider) is checked and loaded as stored.
    A contract not in the register keeps no provider; its row fails the register check anyway."""
    if source.name not in RETURNS:
        return typed
    lead = typed["contract_ref"].map(
        lambda ref: ctx.contracts.get(ref, {}).get("lead_provider_code")
    )
    return typed.assign(provider_code=typed["provider_code"].fillna(lead).astype(object))


def _count(result: duckdb.DuckDBPyConnection) -> int:
    """The number of rows a DELETE or INSERT changed."""
    row = result.fetchone()
    return int(row[0]) if row else 0


def check_context(con: duckdb.DuckDBPyConnection, today: dt.date) -> CheckContext:
    """What files are checked against: reference data plus the contracts, organisations and meetings loaded so far."""
    contracts = con.execute(
        """SELECT c.contract_ref, c.start_date, c.end_date, c.lead_provider_code, c.lead_provider_name,
                  t.contract_type_name, coalesce(c.subcontractor_codes, [])
           FROM core_contract c LEFT JOIN ref_contract_type t USING (contract_type_code)"""
    ).fetchall()
    return CheckContext(
        today=today,
        reference=reference_sets(),
        categories_by_type=categories_by_type(),
        pcc_region=pcc_region(),
        contracts={
            r[0]: {
                "start_date": r[1],
                "end_date": r[2],
                "lead_provider_code": r[3],
                "lead_provider_name": r[4],
                "contract_type_name": r[5],
                "subcontractor_codes": tuple(r[6]),
            }
            for r in contracts
        },
        org_ids=frozenset(
            r[0] for r in con.execute("SELECT org_id FROM core_organisation").fetchall()
        ),
        meeting_ids=frozenset(
            r[0] for r in con.execute("SELECT meeting_id FROM core_forum_meeting").fetchall()
        ),
        register_providers=frozenset(
            r[0]
            for r in con.execute(
                "SELECT lead_provider_code FROM core_contract "
                "UNION SELECT unnest(subcontractor_codes) FROM core_contract"
            ).fetchall()
        ),
    )


def record_checks(
    con: duckdb.DuckDBPyConnection, run_id: str, file_id: str, report: CheckReport
) -> None:
    rows = [
        (
            run_id,
            file_id,
            report.source,
            r.check_type,
            r.column,
            r.rule,
            r.success,
            r.rows_failing,
            ", ".join(map(str, r.failing_rows)) or None,
            None
            if r.hidden or not r.found_values
            else "; ".join(dict.fromkeys(r.found_values[:20])),
        )
        for r in report.results
    ]
    if rows:
        checks = pd.DataFrame(rows, columns=table_columns(con, "meta_check_result"))
        con.register("checks", checks)
        try:
            con.execute("INSERT INTO meta_check_result SELECT * FROM checks")
        finally:
            con.unregister("checks")

"""Named read-only queries the app runs. SQL only; values are bound as parameters, never formatted in.

What is loaded is warehouse.status.LOADED_TABLES_SQL, which `rpd status` reads too, in the page's words."""

from __future__ import annotations

# S608: loaded_tables formats in warehouse.status's constant SQL; no value is ever formatted in.
# ruff: noqa: S608
from dashboard.queries import by_contract, operations
from warehouse.status import LOADED_TABLES_SQL

QUERIES = {
    "loaded_tables": operations(f"""
        SELECT t.label AS "What", format('{{:,}}', t.rows) AS "Rows", format('{{:,}}', t.files) AS "From files",
               coalesce(strftime(t.last_loaded AT TIME ZONE 'Europe/London', '%d %b %Y %H:%M'), 'never') AS "Last loaded"
        FROM ({LOADED_TABLES_SQL}) t
        ORDER BY t.position
    """),
    "recent_files": operations("""
        SELECT strftime(received_at AT TIME ZONE 'Europe/London', '%d %b %Y %H:%M') AS "Received",
               file_name AS "File", coalesce(replace(source, '_', ' '), 'not recognised') AS "Kind",
               outcome AS "Outcome", rows_loaded AS "Rows loaded", message AS "What happened"
        FROM meta_ingest_file
        WHERE outcome IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY received_at DESC, file_id DESC
        LIMIT 200
    """),
    "failed_checks": operations("""
        SELECT f.file_name AS "File", c.rule AS "Check", c.rows_failing AS "Rows failing",
               c.failing_rows AS "Rows (file numbering)", c.found_values AS "Found"
        FROM meta_check_result c JOIN meta_ingest_file f USING (file_id)
        WHERE NOT c.success
        ORDER BY f.received_at DESC, f.file_name, c.rule
        LIMIT 500
    """),
    "last_run": operations("""
        SELECT started_at, finished_at, outcome, files_loaded, files_rejected, files_skipped, rows_loaded
        FROM meta_ingest_run ORDER BY started_at DESC LIMIT 1
    """),
    "run_history": operations("""
        SELECT r.run_id,
               strftime(r.started_at AT TIME ZONE 'Europe/London', '%a %d %b %Y %H:%M') AS "Started",
               round(r.duration_s) AS "Seconds",
               -- started_by through to_json: a version published before schema step 007 has no such
               -- column (after a rollback), and its runs are then named by their trigger
               coalesce(to_json(r) ->> 'started_by',
                        CASE WHEN r.trigger LIKE 'schedule%' THEN 'the scheduler'
                             WHEN r.trigger IN ('cli', 'demo', 'upgrade') THEN 'the command line'
                             ELSE r.trigger END) AS "Started by",
               r.outcome AS "Outcome",
               r.files_loaded AS "Files loaded",
               r.files_rejected AS "Files rejected",
               r.rows_loaded AS "Rows loaded"
        FROM meta_ingest_run r
        ORDER BY r.started_at DESC
        LIMIT 100
    """),
    # "What changed" gives figures of every contract: only for users who may read every contract
    # ($allowed NULL, the national commissioner). Administrators may not run it (no "contracts").
    "run_summary": by_contract("""
        SELECT summary_md FROM meta_run_summary
        WHERE run_id = $run_id AND CAST($allowed AS VARCHAR[]) IS NULL
    """),
    "source_freshness": operations("""
        SELECT source,
               max(received_at) FILTER (WHERE outcome = 'loaded') AS last_loaded_at,
               arg_max(file_name, received_at) FILTER (WHERE outcome = 'loaded') AS last_file,
               count(*) FILTER (WHERE outcome = 'rejected') AS files_rejected
        FROM meta_ingest_file
        WHERE source IS NOT NULL
        GROUP BY source
        ORDER BY source
    """),
    # How many organisations' own in_supply_chain answer differs from the contract register's (a count:
    # operations roles see no organisation rows; the Supply chains page lists them).
    "supply_chain_disagreements": operations("""
        SELECT count(*) AS organisations FROM mart_organisation_role WHERE contradicts
    """),
}

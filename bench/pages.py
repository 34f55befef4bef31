"""What each dashboard page asks the warehouse, as (query name, parameters), and a timer for it.

The map below is read off dashboard/pages/*.py: every query a page issues when it is first shown with
the default filters (no region, PCC area, lot or provider; the last 12 months), plus one drill-down
(a chosen contract, region, quarter or month). Parameters a page takes from an earlier result (the
as-of day, the first contract listed, the latest complete quarter) are `Ref`s, filled in from that
result during the same timed run, as the page does.

`check_coverage()` fails if a query in dashboard.queries.all_queries() is in no page here (and not
listed in UNUSED), so the benchmark cannot silently fall behind the app.

The queries run as dashboard/data.py runs them: read-only connection, one cursor per query, results
fetched as DataFrames, and the user's own restrictions bound to NULL ($allowed, $regions: a national
user who may read everything). Only this module and bench/children.py import dashboard code, and only
dashboard.queries (no Streamlit).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Ref:
    """A parameter taken from an earlier query's result in the same page run."""

    key: str


@dataclass(frozen=True)
class Q:
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    positional: tuple = ()  # for queries with `?` placeholders (recent_files)
    # After the query runs: context key -> function of its DataFrame (what later queries need).
    sets: dict[str, Any] = field(default_factory=dict)


def _since(frame: pd.DataFrame) -> dt.date:
    """First day of the default period: the 12 months up to the as-of month (dashboard.scope.Scope.since)."""
    as_of = pd.Timestamp(frame.as_of_date.iloc[0])
    return (as_of.to_period("M") - 11).start_time.date()


SCOPE = {"region": None, "pcc": None, "lot": None, "provider": None}
FILTERED = {**SCOPE, "since": Ref("since")}
# Every page: the as-of note and (for pages with filters) the sidebar's options.
AS_OF = Q(
    "data_as_of",
    sets={
        "as_of": lambda f: pd.Timestamp(f.as_of_date.iloc[0]).date(),
        "since": _since,
    },
)
SIDEBAR = [Q("filter_regions"), Q("filter_pcc_areas"), Q("filter_lots"), Q("filter_providers")]
FIRST_CONTRACT = {"contract": lambda f: f.contract_ref.iloc[0] if len(f) else None}

PAGES: dict[str, list[Q]] = {
    "overview": [
        AS_OF,
        *SIDEBAR,
        Q("overview_headline", FILTERED),
        Q("overview_previous_headline", FILTERED),
        Q("overview_regions", FILTERED),
        Q("overview_attention", FILTERED),
    ],
    "volume": [
        AS_OF,
        *SIDEBAR,
        Q("volume_contracts", FILTERED, sets=FIRST_CONTRACT),
        Q("volume_monthly", {**FILTERED, "contract": None}),
        Q("volume_headline", {**FILTERED, "contract": None}),
        Q("volume_cumulative", {**FILTERED, "contract": None}),
        Q("volume_trend", {**FILTERED, "contract": None}),
        Q("volume_recent", {**FILTERED, "contract": None}),
        Q(
            "volume_gap_by",
            {**FILTERED, "group": "region"},
            sets={"region": lambda f: f.sort_values("group_name").group_key.iloc[0]},
        ),
        # The region drill-down below the gap table (first region by name, its first contract).
        Q(
            "volume_gap_by",
            {**FILTERED, "region": Ref("region"), "group": "contract"},
            sets={"drill_contract": lambda f: f.group_key.iloc[0]},
        ),
        Q("volume_contract_months", {"contract": Ref("drill_contract"), "since": Ref("since")}),
        Q("volume_timeliness_total", {**FILTERED, "contract": None}),
        Q("volume_timeliness", {**FILTERED, "contract": None}),
        # One contract chosen in the page's Contract box: its months, bands, cumulative and trend.
        Q("volume_monthly", {**FILTERED, "contract": Ref("contract")}),
        Q("volume_headline", {**FILTERED, "contract": Ref("contract")}),
        Q("volume_bands", {"contract": Ref("contract")}),
        Q("volume_cumulative", {**FILTERED, "contract": Ref("contract")}),
        Q("volume_trend", {**FILTERED, "contract": Ref("contract")}),
        Q("volume_recent", {**FILTERED, "contract": Ref("contract")}),
        Q("volume_timeliness_total", {**FILTERED, "contract": Ref("contract")}),
        Q("volume_timeliness", {**FILTERED, "contract": Ref("contract")}),
    ],
    "subsidy": [
        AS_OF,
        *SIDEBAR,
        Q("subsidy_quarters", FILTERED),
        Q(
            "subsidy_latest_complete_quarter",
            SCOPE,
            sets={"quarter": lambda f: f.quarter.iloc[0] if len(f) else None},
        ),
        Q(
            "subsidy_headline",
            SCOPE,
            sets={"quarter": lambda f: f.quarter.iloc[0] if len(f) else None},
        ),
        Q("subsidy_split", {**SCOPE, "quarter": Ref("quarter")}),
        Q("subsidy_state_overlap", {**SCOPE, "quarter": Ref("quarter")}),
        Q("subsidy_supply_chain", FILTERED),
        Q("subsidy_expectations", FILTERED),
        Q("subsidy_risk", SCOPE),
        Q("subsidy_unfunded_demand", FILTERED),
        Q("subsidy_contract_quarters", FILTERED),
        # Drill-down: the same page for one region.
        Q("subsidy_quarters", {**FILTERED, "region": "B"}),
        Q("subsidy_risk", {**SCOPE, "region": "B"}),
    ],
    "engagement": [
        AS_OF,
        *SIDEBAR,
        *(
            Q(name, {"region": region, "as_of": Ref("as_of"), "since": Ref("since")})
            for region in (None, "D")  # all regions, then the drill-down into one (Wales)
            for name in (
                "engagement_by_region",
                "engagement_forums",
                "engagement_outreach",
                "engagement_by_segment",
                "engagement_trend",
            )
        ),
    ],
    # Supply chains (dashboard/pages/supply_chain.py): only the region filter applies.
    "supply_chain": [
        AS_OF,
        *(
            Q(name, {"region": region})
            for region in (None, "D")  # all regions, then one (Wales)
            for name in (
                "supply_chain_diversity",
                "supply_chain_contradictions",
                "recommissioning_contracts",
                "recommissioning_outreach",
            )
        ),
    ],
    "status": [
        AS_OF,
        Q("supply_chain_disagreements"),
        Q("loaded_tables"),
        Q("recent_files", positional=(["loaded", "rejected", "skipped"],)),
        Q("failed_checks"),
        Q("run_history", sets={"run_id": lambda f: f.run_id.iloc[0] if len(f) else None}),
        Q("run_summary", {"run_id": Ref("run_id")}),  # "What changed" (national only)
        Q("source_freshness"),
        Q("recent_files", positional=(["rejected"],)),  # drill-down: only rejected files
    ],
    # Raising a flag about a contract's month (dashboard/pages/flags.py); triage lists the same contracts.
    "flags": [
        AS_OF,
        Q("flag_contracts", sets=FIRST_CONTRACT),
        Q(
            "flag_months",
            {"contract": Ref("contract")},
            sets={"month": lambda f: f.month.iloc[-1] if len(f) else None},
        ),
        Q("flag_month_references", {"contract": Ref("contract"), "month": Ref("month")}),
    ],
}
# Queries defined in dashboard/queries but issued by no page (found by check_coverage): kept listed
# here, with the reason, so that a new query cannot go unmeasured unnoticed.
UNUSED = {"last_run": "defined in dashboard/queries/status.py; no page issues it"}

# The yardstick: one bare aggregate scan of the referral table.
SCAN_SQL = (
    "SELECT contract_ref, referral_month, count(*) AS referrals FROM core_referral GROUP BY ALL"
)


def check_coverage(queries: dict[str, str]) -> list[str]:
    """Problems with the map: queries no page covers, and names the app no longer defines."""
    mapped = {q.name for page in PAGES.values() for q in page}
    problems = [
        f"query {name} is issued by no page in bench/pages.py PAGES (add it, or list it in UNUSED)"
        for name in sorted(set(queries) - mapped - set(UNUSED))
    ]
    problems += [
        f"bench/pages.py times query {name}, which dashboard/queries no longer defines"
        for name in sorted(mapped - set(queries))
    ]
    return problems


def _bound(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The named parameters the SQL uses (as dashboard.data binds them); lists for tuples."""
    allowed = {"allowed": None, "regions": None, **params}
    return {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in allowed.items()
        if re.search(rf"\${k}\b", sql)
    }


def run_page(con, queries: dict[str, str], page: str) -> dict[str, int]:
    """Run every query of a page in order; return rows per query (to show the work was done)."""
    context: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for n, q in enumerate(PAGES[page]):
        sql = queries[q.name]
        params = {k: context[v.key] if isinstance(v, Ref) else v for k, v in q.params.items()}
        cursor = con.cursor()
        try:
            if q.positional:
                frame = cursor.execute(sql, list(q.positional)).df()
            else:
                frame = cursor.execute(sql, _bound(sql, params)).df()
        finally:
            cursor.close()
        for key, pick in q.sets.items():
            context[key] = pick(frame)
        rows[f"{n:02d}-{q.name}"] = len(frame)
    return rows


def time_page(path: str, page: str, repeats: int) -> dict[str, Any]:
    """Cold (connect, then the page's queries once) and warm (the same again, `repeats` times)."""
    import duckdb

    from dashboard.queries import all_queries

    queries = all_queries()
    start = time.perf_counter()
    con = duckdb.connect(path, read_only=True)
    if page == "__scan__":
        rows = {"scan": len(con.execute(SCAN_SQL).df())}
    else:
        rows = run_page(con, queries, page)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        if page == "__scan__":
            con.execute(SCAN_SQL).df()
        else:
            run_page(con, queries, page)
        warm.append(time.perf_counter() - start)
    con.close()
    return {"page": page, "cold": cold, "warm": warm, "rows": rows}

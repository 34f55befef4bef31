"""What changed in a run, in plain English: compared with the version it was built from.

Written into meta_run_summary and to reports/RUN/summary.md, a file that could be emailed as it is.
Names and references from files go through `md()`: the summary is shown as Markdown. It gives
figures of every contract, so the app shows it only to those who may read every contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import sqlalchemy.exc

from dashboard.flags.store import ACTIVE, FlagStore
from warehouse.access import User
from warehouse.settings import LONDON, Settings
from warehouse.text import md

# Per contract: the gap over the recent window as the attention list stores it (mart_contract_attention),
# and whether it is "well below forecast" by this version's threshold (mart_thresholds, which the Overview and
# the attention list read too): the version built from is judged by the same threshold.
_RECENT_GAP = """
    SELECT contract_ref, gap_pct_3m AS gap_pct,
           coalesce(gap_pct_3m < (SELECT well_below_pct FROM main.mart_thresholds), false) AS is_well_below
    FROM {db}.mart_contract_attention
"""
_CURRENT_BAND = """
    SELECT contract_ref, band, referrals_above_cap > 0 AS above_cap
    FROM {db}.mart_band_position WHERE is_provisional
"""


def _lines(con: duckdb.DuckDBPyConnection, has_previous: bool) -> list[str]:
    lines: list[str] = []
    prev = "prev" if has_previous else None
    referrals = con.execute(
        """SELECT r.region_name, count(*) FROM core_referral x JOIN mart_contract r USING (contract_ref)
           GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    before = (
        dict(
            con.execute(
                """SELECT r.region_name, count(*) FROM prev.core_referral x JOIN prev.mart_contract r USING (contract_ref)
           GROUP BY ALL"""
            ).fetchall()
        )
        if prev
        else {}
    )
    changes = [
        (region, n - before.get(region, 0)) for region, n in referrals if n != before.get(region, 0)
    ]
    if changes:
        lines.append("**Referrals by region** (change in referrals held):\n")
        lines += [f"- {md(region)}: {delta:+,}" for region, delta in changes]
    else:
        lines.append("No change in referrals.")
    lines.append("")
    now_gap = _RECENT_GAP.format(db="main")
    [(below_pct, months)] = con.execute(
        "SELECT well_below_pct, recent_months FROM mart_thresholds"
    ).fetchall()
    if prev:
        crossed = con.execute(
            f"""SELECT c.contract_label, n.gap_pct FROM ({now_gap}) n LEFT JOIN ({_RECENT_GAP.format(db="prev")}) p
                USING (contract_ref) JOIN mart_contract c USING (contract_ref)
                WHERE n.is_well_below AND NOT coalesce(p.is_well_below, false) ORDER BY n.gap_pct"""  # noqa: S608
        ).fetchall()
        bands = con.execute(
            f"""SELECT c.contract_label, p.band, n.band, n.above_cap AND NOT coalesce(p.above_cap, false)
                FROM ({_CURRENT_BAND.format(db="main")}) n JOIN ({_CURRENT_BAND.format(db="prev")}) p USING (contract_ref)
                JOIN mart_contract c USING (contract_ref)
                WHERE n.band IS DISTINCT FROM p.band OR (n.above_cap AND NOT p.above_cap)"""  # noqa: S608
        ).fetchall()
        signals = con.execute(
            """SELECT c.contract_label, n.quarter, n.shortfall_gbp, n.other_funding_gbp
               FROM mart_subsidy_quarterly n JOIN mart_contract c USING (contract_ref)
               WHERE is_under_funded_or_subsidised AND NOT EXISTS (
                   SELECT 1 FROM prev.mart_subsidy_quarterly p
                   WHERE p.contract_ref = n.contract_ref AND p.quarter = n.quarter AND p.is_under_funded_or_subsidised)
               ORDER BY quarter, contract_ref"""
        ).fetchall()
    else:
        crossed = con.execute(
            f"SELECT c.contract_label, n.gap_pct FROM ({now_gap}) n JOIN mart_contract c USING (contract_ref) "  # noqa: S608
            "WHERE n.is_well_below ORDER BY n.gap_pct"
        ).fetchall()
        bands, signals = (
            [],
            con.execute(
                "SELECT c.contract_label, n.quarter, n.shortfall_gbp, n.other_funding_gbp "
                "FROM mart_subsidy_quarterly n JOIN mart_contract c USING (contract_ref) "
                "WHERE n.is_under_funded_or_subsidised ORDER BY n.quarter, contract_ref"
            ).fetchall(),
        )
    lines.append(
        f"**Contracts newly more than {-below_pct:.0f}% below forecast** over the last {months} "
        f"complete months: {len(crossed)}."
    )
    lines += [f"- {md(label)}: {pct:+.0f}%" for label, pct in crossed[:20]]
    lines.append(
        f"**Contracts that changed volume band or went over their cap** this contract year: {len(bands)}."
    )
    lines += [
        f"- {md(label)}: band {md(old or '–')} → {md(new or '–')}"
        + (" (now above its cap)" if cap else "")
        for label, old, new, cap in bands[:20]
    ]
    lines.append(
        f"**New subsidy signals** (quarters where a provider reports a shortfall or used other money): {len(signals)}."
    )
    lines += [
        f"- {md(label)} {md(quarter)}: shortfall £{float(short):,.0f}, other funding £{float(other):,.0f}"
        for label, quarter, short, other in signals[:20]
    ]
    if len(signals) > 20:
        lines.append(f"- and {len(signals) - 20} more")
    return lines


def what_changed(con: duckdb.DuckDBPyConnection, previous: Path | None, header: str) -> str:
    """Markdown summary of the version being built against `previous` (the version it was copied from)."""
    if previous is not None:
        quoted = str(previous).replace("'", "''")  # our own version file, not user input
        con.execute(f"ATTACH '{quoted}' AS prev (READ_ONLY)")
    try:
        body = _lines(con, previous is not None)
    finally:
        if previous is not None:
            con.execute("DETACH prev")
    return "\n".join([header, "", *body, ""])


# The weekly summary reads every flag: counts and overdue ones, never comments or references.
_LABELS = "SELECT contract_ref, contract_label FROM mart_contract"
_SUMMARY_READER = User("weekly-summary", "Weekly summary", "national")


def flag_lines(
    settings: Settings, since: dt.datetime | None, con: duckdb.DuckDBPyConnection | None = None
) -> list[str]:
    """New, open and overdue flags, for the summary. A store that cannot be read is said, not fatal.
    Given the warehouse being built (`con`), an overdue flag's contract is named by its label
    (mart_contract.contract_label), as in the lines above; without it, by its reference."""
    try:
        flags = FlagStore.from_settings(settings).flags(
            _SUMMARY_READER, None, today=settings.today_london
        )
    except sqlalchemy.exc.SQLAlchemyError as error:
        return [
            "## Flags from providers",
            "",
            f"The flags could not be read ({type(error).__name__}): check RPD_FLAGS_URL.",
        ]
    if flags.empty:
        return ["## Flags from providers", "", "No flags have been raised."]
    new = flags if since is None else flags[flags.raised_at >= since.astimezone(LONDON)]
    active = flags[flags.status.isin(ACTIVE)]
    overdue = flags[flags.overdue]
    lines = [
        "## Flags from providers",
        "",
        f"- {len(new)} new since the last refresh; {len(active)} open or under review; "
        f"{len(overdue)} overdue (no response by their respond-by date).",
    ]
    labels = dict(con.execute(_LABELS).fetchall()) if con is not None else {}
    lines += [
        f"- Overdue: flag {r.flag_id}, {md(labels.get(r.contract_ref, r.contract_ref))}, {r.month:%b %Y}, "
        f"respond by {r.respond_by:%d %b %Y}"
        for r in overdue.head(20).itertuples()
    ]
    if len(overdue) > 20:
        lines.append(f"- and {len(overdue) - 20} more overdue")
    return lines

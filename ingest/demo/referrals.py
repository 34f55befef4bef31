"""The demo's referral files: how many referrals each contract receives per month, each referral's
lifecycle, the CSV files in the referral service's two export shapes, and the providers' quarterly
KPI and financial returns that follow from them.

Called by `ingest.demo.landing.write_demo_files`; kept apart so each module can be read in one sitting.
Everything is vectorised with numpy (no loop over referrals) and written in chunks, so ten million
referrals fit in well under 2 GiB. Times are whole seconds since 1970 (UTC) in int64 arrays; a
step that has not happened is masked out, never stored as a sentinel that arithmetic could shift.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.sources import source

DAY = 86_400
HOUR = 3_600
CHUNK_ROWS = 25_000
FIRST_MONTH = np.datetime64("2021-06", "M")
FIRST_QUARTER = 2021 * 4 + 1  # 2021-Q2, the quarter of 26 June 2021, is quarter 0
# Mild seasonality by calendar month (January first): dips in August and at Christmas.
SEASON = np.array([1.03, 1.05, 1.06, 1.0, 1.02, 1.0, 0.97, 0.9, 1.01, 1.05, 1.04, 0.86])
RAMP = np.array([0.45, 0.7, 0.9])  # first three months of a contract
# Reference letters (rule V12): never I or O; B and S are left out too, so a reference can never
# hold both halves of 8/B or 5/S, which the service's generator rejects.
REF_LETTERS = np.array(list("ACDEFGHJKLMNPQRTUVWXYZ"))
REF_SPACE = 22 * 22 * 10_000
CRN_SPACE = 26 * 1_000_000
REPEAT_SHARE = 0.17  # referrals of someone already referred: about 15% of people, more than once
KPIS = (
    ("KPI1", "Initial assessment within 10 working days", 90),
    ("KPI2", "Action plan within 5 working days of assessment", 85),
    ("KPI3", "Outcomes achieved", 70),
)
KPI_COLUMNS = ("kpi1_den", "kpi1_num", "kpi2_den", "kpi2_num", "kpi3_den", "kpi3_num")


def quarter_index(days: np.ndarray) -> np.ndarray:
    """Quarter number (0 = 2021-Q2) of days since 1970."""
    month = (
        days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    )  # months since 1970-01
    return (1970 * 4 + month // 3) - FIRST_QUARTER


def _epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def monthly_counts(
    contracts: pd.DataFrame, today: dt.date, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Referrals per contract and month: volume/12 x ratio x season x ramp-up x noise, Poisson drawn.

    Returns flat arrays over (contract, month) cells: contract index, count, and the window of days
    [lo, hi) the referrals fall in (the month, cut to the contract's dates and to before `today`).
    """
    months = np.arange(FIRST_MONTH, np.datetime64(today, "M") + 1)
    month_lo = months.astype("datetime64[D]").astype(np.int64)
    month_hi = (months + 1).astype("datetime64[D]").astype(np.int64)
    start = contracts["start"].to_numpy("datetime64[D]").astype(np.int64)
    end = contracts["end"].to_numpy("datetime64[D]")
    end_excl = np.where(np.isnat(end), np.iinfo(np.int64).max // 2, end.astype(np.int64) + 1)
    lo = np.maximum(month_lo[None, :], start[:, None])
    hi = np.minimum(np.minimum(month_hi[None, :], end_excl[:, None]), _epoch_day(today))
    active = np.clip(hi - lo, 0, None)
    since_start = (
        months.astype(np.int64)[None, :]
        - start.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)[:, None]
    )
    ramp = np.where(since_start < len(RAMP), RAMP[np.clip(since_start, 0, len(RAMP) - 1)], 1.0)
    season = SEASON[months.astype(np.int64) % 12][None, :]
    noise = rng.lognormal(0.0, 0.1, active.shape)
    rate = (
        contracts["volume"].to_numpy(float)[:, None]
        / 12
        * contracts["ratio"].to_numpy(float)[:, None]
    )
    expected = rate * season * ramp * noise * active / (month_hi - month_lo)[None, :]
    count = rng.poisson(expected) * (active > 0)
    contract = np.broadcast_to(np.arange(len(contracts))[:, None], active.shape)
    keep = count.ravel() > 0
    return {
        "contract": contract.ravel()[keep],
        "count": count.ravel()[keep],
        "lo": lo.ravel()[keep],
        "hi": hi.ravel()[keep],
    }


def _received(
    cells: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A receipt time for every referral of the cells: mostly weekdays, working hours."""
    contract = np.repeat(cells["contract"], cells["count"])
    lo = np.repeat(cells["lo"], cells["count"])
    span = np.repeat(cells["hi"] - cells["lo"], cells["count"])
    n = len(contract)
    day = lo + (rng.random(n) * span).astype(np.int64)
    weekday = (day + 3) % 7  # 1 January 1970 was a Thursday; Monday = 0
    moved = day + np.where(weekday == 5, -1, np.where(weekday == 6, 1, 0))
    ok = (moved != day) & (rng.random(n) < 0.85) & (moved >= lo) & (moved < lo + span)
    day = np.where(ok, moved, day)
    return day * DAY + (8 * HOUR + rng.beta(2, 2.5, n) * 10 * HOUR).astype(np.int64), contract


def _people(n: int, rng: np.random.Generator) -> np.ndarray:
    """Person number (0..n-1) of each referral, in time order: some are someone referred earlier."""
    if n == 0:
        return np.zeros(0, np.int64)
    idx = np.arange(n)
    window = max(1, n // 10)
    earlier = np.clip(idx - rng.integers(1, window + 1, n), 0, None)
    person = np.where((rng.random(n) < REPEAT_SHARE) & (earlier < idx), earlier, idx)
    while True:  # follow chains of repeats back to the first referral (pointer jumping)
        nxt = person[person]
        if np.array_equal(nxt, person):
            return person
        person = nxt


def _crn(person: np.ndarray) -> np.ndarray:
    """A letter and six digits, one per person (a bijection, so different people never share one)."""
    code = (person.astype(np.int64) * 15_485_863 + 7_654_321) % CRN_SPACE
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))[code // 1_000_000]
    return np.strings.add(letters, np.strings.zfill((code % 1_000_000).astype(str), 6))


def _reference(index: np.ndarray, suffix: np.ndarray) -> np.ndarray:
    """Rule V12 references: 2 letters, 4 digits, the type's 2 letters; unique per (index, suffix)."""
    code = (index.astype(np.int64) * 1_299_709 + 104_729) % REF_SPACE
    first, second = REF_LETTERS[code // 220_000], REF_LETTERS[(code // 10_000) % 22]
    digits = np.strings.zfill((code % 10_000).astype(str), 4)
    return np.strings.add(np.strings.add(np.strings.add(first, second), digits), suffix)


def _uuids(n: int, rng: np.random.Generator) -> np.ndarray:
    """Version 4 UUIDs from the rng: the same text uuid.UUID(int=..., version=4) would give."""
    raw = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexed = np.frombuffer(raw.tobytes().hex().encode("ascii"), np.uint8).reshape(n, 32)
    out = np.full((n, 36), ord("-"), np.uint8)
    for a, b, c in ((0, 8, 0), (9, 13, 8), (14, 18, 12), (19, 23, 16), (24, 36, 20)):
        out[:, a:b] = hexed[:, c : c + b - a]
    return out.view("S36").ravel().astype(str)


def _working_day(days: np.ndarray, offset: np.ndarray) -> np.ndarray:
    return np.busday_offset(days.astype("datetime64[D]"), offset, roll="forward").astype(np.int64)


def lifecycle(
    rec: np.ndarray, params: dict[str, np.ndarray], today: dt.date, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Each referral's steps, as times (int64 seconds) and masks of which steps have happened.

    Three paths: delivered to the end (completed), ended by the practitioner before delivery
    (cancelled: also everyone who never attends, gets no plan or no session), ended during
    delivery (ended, with an end-of-service report). A step happens only if the one before it
    did and it falls before `today` (and, when cancelled, before the end request).
    """
    n = len(rec)
    now = _epoch_day(today) * DAY
    u = rng.random
    rday = rec // DAY

    def office_hours(size: int) -> np.ndarray:
        return (9 * HOUR + rng.integers(0, 32, size) * 900).astype(np.int64)

    arranged = rec + (rng.gamma(1.5, 10.0, n) * HOUR).astype(np.int64)
    late_saa = u(n) < params["p_late_saa"]
    sched_day = _working_day(
        rday, np.where(late_saa, rng.integers(11, 26, n), rng.integers(1, 10, n))
    )
    sched = np.maximum(sched_day * DAY + office_hours(n), arranged + HOUR)
    noshow, never = u(n) < 0.12, u(n) < 0.06
    att_day = np.where(noshow, _working_day(sched // DAY, rng.integers(2, 8, n)), sched // DAY)
    attended = np.where(noshow, np.maximum(att_day * DAY + office_hours(n), sched + HOUR), sched)
    has_plan, no_session = u(n) < 0.94, u(n) < 0.05
    late_plan = u(n) < params["p_late_plan"]
    sub_day = _working_day(
        attended // DAY, np.where(late_plan, rng.integers(6, 16, n), rng.integers(0, 6, n))
    )
    submitted = np.maximum(sub_day * DAY + office_hours(n) + 4 * HOUR, attended + 1_800)
    approved = submitted + (rng.gamma(1.2, 30.0, n) * HOUR).astype(np.int64)
    first_session = approved + rng.integers(1, 15, n) * DAY + rng.integers(0, 8 * HOUR, n)
    expected = np.clip(1 + rng.poisson(params["sessions_mean"] - 1, n), 1, 12)
    interval = (rng.uniform(5, 12, n) * DAY).astype(np.int64)
    last_session = first_session + (expected - 1) * interval
    eosr_done = last_session + (rng.uniform(0.2, 8, n) * DAY).astype(np.int64)

    # Which path, and when the practitioner asks to end it.
    pick = u(n)
    forced = never | ~has_plan | no_session
    forced_at = np.where(never, sched, np.where(~has_plan, attended, approved)) + (
        rng.uniform(5, 40, n) * DAY
    ).astype(np.int64)
    # An early end comes before any session: after delivery starts, an end is "ended", not "cancelled".
    early_at = np.minimum(
        rec + (rng.uniform(2, 60, n) * DAY).astype(np.int64), first_session - HOUR
    )
    cancel = forced | (pick < 0.16)
    end_at = np.where(
        forced & (pick < 0.16),
        np.minimum(forced_at, early_at),
        np.where(forced, forced_at, early_at),
    )
    during = ~cancel & (pick < 0.36)
    end_at = np.where(
        during,
        first_session
        + (u(n) * (last_session - first_session)).astype(np.int64)
        + (rng.uniform(0.5, 3, n) * DAY).astype(np.int64),
        end_at,
    )
    eosr_ended = end_at + (rng.uniform(1, 8, n) * DAY).astype(np.int64)

    limit = np.where(cancel, np.minimum(end_at, now), now)
    t = {
        "received": rec,
        "arranged": arranged,
        "scheduled": sched,
        "not_attended": sched,
        "attended": attended,
        "completed": attended,
        "submitted": submitted,
        "approved": approved,
        "first_session": first_session,
    }
    m = {"received": np.ones(n, bool)}
    m["arranged"] = arranged < limit
    m["scheduled"] = m["arranged"] & (sched < limit)
    m["not_attended"] = m["scheduled"] & noshow
    m["attended"] = m["scheduled"] & ~never & (attended < limit)
    m["completed"] = m["attended"]
    m["submitted"] = m["attended"] & has_plan & (submitted < limit)
    m["approved"] = m["submitted"] & (approved < limit)
    m["first_session"] = m["approved"] & ~no_session & (first_session < limit)
    m["end_requested"] = (cancel | (during & m["first_session"])) & (end_at < now)
    t["end_requested"] = end_at
    t["eosr"] = np.where(during, eosr_ended, eosr_done)
    m["eosr"] = np.where(during, m["end_requested"], ~cancel & m["first_session"]) & (
        t["eosr"] < now
    )
    concluded = np.where(
        cancel, end_at + rng.integers(HOUR, 3 * DAY, n), t["eosr"] + rng.integers(HOUR, 2 * DAY, n)
    )
    m["concluded"] = np.where(cancel, m["end_requested"], m["eosr"]) & (concluded < now)
    for step in t:  # concluded never before any other step
        concluded = np.where(m[step], np.maximum(concluded, t[step] + 60), concluded)
    m["concluded"] &= concluded < now
    t["concluded"] = concluded

    # Sessions attended so far, outcomes, and the facts the KPI returns count.
    upto = np.minimum(np.where(m["end_requested"], end_at, now), last_session)
    so_far = np.clip(1 + (upto - first_session) // np.maximum(interval, 1), 1, expected)
    attended_sessions = so_far - rng.binomial(so_far, 0.1)
    extra = (u(n) < 0.05) & m["concluded"] & ~during
    attended_sessions = np.where(
        m["first_session"], np.maximum(attended_sessions, 1) + extra * rng.integers(1, 3, n), 0
    )
    outcomes = rng.integers(1, 4, n)
    # Per outcome: P(achieved) and P(at least partly achieved), lower when ended early.
    achieved = np.where(during[:, None], [0.25, 0.6], [0.6, 0.82])
    draw = u((n, 3))
    score = np.where(draw < achieved[:, :1], 1.0, np.where(draw < achieved[:, 1:], 0.5, 0.0))
    score = (score * (np.arange(3)[None, :] < outcomes[:, None])).sum(axis=1)
    within10 = (
        np.busday_count(rday.astype("datetime64[D]"), (attended // DAY).astype("datetime64[D]"))
        <= 10
    )
    within5 = (
        np.busday_count(
            (attended // DAY).astype("datetime64[D]"), (submitted // DAY).astype("datetime64[D]")
        )
        <= 5
    )
    state = np.select(
        [m["concluded"] & ~m["end_requested"], m["concluded"] & ~m["eosr"], m["concluded"]],
        ["completed", "cancelled", "ended"],
        "",
    )
    return {
        "times": t,
        "masks": m,
        "state": state,
        "cancel": cancel,
        "on_time": u(n) < 0.9,
        "outcomes": outcomes,
        "score": score,
        "expected": expected,
        "sessions": attended_sessions,
        "kpi": np.stack(
            [
                np.ones(n, bool),
                m["attended"] & within10,
                m["submitted"],
                m["submitted"] & within5,
                m["eosr"],
                m["eosr"] & (score >= outcomes / 2),
            ],
            axis=1,
        ),
    }


def _when(times: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.where(mask, np.datetime_as_string(times.astype("datetime64[s]")), "")


def _number(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    text = np.where(values % 1 == 0, values.astype(np.int64).astype(str), values.astype(str))
    return np.where(mask, text, "")


def _columns(
    life: dict,
    chunk: dict[str, np.ndarray],
    contracts: pd.DataFrame,
    reasons: pd.DataFrame,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Every column either shape has, by its performance-report name (extract-only names added)."""
    t, m = life["times"], life["masks"]
    n = len(chunk["rec"])
    c = chunk["contract"]
    weights = np.where(
        life["cancel"][:, None],
        reasons["w_cancel"].to_numpy()[None, :],
        reasons["w_during"].to_numpy()[None, :],
    )
    cum = np.cumsum(weights, axis=1)
    reason = (rng.random(n)[:, None] * cum[:, -1:] > cum).sum(axis=1)
    ended = m["end_requested"]
    day = chunk["rec"] // DAY
    assigned = m["arranged"] | (rng.random(n) < 0.6)
    return {
        "referral_ref": chunk["ref"],
        "referral_id": _uuids(n, rng),
        "contract_ref": contracts["contract_ref"].to_numpy(str)[c],
        "organisation_id": contracts["lead_provider_code"].to_numpy(str)[c],
        "caseworker_id": np.where(
            assigned, np.strings.add("sp.worker", rng.integers(1, 900, n).astype(str)), ""
        ),
        "service_user_crn": chunk["crn"],
        "date_referral_received": _when(t["received"], m["received"]),
        "date_saa_first_arranged": _when(t["arranged"], m["arranged"]),
        "date_saa_first_scheduled_for": _when(t["scheduled"], m["scheduled"]),
        "date_saa_first_not_attended": _when(t["not_attended"], m["not_attended"]),
        "date_saa_first_attended": _when(t["attended"], m["attended"]),
        "date_saa_first_completed": _when(t["completed"], m["completed"]),
        "saa_attended_on_time": np.where(
            m["attended"], np.where(life["on_time"], "true", "false"), ""
        ),
        "date_first_action_plan_submitted": _when(t["submitted"], m["submitted"]),
        "date_of_first_action_plan_approval": _when(t["approved"], m["approved"]),
        "date_of_first_attended_session": _when(t["first_session"], m["first_session"]),
        "outcomes_to_be_achieved_count": _number(life["outcomes"], m["submitted"]),
        "outcomes_achieved": _number(life["score"], m["eosr"]),
        "count_of_sessions_expected": _number(life["expected"], m["approved"]),
        "count_of_sessions_attended": _number(life["sessions"], m["approved"]),
        "end_requested_by_pp_at": _when(t["end_requested"], ended),
        "end_requested_by_pp_reason": np.where(
            ended, reasons["description"].to_numpy(str)[reason], ""
        ),
        "date_eosr_submitted": _when(t["eosr"], m["eosr"]),
        "concluded_at": _when(t["concluded"], m["concluded"]),
        "referral_end_state": life["state"],
        "date_intervention_to_be_completed_by": np.datetime_as_string(
            (day + rng.integers(90, 181, n)).astype("datetime64[D]")
        ),
        "end_of_sentence_date": np.datetime_as_string(
            (day + rng.integers(60, 1_100, n)).astype("datetime64[D]")
        ),
        "crs_contract_type": contracts["contract_type_name"].to_numpy(str)[c],
        "crs_provider_id": contracts["lead_provider_name"].to_numpy(str)[c],
        "referring_officer_id": np.strings.add("pp.user", rng.integers(1, 2_500, n).astype(str)),
        "relevant_sentence_id": (2_500_000_000 + rng.integers(0, 99_999_999, n)).astype(str),
        "intervention_end_reason_code": np.where(ended, reasons["code"].to_numpy(str)[reason], ""),
    }


def _same_fact(extract: str, report: str) -> dict[str, str]:
    """The columns of `extract` that hold under another name what a column of `report` holds (their
    TOML files load both into the same warehouse column): the extract's name -> the report's."""
    into = {c.to or c.name: c.name for c in reversed(source(report).columns)}
    return {
        c.name: into[c.to or c.name]
        for c in source(extract).columns
        if into.get(c.to or c.name, c.name) != c.name
    }


# Weekly-extract column -> the performance-report column holding the same fact.
EXTRACT_FROM = _same_fact("referrals_weekly_extract", "referrals_performance_report")


def write_referral_files(
    folder: Path,
    contracts: pd.DataFrame,
    reasons: pd.DataFrame,
    today: dt.date,
    seed: int,
    extract_regions: tuple[str, ...],
) -> tuple[list[Path], np.ndarray]:
    """One file per region with contracts; returns the paths and KPI counts [contract, quarter, 6].

    `contracts` holds, per contract: contract_ref, contract_type_name, region_code, lead_provider_code,
    lead_provider_name, start, end, volume (referrals a year expected at this scale), ratio,
    p_late_saa, p_late_plan, sessions_mean. `reasons` is end_referral_reasons.csv with weights.
    """
    cells = monthly_counts(contracts, today, np.random.default_rng([seed, 10]))
    totals = np.bincount(
        cells["contract"], weights=cells["count"], minlength=len(contracts)
    ).astype(np.int64)
    if totals.sum() >= CRN_SPACE:
        raise ValueError(
            f"{totals.sum():,} referrals is more than the demo's case reference numbers can tell apart"
        )
    suffix = contracts["contract_type_name"].str[:2].str.upper().to_numpy(str)
    ref_offset = np.zeros(len(contracts), np.int64)
    for s in sorted(set(suffix)):
        mine = np.flatnonzero(suffix == s)
        ref_offset[mine] = np.concatenate([[0], np.cumsum(totals[mine])[:-1]])
        if totals[mine].sum() > REF_SPACE:
            raise ValueError(f"too many referrals of type {s} for unique references")
    n_quarters = int(quarter_index(np.array([_epoch_day(today)]))[0]) + 1
    kpi = np.zeros((len(contracts), n_quarters, len(KPI_COLUMNS)), np.int64)
    region_of = contracts["region_code"].to_numpy(str)
    paths: list[Path] = []
    person_offset = 0
    for r, region in enumerate(sorted(set(region_of))):
        rng = np.random.default_rng([seed, 11, r])
        in_region = np.isin(cells["contract"], np.flatnonzero(region_of == region))
        rec, contract = _received({k: v[in_region] for k, v in cells.items()}, rng)
        order = np.lexsort((contract, rec))
        rec, contract = rec[order], contract[order]
        by_contract = np.argsort(contract, kind="stable")
        sorted_c = contract[by_contract]
        rank = np.empty(len(rec), np.int64)
        rank[by_contract] = np.arange(len(rec)) - np.searchsorted(sorted_c, sorted_c, side="left")
        ref = _reference(ref_offset[contract] + rank, suffix[contract])
        crn = _crn(person_offset + _people(len(rec), rng))
        person_offset += len(rec)
        shape = (
            "referrals_weekly_extract"
            if region in extract_regions
            else "referrals_performance_report"
        )
        name = "weekly_extract" if shape == "referrals_weekly_extract" else "performance_report"
        path = folder / f"referrals_{name}_{region}.csv"
        headers = list(source(shape).headers)
        bom = (
            shape == "referrals_performance_report" and (ord(region) - ord("A")) % 2 == 0
        )  # A, C, E...: odd positions
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
            for k, lo in enumerate(range(0, max(len(rec), 1), CHUNK_ROWS)):
                sl = slice(lo, lo + CHUNK_ROWS)
                crng = np.random.default_rng([seed, 12, r, k])
                params = {
                    p: contracts[p].to_numpy(float)[contract[sl]]
                    for p in ("p_late_saa", "p_late_plan", "sessions_mean")
                }
                life = lifecycle(rec[sl], params, today, crng)
                cols = _columns(
                    life,
                    {"rec": rec[sl], "contract": contract[sl], "ref": ref[sl], "crn": crn[sl]},
                    contracts,
                    reasons,
                    crng,
                )
                cols.update({new: cols[old] for new, old in EXTRACT_FROM.items()})
                pd.DataFrame({h: cols[h] for h in headers}).to_csv(
                    out, index=False, header=k == 0, lineterminator="\n"
                )
                key = contract[sl] * n_quarters + quarter_index(rec[sl] // DAY)
                for j in range(len(KPI_COLUMNS)):
                    kpi[..., j] += (
                        np.bincount(key, weights=life["kpi"][:, j], minlength=kpi[..., j].size)
                        .reshape(kpi.shape[:2])
                        .astype(np.int64)
                    )
        paths.append(path)
    return paths, kpi


def money_text(v) -> str | None:
    return None if v is None else f"£{round(v):,}"


def _quarter_label(q: int) -> str:
    absolute = q + FIRST_QUARTER
    return f"{absolute // 4}-Q{absolute % 4 + 1}"


def quarterly_returns(
    c: pd.DataFrame, kpi: np.ndarray, today: dt.date, seed: int, small: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """KPI and financial returns for every completed contract-quarter, less ~3% not yet received.

    `small` holds the provider codes of small voluntary organisations (income under £1m): some of them,
    as subcontractors of women's services, send their own financial returns and carry part of the subsidy."""
    rng = np.random.default_rng([seed, 2])
    n = len(c)
    women, lot = (c["lot"] == "Women's Services").to_numpy(), c["lot"].to_numpy()
    # Subsidy (Clinks survey): ~27% of women's contracts cost 15-20% more than they pay, most of the
    # gap met from other money; 3 accommodation contracts short with no other money; ~5% of wellbeing.
    order = np.lexsort((rng.random(n), c["ratio"].to_numpy() <= 1.15))  # over forecast first
    subsidised = np.zeros(n, bool)
    subsidised[[i for i in order if women[i]][: round(0.27 * women.sum())]] = True
    short = np.zeros(n, bool)
    short[
        rng.choice(
            np.flatnonzero((lot == "Accommodation") & c["day_one"].to_numpy()), 3, replace=False
        )
    ] = True
    pwb = np.flatnonzero(lot == "Personal Wellbeing")
    subsidised[rng.choice(pwb, max(1, round(0.05 * len(pwb))), replace=False)] = True
    last_done = int(quarter_index(np.array([(today - dt.date(1970, 1, 1)).days]))[0]) - 1
    start_q = quarter_index(c["start"].to_numpy("datetime64[D]").astype(np.int64))
    end = c["end"].to_numpy("datetime64[D]")
    end_q = np.where(
        np.isnat(end), last_done, quarter_index(np.where(np.isnat(end), 0, end.astype(np.int64)))
    )
    last_q = np.minimum(end_q, last_done)
    ci = np.repeat(np.arange(n), np.clip(last_q - start_q + 1, 0, None))
    q = np.concatenate([np.arange(a, b + 1) for a, b in zip(start_q, last_q, strict=True)]).astype(
        np.int64
    )
    keep = rng.random(len(q)) >= np.where(q == last_done, 0.15, 0.02)  # returns not yet received
    ci, q = ci[keep], q[keep]
    labels = np.array([_quarter_label(int(x)) for x in range(last_done + 1)])[q]
    refs = c["contract_ref"].to_numpy(str)[ci]
    kpis = pd.DataFrame(
        {
            "contract_ref": np.repeat(refs, 3),
            "quarter": np.repeat(labels, 3),
            "provider_code": np.repeat(c["lead_provider_code"].to_numpy(str)[ci], 3),
            "kpi_code": np.tile([k[0] for k in KPIS], len(q)),
            "kpi_name": np.tile([k[1] for k in KPIS], len(q)),
            "numerator": kpi[ci, q][:, 1::2].ravel(),
            "denominator": kpi[ci, q][:, 0::2].ravel(),
            "target_pct": np.tile([k[2] for k in KPIS], len(q)),
        }
    )
    # Income: a quarter of the annual value, for the days of the quarter the contract ran, +-3%.
    first = (
        ((q + FIRST_QUARTER) * 3 - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    after = (
        ((q + FIRST_QUARTER + 1) * 3 - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    start_day = c["start"].to_numpy("datetime64[D]").astype(np.int64)[ci]
    end_day = np.where(np.isnat(end), np.iinfo(np.int64).max // 2, end.astype(np.int64) + 1)[ci]
    ran = np.clip(np.minimum(after, end_day) - np.maximum(first, start_day), 0, None) / (
        after - first
    )
    income = c["annual_value"].to_numpy(float)[ci] / 4 * ran * rng.uniform(0.97, 1.03, len(q))
    gives = subsidised[ci] & (rng.random(len(q)) < 0.85)
    falls_short = ~gives & short[ci] & (rng.random(len(q)) < 0.7)
    over = np.where(women[ci], rng.uniform(1.15, 1.20, len(q)), rng.uniform(1.05, 1.15, len(q)))
    cost = income * np.select(
        [gives, falls_short],
        [over, rng.uniform(1.04, 1.12, len(q))],
        rng.uniform(0.86, 1.0, len(q)),
    )
    other = np.where(gives, (cost - income) * rng.uniform(0.7, 0.95, len(q)), 0.0)
    why = np.where(
        gives,
        np.array(["Reserves", "Charitable grant", "Fundraising"])[rng.integers(0, 3, len(q))],
        "",
    )
    # From here a stream of its own, so the numbers above stay as they were before these were added.
    more = np.random.default_rng([seed, 7])
    # Subsidised though not under-funded: two wellbeing contracts use a charitable grant for extra sessions.
    extra = np.zeros(n, bool)
    extra[more.choice(np.setdiff1d(pwb, np.flatnonzero(subsidised)), 4, replace=False)] = True
    grant = extra[ci] & (more.random(len(q)) < 0.85)
    other = np.where(grant, income * more.uniform(0.02, 0.05, len(q)), other)
    why = np.where(grant, "Charitable grant", why)
    # About 45% of the subsidised quarters cover the whole gap (in whole pounds, as the file shows them).
    whole = gives & (more.random(len(q)) < 0.45)
    other = np.where(whole, np.round(cost) - np.round(income), other)
    # The providers' own view, asked in each April-June return (about 1 in 10 left unanswered):
    # accommodation short of money says the value is not sufficient but expects no subsidy (Clinks).
    answered = ((q + FIRST_QUARTER) % 4 == 1) & (more.random(len(q)) >= 0.1)
    gives_ever = (subsidised | extra)[ci]
    draw = more.random(len(q))
    value_ok = np.select(
        [short[ci], gives_ever & women[ci], women[ci], draw < 0.08],
        [
            "no",
            np.where(draw < 0.8, "no", "not sure"),
            np.where(draw < 0.15, "no", "yes"),
            "not sure",
        ],
        "yes",
    )
    expects = np.select(
        [short[ci], gives_ever, draw < 0.04, draw < 0.1],
        [
            "no",
            np.where(draw < 0.75, "yes", np.where(draw < 0.9, "no", "not sure")),
            "yes",
            "not sure",
        ],
        "no",
    )
    lead = c["lead_provider_code"].to_numpy(str)[ci]
    money = pd.DataFrame(
        {
            "contract_ref": refs,
            "quarter": labels,
            "provider_code": lead,
            "contract_income_gbp": [money_text(v) for v in income],
            "full_delivery_cost_gbp": [money_text(v) for v in cost],
            "other_funding_gbp": [money_text(v) for v in other],
            "other_funding_source": why,
            "value_sufficient": np.where(answered, value_ok, ""),
            "expect_subsidy_12m": np.where(answered, expects, ""),
        }
    )
    money = pd.concat(
        [money, _subcontractor_returns(c, ci, income, labels, answered, subsidised, small, more)],
        ignore_index=True,
    )
    return kpis[list(source("kpi_returns").headers)], money[
        list(source("financial_returns").headers)
    ]


def _subcontractor_returns(
    c: pd.DataFrame,
    ci: np.ndarray,
    income: np.ndarray,
    labels: np.ndarray,
    answered: np.ndarray,
    subsidised: np.ndarray,
    small: frozenset[str],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Small subcontractors of women's services send their own financial returns, beside the lead's.

    Up to two small subcontractors per women's contract; each is paid 8 to 15% of the lead's income. Where
    the contract is subsidised, or for about a third of the others, the subcontractor also pays from its own
    reserves or grants: cost 12 to 25% over what it is paid, 80 to 100% of that covered by other funding."""
    women = (c["lot"] == "Women's Services").to_numpy()
    chains = [
        [code for code in subs.split(";") if code in small][:2] if women[i] else []
        for i, subs in enumerate(c["subcontractor_codes"])
    ]
    carries = np.array([bool(chain) and rng.random() < 0.35 for chain in chains]) | subsidised
    rows = []
    for k, i in enumerate(ci):
        for code in chains[i]:
            paid = income[k] * rng.uniform(0.08, 0.15)
            cost = paid * (rng.uniform(1.12, 1.25) if carries[i] else rng.uniform(0.9, 1.0))
            gap = round(cost) - round(paid)
            other = (
                (gap if rng.random() < 0.5 else gap * rng.uniform(0.8, 0.95)) if carries[i] else 0.0
            )
            rows.append(
                {
                    "contract_ref": c["contract_ref"].iat[i],
                    "quarter": labels[k],
                    "provider_code": code,
                    "contract_income_gbp": money_text(paid),
                    "full_delivery_cost_gbp": money_text(cost),
                    "other_funding_gbp": money_text(other),
                    "other_funding_source": (
                        "Reserves" if rng.random() < 0.6 else "Charitable grant"
                    )
                    if other
                    else "",
                    "value_sufficient": ("no" if carries[i] else "yes") if answered[k] else "",
                    "expect_subsidy_12m": ("yes" if carries[i] else "no") if answered[k] else "",
                }
            )
    return pd.DataFrame(rows, columns=list(source("financial_returns").headers))

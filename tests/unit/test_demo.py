"""The demo landing files: deterministic, in the layouts of ingest/sources, obeying the referral
service's rules, and telling the domain brief's stories. Everything is read back from the files."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ingest.demo.landing import build_contracts, register_rows, write_demo_files
from ingest.sources import source

TODAY = dt.date(2026, 5, 20)
TODAY_BENCH = dt.date(2026, 11, 20)  # bench/run.py's day
END_OF_TODAY = pd.Timestamp(TODAY) + pd.Timedelta(days=1)
LIFECYCLE = [  # (later, earlier): the later step is never before the earlier one
    ("date_saa_first_arranged", "date_referral_received"),
    ("date_saa_first_scheduled_for", "date_saa_first_arranged"),
    ("date_saa_first_not_attended", "date_referral_received"),
    ("date_saa_first_attended", "date_referral_received"),
    ("date_saa_first_completed", "date_referral_received"),
    ("date_first_action_plan_submitted", "date_saa_first_completed"),
    ("date_of_first_action_plan_approval", "date_first_action_plan_submitted"),
    ("date_of_first_attended_session", "date_of_first_action_plan_approval"),
    ("end_requested_by_pp_at", "date_referral_received"),
    ("date_eosr_submitted", "date_referral_received"),
]
CHAIN = [  # (step, the step it needs)
    ("date_saa_first_scheduled_for", "date_saa_first_arranged"),
    ("date_saa_first_attended", "date_saa_first_scheduled_for"),
    ("date_first_action_plan_submitted", "date_saa_first_completed"),
    ("date_of_first_action_plan_approval", "date_first_action_plan_submitted"),
    ("date_of_first_attended_session", "date_of_first_action_plan_approval"),
]
EVENTS = sorted({c for pair in LIFECYCLE for c in pair} | {"concluded_at"})
# The weekly extract's columns under their performance-report names.
EXTRACT_NAMES = {
    "crs_contract_reference": "contract_ref",
    "outcomes_progress": "outcomes_achieved",
    "date_intervention_ended": "end_requested_by_pp_at",
    "intervention_end_reason": "referral_end_state",
    "date_end_of_service_report_submitted": "date_eosr_submitted",
    "intervention_end_reason_description": "end_requested_by_pp_reason",
    "intervention_concluded_at": "concluded_at",
}
FORMULA = re.compile(r"^\s*(?:[=+@]|-[^\d.\s])")


def _source_of(path: Path) -> str:
    stem = path.stem
    if stem.startswith("referrals_"):
        return stem.rsplit("_", 1)[0]
    return {"contract_register": "contracts"}.get(stem, stem)


def _read(path: Path, encoding: str = "utf-8-sig") -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="calamine").fillna("")
    return pd.read_csv(
        io.StringIO(path.read_bytes().decode(encoding)), dtype=str, keep_default_na=False
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo_files(folder, today=TODAY, referrals_scale=0.3)
    return folder


@pytest.fixture(scope="module")
def referrals(demo) -> pd.DataFrame:
    frames = [_read(p).rename(columns=EXTRACT_NAMES) for p in sorted(demo.glob("referrals_*.csv"))]
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs["extract_refs"] = set(
        _read(demo / "referrals_weekly_extract_D.csv")["referral_ref"]
    )
    for column in EVENTS:
        frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%dT%H:%M:%S")
    return frame


@pytest.fixture(scope="module")
def register(demo) -> pd.DataFrame:
    return _read(demo / "contract_register.xlsx")


def _pounds(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.replace(r"[£,]", "", regex=True))


def test_same_arguments_give_identical_bytes(tmp_path):
    """Two runs with the same today, seed and scale write byte-identical files; another seed does not."""
    first = write_demo_files(tmp_path / "a", today=TODAY, referrals_scale=0.05)
    second = write_demo_files(tmp_path / "b", today=TODAY, referrals_scale=0.05)
    other = write_demo_files(tmp_path / "c", today=TODAY, seed=7, referrals_scale=0.05)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert (tmp_path / "a" / "referrals_performance_report_A.csv").read_bytes() != other[
        1
    ].read_bytes()


def test_every_file_has_its_layout_headers_in_order(demo):
    """Each file's header row is exactly the column names of its source's TOML, in order."""
    files = sorted(demo.iterdir())
    assert (
        len(files) == 18
    )  # register, 12 referral files, 2 returns, organisations, meetings, attendance
    for path in files:
        encoding = "cp1252" if path.name == "financial_returns.csv" else "utf-8-sig"
        assert tuple(_read(path, encoding).columns) == source(_source_of(path)).headers, path.name


def test_referral_files_use_both_shapes_and_both_utf8_flavours(demo):
    """Wales sends the weekly extract; other regions the performance report, with a BOM in odd-numbered regions."""
    assert (demo / "referrals_weekly_extract_D.csv").exists()
    assert (demo / "referrals_performance_report_A.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (
        not (demo / "referrals_performance_report_B.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    )


def test_referral_steps_never_go_backwards(referrals):
    """Every step of a referral is on or after the step before it, and concluded is after all of them."""
    for later, earlier in LIFECYCLE:
        both = referrals[later].notna() & referrals[earlier].notna()
        assert (referrals.loc[both, later] >= referrals.loc[both, earlier]).all(), (later, earlier)
    report = ~referrals["referral_ref"].isin(
        referrals.attrs["extract_refs"]
    )  # the extract has no assessment dates
    for step, needs in CHAIN:
        assert referrals.loc[report & referrals[step].notna(), needs].notna().all(), (step, needs)
    latest = referrals[[c for c in EVENTS if c != "concluded_at"]].max(axis=1)
    concluded = referrals["concluded_at"].notna()
    assert (referrals.loc[concluded, "concluded_at"] >= latest[concluded]).all()
    deadline = pd.to_datetime(referrals["date_intervention_to_be_completed_by"][report])
    assert (deadline > referrals["date_referral_received"][report]).all()


def test_end_state_follows_from_the_dates(referrals):
    """Rule V10: concluded without end request = completed; with a request = cancelled, or ended with a report."""
    concluded = referrals["concluded_at"].notna()
    requested = referrals["end_requested_by_pp_at"].notna()
    report = referrals["date_eosr_submitted"].notna()
    expected = np.select(
        [concluded & ~requested, concluded & ~report, concluded],
        ["completed", "cancelled", "ended"],
        "",
    )
    assert (referrals["referral_end_state"].to_numpy() == expected).all()
    assert ((referrals["end_requested_by_pp_reason"] != "") == requested).all()
    assert set(expected) == {"", "completed", "cancelled", "ended"}


def test_referral_counts_and_scores_are_consistent(referrals):
    """Outcomes 1-3 with a plan, a score only with a report and never above the count; sessions <= expected + 2."""
    plan = referrals["date_first_action_plan_submitted"].notna()
    count = pd.to_numeric(referrals["outcomes_to_be_achieved_count"])
    assert count[plan].between(1, 3).all() and count[~plan].isna().all()
    score = pd.to_numeric(referrals["outcomes_achieved"])
    report = referrals["date_eosr_submitted"].notna()
    assert score[~report].isna().all() and (score[report] <= count[report]).all()
    expected = pd.to_numeric(referrals["count_of_sessions_expected"])
    attended = pd.to_numeric(referrals["count_of_sessions_attended"])
    assert (
        expected.dropna().between(1, 12).all()
        and (attended.dropna() <= expected.dropna() + 2).all()
    )


def test_referral_identifiers_are_well_formed_and_unique(referrals):
    """References follow rule V12 with the contract type's letters, ids are version 4 UUIDs, CRNs a letter and 6 digits."""
    assert (
        referrals["referral_ref"].str.fullmatch(r"[A-HJ-NP-Z]{2}\d{4}(AC|ED|PE|WO|DE|FI|ME)").all()
    )
    assert referrals["referral_ref"].is_unique and referrals["referral_id"].is_unique
    assert (
        referrals["referral_id"]
        .str.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
        .all()
    )
    assert referrals["service_user_crn"].str.fullmatch(r"[A-Z]\d{6}").all()
    repeats = referrals["service_user_crn"].value_counts()
    assert 0.10 < (repeats > 1).mean() < 0.20


def test_nothing_happens_after_today(demo, referrals, register):
    """No referral step, meeting, contract start or completed quarter is after today."""
    assert (referrals[EVENTS].max() < END_OF_TODAY).all()
    assert (pd.to_datetime(register["start_date"]) <= pd.Timestamp(TODAY)).all()
    meetings = _read(demo / "forum_meetings.xlsx")
    assert (pd.to_datetime(meetings["meeting_date"]) < pd.Timestamp(TODAY)).all()
    quarters = _read(demo / "kpi_returns.csv")["quarter"].str.extract(r"(\d{4})-Q(\d)").astype(int)
    ends = pd.to_datetime(
        dict(year=quarters[0], month=quarters[1] * 3, day=1)
    ) + pd.offsets.MonthEnd(0)
    assert (ends < pd.Timestamp(TODAY)).all()


def test_referrals_fall_inside_their_contract(referrals, register):
    """Each referral is received between its contract's start and end dates."""
    dates = register.set_index("contract_ref")
    start = pd.to_datetime(referrals["contract_ref"].map(dates["start_date"]))
    end = pd.to_datetime(referrals["contract_ref"].map(dates["end_date"]).replace("", None))
    received = referrals["date_referral_received"]
    assert (received >= start).all()
    assert (received[end.notna()] < end[end.notna()] + pd.Timedelta(days=1)).all()


def test_financial_returns_are_windows_1252_with_pound_signs(demo):
    """financial_returns.csv is saved as Windows-1252, as Excel does, with £ signs in the money columns."""
    data = (demo / "financial_returns.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    frame = _read(demo / "financial_returns.csv", "cp1252")
    assert frame["contract_income_gbp"].str.fullmatch(r"£\d{1,3}(,\d{3})*").all()


def test_no_text_looks_like_a_formula(demo):
    """No cell in any file starts like a spreadsheet formula (=, +, @ or - and a letter)."""
    for path in demo.iterdir():
        frame = _read(path, "cp1252" if path.name == "financial_returns.csv" else "utf-8-sig")
        for column in frame.columns:
            assert not frame[column].str.match(FORMULA).any(), (path.name, column)


def test_north_west_shortfalls_are_the_three_intended_contracts(referrals, register):
    """In the North West, the three contracts furthest below forecast are PRJ_5556, PRJ_5639 and PRJ_6532."""
    north_west = register[register["region_code"] == "B"].copy()
    stop = (
        pd.to_datetime(north_west["end_date"].replace("", None))
        .fillna(pd.Timestamp(TODAY))
        .clip(upper=pd.Timestamp(TODAY))
    )
    days = (stop - pd.to_datetime(north_west["start_date"])).dt.days
    forecast = pd.to_numeric(north_west["indicative_annual_volume"]) * days / 365.25
    received = north_west["contract_ref"].map(referrals["contract_ref"].value_counts()).fillna(0)
    ratio = (received / forecast).set_axis(north_west["contract_ref"]).sort_values()
    assert set(ratio.index[:3]) == {"PRJ_5556", "PRJ_5639", "PRJ_6532"}
    assert ratio.iloc[2] < 0.5 <= ratio.iloc[3]


def test_womens_services_most_often_cost_more_than_they_pay(demo, register):
    """Women's services have the highest share of contract-quarters whose full cost is above the contract income."""
    money = _read(demo / "financial_returns.csv", "cp1252")
    lot = (
        register.set_index("contract_ref")["contract_type_code"]
        .str.split("-")
        .str[0]
        .replace({"WSM": "WOS", "WSM2": "WOS"})
    )
    money["lot"] = money["contract_ref"].map(lot)
    over = _pounds(money["full_delivery_cost_gbp"]) > _pounds(money["contract_income_gbp"])
    share = over.groupby(money["lot"]).mean()
    assert share.idxmax() == "WOS" and share["WOS"] > 0.15
    assert share["ETE"] == 0


def test_contracts_have_bands_or_a_cap_never_both(register):
    """Contracts over £1m a year have 2-3 volume bands, the band holding the indicative volume paying the annual value; others a cap."""
    value = _pounds(register["annual_value_gbp"])
    volume = pd.to_numeric(register["indicative_annual_volume"])
    banded = register["band_1_upto"] != ""
    assert (banded == (value > 1_000_000)).all()
    assert (register.loc[banded, "annual_volume_cap"] == "").all() and (
        register.loc[~banded, "annual_volume_cap"] != ""
    ).all()
    for i in np.flatnonzero(banded):
        row = register.iloc[i]
        limits = [int(row[f"band_{k}_upto"]) for k in (1, 2, 3) if row[f"band_{k}_upto"]]
        pays = [
            int(_pounds(pd.Series([row[f"band_{k}_payment_gbp"]]))[0])
            for k in range(1, len(limits) + 1)
        ]
        assert limits == sorted(set(limits)) and pays == sorted(pays)
        holding = next(k for k, limit in enumerate(limits) if volume.iloc[i] <= limit)
        assert pays[holding] == value.iloc[i]


@pytest.mark.parametrize("scale", [78.4, 150.0])
def test_register_keeps_to_the_register_rule_at_benchmark_scales(scale):
    """At the benchmark's 10M-row scale (78.4) one contract's third band would reach 106,263 referrals a year,
    and at 150 indicative volumes pass 100,000: every volume figure stays within the register's rule (1 to
    100,000) and each band's limit still rises. At 78.4 only that band is held, at 100,000 (band 2: 89,915)."""
    register = register_rows(build_contracts(TODAY_BENCH, 20210626, scale))
    figures = [
        "indicative_annual_volume",
        "annual_volume_cap",
        *(f"band_{k}_upto" for k in (1, 2, 3)),
    ]
    values = register[figures].apply(pd.to_numeric)
    assert values.stack().dropna().between(1, 100_000).all()
    limits = values[[f"band_{k}_upto" for k in (1, 2, 3)]]
    assert ((limits.diff(axis=1).iloc[:, 1:] > 0) | limits.iloc[:, 1:].isna()).all().all()
    if scale == 78.4:
        held = register[values["band_3_upto"] == 100_000]
        assert len(held) == 1
        assert (int(held.band_2_upto.iloc[0]), int(held.indicative_annual_volume.iloc[0])) == (
            89_915,
            81_741,
        )

"""`make bench`: ingest and page timings at 10k to 10M referral rows, written to docs/benchmarks.md/.csv.

    python -m bench.run            # full: 10k, 100k, 1M, 10M (writes docs/benchmarks.md and .csv)
    python -m bench.run --quick    # 10k, 100k, 1M (writes data/bench/benchmarks-quick.md and .csv)

Data: the demo generator (`ingest.demo.landing.write_demo_files`) at a referral scale chosen per size, written
once under data/bench/<size>/ and reused. The measured file is the performance-report shape of all
English regions in one CSV (the demo writes one file per region; Wales sends the other shape, which is
loaded with the other files into the starting warehouse), loaded by one `rpd ingest` at every size.
Every measured program runs as its own process; its peak memory is the kernel's maximum resident set
size of that process (os.wait4). Every process the benchmark starts may use at most MEMORY_CAP of
address space (RLIMIT_AS, set in the child), so a program that does not fit fails there, cleanly, and
is reported as not finishing, instead of taking the shared machine's memory.
Not part of `make test`; CI does not run it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "bench"
TODAY = dt.date(2026, 11, 20)
HASH_KEY = "bench-key-not-secret"
# Demo scale per size: the generator writes about 127,500 referrals per unit of scale, 89% of them in
# the performance-report shape (the measured file).
SIZES = {"10k": 0.0784, "100k": 0.784, "1M": 7.84, "10M": 78.4}
QUICK = ("10k", "100k", "1M")
# Every process started here may use at most this much address space (RLIMIT_AS, set in the child: the
# machine is shared); a measured one is also stopped after GUARD seconds.
MEMORY_CAP = 6 * 2**30
TIME_GUARD = 900.0
# The part of an `rpd ingest` process outside the steps its run log times (bench/run.py step_rows).
OTHER_STEP = "starting, and the rest"
GUARD = {"seconds": TIME_GUARD, "memory": MEMORY_CAP}
# Ingest with every check, at most this many times the bare DuckDB load (issue 14).
BARE_LOAD_TARGET = {"1M": 3, "10M": 2}  # --time-guard, --memory-cap
# Words a process that ran out of its address space leaves in its output: Python's MemoryError, DuckDB's
# "Out of Memory Error", C++'s std::bad_alloc, pyarrow's and the C library's "Cannot allocate memory".
OUT_OF_MEMORY = (
    "MemoryError",
    "Out of Memory",
    "bad_alloc",
    "Cannot allocate memory",
    "out of memory",
)
# From this many rows each program runs once.
LARGE = 5_000_000
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def child_env(data_dir: Path | None = None) -> dict[str, str]:
    """Environment of measured processes: bytecode cached (as after a normal install: some machines set
    PYTHONDONTWRITEBYTECODE, and recompiling Great Expectations costs ~6 s a process), fixed settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        PYTHONPYCACHEPREFIX=str(DATA / "pycache"),
        PYTHONPATH=str(ROOT),
        GX_ANALYTICS_ENABLED="false",
        RPD_TODAY=TODAY.isoformat(),
        RPD_HASH_KEY=HASH_KEY,
    )
    if data_dir is not None:
        env["RPD_DATA_DIR"] = str(data_dir)
    return env


def _capped() -> None:
    """In the child, before it runs: its address space may not exceed the memory cap."""
    resource.setrlimit(resource.RLIMIT_AS, (GUARD["memory"], GUARD["memory"]))


def run_capped(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """A process that prepares data (not measured), under the same memory cap."""
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, preexec_fn=_capped, **kwargs)


@dataclass
class Measured:
    seconds: float
    peak_rss: int  # bytes
    status: str  # ok | failed (exit N) | stopped: ... (did not finish within the time guard or memory cap)
    output: str = ""


def measure(cmd: list[str], env: dict[str, str], log_file: Path) -> Measured:
    """Run cmd as a fresh process under the memory cap; wall time, its own peak RSS, and a time guard."""
    start = time.perf_counter()
    with log_file.open("w") as out:
        proc = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, preexec_fn=_capped
        )
        stopped = ""
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if not stopped and time.perf_counter() - start > GUARD["seconds"]:
                stopped = f"stopped: over {GUARD['seconds']:.0f} s"
                proc.kill()
            time.sleep(0.05)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = log_file.read_text(errors="replace")
    outcome = stopped or (
        "ok" if proc.returncode == 0 else outcome_of_failure(proc.returncode, text)
    )
    return Measured(seconds, usage.ru_maxrss * 1024, outcome, text)


def outcome_of_failure(returncode: int, output: str) -> str:
    """A failed run's status: stopped by the memory cap when its output says it ran out of memory."""
    if any(words in output for words in OUT_OF_MEMORY):
        return f"stopped: over the {GUARD['memory'] / 2**30:.0f} GiB memory cap"
    return f"failed (exit {returncode})"


# ---- Data, written once --------------------------------------------------------------------------


@dataclass
class Prepared:
    size: str
    folder: Path
    referrals: Path  # the measured file
    rows: int
    bytes: int
    base: Path  # data dir: every other demo file loaded (the warehouse the file is added to)
    facts: dict = field(default_factory=dict)


def prepare(size: str) -> Prepared:
    folder = DATA / size
    ready = folder / "ready.json"
    scale = SIZES[size]
    if ready.exists():
        facts = json.loads(ready.read_text())
        # (a starting warehouse copied from a smaller size, "base_from", was an earlier workaround: rebuilt)
        if (
            facts.get("scale") == scale
            and facts.get("today") == TODAY.isoformat()
            and not facts.get("base_from")
        ):
            return _prepared(size, folder, facts)
    files = folder / "files"
    referrals = folder / "referrals.csv"
    parts = sorted(files.glob("referrals_performance_report_*.csv"))
    if (folder / "generated").exists():
        log(f"{size}: reusing the demo files written earlier")
        shutil.rmtree(folder / "base", ignore_errors=True)
        return _load_base(size, folder, parts, _lines(referrals) - 1, None)
    log(f"{size}: writing demo files at scale {scale} (once; reused by later runs)")
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    run_capped(
        [
            PYTHON,
            "-c",
            "import datetime as dt, sys; from pathlib import Path; from ingest.demo.landing import write_demo_files; "
            "write_demo_files(Path(sys.argv[1]), today=dt.date.fromisoformat(sys.argv[2]), referrals_scale=float(sys.argv[3]))",
            str(files),
            TODAY.isoformat(),
            str(scale),
        ],
        child_env(),
    )
    generated = time.perf_counter() - started
    parts = sorted(files.glob("referrals_performance_report_*.csv"))
    rows = 0
    with referrals.open("wb") as out:
        for n, part in enumerate(parts):
            with part.open("rb") as f:
                header = f.readline()
                if n == 0:
                    out.write(header.removeprefix(b"\xef\xbb\xbf"))
                while chunk := f.read(1 << 24):
                    rows += chunk.count(b"\n")
                    out.write(chunk)
    (folder / "generated").touch()
    return _load_base(size, folder, parts, rows, round(generated, 1))


def _load_base(
    size: str, folder: Path, parts: list[Path], rows: int, generated: float | None
) -> Prepared:
    """The starting warehouse: every demo file but the measured referrals, through `rpd ingest` (the
    demo's register keeps to the register's rules at every scale: ingest.demo.landing.VOLUME_LIMIT)."""
    files = folder / "files"
    base = folder / "base"
    others = [p for p in sorted(files.iterdir()) if p not in parts]
    log(f"{size}: loading the {len(others)} other demo files into the starting warehouse")
    # Wales's weekly extract (11% of the referrals) in a run of its own, after the files it refers to:
    # one run reads all its files before loading any, and the extract is the one large file.
    extract = [p for p in others if p.name.startswith("referrals_weekly_extract")]
    for batch in ([p for p in others if p not in extract], extract):
        output = run_capped(
            [str(Path(PYTHON).parent / "rpd"), "ingest", *map(str, batch)],
            child_env(base),
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        if f"{len(batch)} loaded" not in output:
            raise SystemExit(
                f"{size}: the starting warehouse did not load every file:\n{output[-3000:]}"
            )
    facts = {
        "scale": SIZES[size],
        "today": TODAY.isoformat(),
        "rows": rows,
        "bytes": (folder / "referrals.csv").stat().st_size,
        "generate_seconds": generated,
        "files": {p.name: _lines(p) - 1 for p in sorted(files.iterdir()) if p.suffix == ".csv"},
    }
    (folder / "ready.json").write_text(json.dumps(facts, indent=1))
    return _prepared(size, folder, facts)


def _prepared(size: str, folder: Path, facts: dict) -> Prepared:
    return Prepared(
        size,
        folder,
        folder / "referrals.csv",
        facts["rows"],
        facts["bytes"],
        folder / "base",
        facts,
    )


def _lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))


def current_file(data_dir: Path) -> Path:
    from warehouse.connection import Warehouse

    version = Warehouse(data_dir / "warehouse").current()
    if version is None:
        raise RuntimeError(f"no published warehouse in {data_dir}")
    return version.path


# ---- Ingest ------------------------------------------------------------------------------------


def ingest_runs(p: Prepared, repeats: int, rows_out: list[dict]) -> Path | None:
    """limit, ours and naive, interleaved, `repeats` times. Returns a data dir holding the file loaded
    by `rpd ingest` (for the page timings), if any run succeeded."""
    work = p.folder / "work"
    logs = p.folder / "logs"
    logs.mkdir(exist_ok=True)
    loaded: Path | None = None
    base_file = current_file(p.base)
    give_up: set[str] = set()
    for rep in range(1, repeats + 1):
        for what in ("limit", "ours", "naive"):
            if what in give_up:
                continue
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            if what == "limit":
                cmd = [
                    PYTHON,
                    "-m",
                    "bench.children",
                    "bare",
                    str(p.referrals),
                    str(work / "t.duckdb"),
                ]
                env = child_env()
            elif what == "naive":
                cmd = [
                    PYTHON,
                    "-m",
                    "bench.children",
                    "naive",
                    str(p.referrals),
                    str(work / "t.duckdb"),
                    str(base_file),
                    TODAY.isoformat(),
                ]
                env = child_env()
            else:
                shutil.copytree(p.base, work / "data")
                cmd = [str(Path(PYTHON).parent / "rpd"), "ingest", str(p.referrals)]
                env = child_env(work / "data")
            m = measure(cmd, env, logs / f"{what}-{rep}.log")
            if what == "ours" and m.status == "ok" and "1 loaded" not in m.output:
                m.status = "failed (file not loaded)"
            log(
                f"{p.size} {what:5} rep {rep}: {m.seconds:8.1f} s, peak {m.peak_rss / 2**20:7.0f} MiB, {m.status}"
            )
            rows_out.append(
                {
                    "section": "ingest",
                    "size": p.size,
                    "rows": p.rows,
                    "what": what,
                    "rep": rep,
                    "seconds": round(m.seconds, 4),
                    "peak_rss_mib": round(m.peak_rss / 2**20, 1),
                    "status": m.status,
                    "load_1min": round(os.getloadavg()[0], 2),
                }
            )
            if m.status != "ok":
                give_up.add(what)  # a stopped or failed run is not repeated
            if what == "ours" and m.status == "ok":
                rows_out += step_rows(p, rep, m.seconds, work / "data" / "logs" / "runs.jsonl")
                keep = p.folder / "loaded"
                shutil.rmtree(keep, ignore_errors=True)
                shutil.move(work / "data", keep)
                loaded = keep
    shutil.rmtree(work, ignore_errors=True)
    return loaded


def step_rows(p: Prepared, rep: int, seconds: float, run_log: Path) -> list[dict]:
    """Where one `rpd ingest` spent its time: the seconds of each step its run log records (the
    run's last line; ingest.pipeline.STEPS), and the rest of the process (starting Python, importing
    the product, the lock, the run's records) as OTHER_STEP."""
    record = json.loads(run_log.read_text(encoding="utf-8").splitlines()[-1])
    steps = dict(record.get("seconds") or {})
    steps[OTHER_STEP] = max(seconds - sum(steps.values()), 0.0)
    return [
        {
            "section": "steps",
            "size": p.size,
            "rows": p.rows,
            "what": step,
            "rep": rep,
            "seconds": round(value, 4),
            "peak_rss_mib": "",
            "status": "ok",
            "load_1min": round(os.getloadavg()[0], 2),
        }
        for step, value in steps.items()
    ]


# ---- Pages -------------------------------------------------------------------------------------


def page_runs(p: Prepared, data_dir: Path, repeats: int, rows_out: list[dict]) -> None:
    from bench.pages import PAGES

    path = str(current_file(data_dir))
    for page in ["__scan__", *PAGES]:
        m = measure(
            [PYTHON, "-m", "bench.children", "page", path, page, str(repeats)],
            child_env(),
            p.folder / "logs" / f"page-{page}.log",
        )
        if m.status != "ok":
            raise RuntimeError(f"page {page} at {p.size} failed:\n{m.output[-3000:]}")
        result = json.loads(m.output.strip().splitlines()[-1])
        name = "scan" if page == "__scan__" else page
        warm = statistics.median(result["warm"])
        log(f"{p.size} page {name:10}: cold {result['cold']:7.3f} s, warm {warm:7.3f} s")
        for kind, value in (("cold", result["cold"]), *(("warm", w) for w in result["warm"])):
            rows_out.append(
                {
                    "section": "page",
                    "size": p.size,
                    "rows": p.rows,
                    "what": f"{name}:{kind}",
                    "rep": "",
                    "seconds": round(value, 5),
                    "peak_rss_mib": "",
                    "status": "ok",
                    "load_1min": round(os.getloadavg()[0], 2),
                }
            )


# ---- Report ------------------------------------------------------------------------------------


def exponent(points: list[tuple[float, float]]) -> float | None:
    """b in seconds = a * rows^b, least squares on logs."""
    points = [(x, y) for x, y in points if x > 0 and y > 0]
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else None


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        mem = float("nan")
    from importlib.metadata import version

    import duckdb
    import pandas

    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU(s) ({cpu}), {mem:.0f} GiB RAM; "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pandas.__version__}, "
        f"Great Expectations {version('great-expectations')}"
    )


def fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 1 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def fmt_x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def report(rows: list[dict], prepared: dict[str, Prepared], mode: str, how: str) -> str:
    from bench.pages import PAGES, UNUSED

    sizes = [s for s in SIZES if s in prepared]

    def median(section: str, size: str, what: str, key: str = "seconds") -> float | None:
        values = [
            float(r[key])
            for r in rows
            if r["section"] == section
            and r["size"] == size
            and r["what"] == what
            and r["status"] == "ok"
        ]
        return statistics.median(values) if values else None

    def runs(size: str) -> int:
        return len({r["rep"] for r in rows if r["section"] == "ingest" and r["size"] == size})

    def ingest_ratio(size: str, a: str, b: str) -> float | None:
        return paired_ratio(rows, size, a, b)

    def status(size: str, what: str) -> str:
        return stop_reason(rows, size, what)

    lines = [
        "# Benchmarks",
        "",
        f"{how} Raw figures: "
        f"`{'docs/benchmarks.csv' if mode == 'full' else 'data/bench/benchmarks-quick.csv'}` (one row per "
        "run, with the machine's 1-minute load average when it ended).",
        "",
        f"Machine: {machine()}. {_load_range(rows)}",
        "",
        "## Data",
        "",
        "| Size | Demo scale | Rows in the measured file | File size | Other files (rows) |",
        "|---|---|---|---|---|",
    ]
    for s in sizes:
        p = prepared[s]
        others = {k: v for k, v in p.facts["files"].items() if "performance_report" not in k}
        lines.append(
            f"| {s} | {p.facts['scale']} | {p.rows:,} | {p.bytes / 2**20:,.0f} MiB | "
            + ", ".join(f"{k.removesuffix('.csv')} {v:,}" for k, v in others.items())
            + " |"
        )
    lines += [
        "",
        "## Ingest",
        "",
        "Wall time of a fresh process, median of the repetitions (seconds); each ratio is the median of the ratios within one repetition (the programs ran one after the other); peak resident memory of that process.",
        "*limit*: DuckDB `read_csv` of the file into a table, no checks. *ours*: `rpd ingest` of the file "
        "into a copy of the starting warehouse, every check included (and the sanitised copy, Data Docs and "
        "publish). *naive*: `pandas.read_csv`, the product's own suite for the file (the same "
        "expectations, built from `expectations/`) validated by Great Expectations' pandas engine on the whole "
        "frame in one call, then the frame inserted into DuckDB. Every process may use at most "
        f"{GUARD['memory'] / 2**30:.0f} GiB of address space and {GUARD['seconds']:.0f} s; a program that "
        "did not finish within them is shown as stopped, with the time it ran.",
        "",
        "| Size | Rows | Runs | limit s | ours s | naive s | ours ÷ limit | ours ÷ naive | ours peak MiB | limit peak MiB | naive peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        limit, ours, naive = (median("ingest", s, w) for w in ("limit", "ours", "naive"))
        peaks = [peak_text(rows, s, w) for w in ("ours", "limit", "naive")]
        note = {w: status(s, w) for w in ("limit", "ours", "naive")}

        def cell(v: float | None, w: str, note: dict[str, str] = note) -> str:
            return fmt_s(v) if v is not None else (note[w] or "–")

        lines.append(
            f"| {s} | {prepared[s].rows:,} | {runs(s)} | {cell(limit, 'limit')} | {cell(ours, 'ours')} | {cell(naive, 'naive')} | "
            f"{fmt_x(ingest_ratio(s, 'ours', 'limit'))} | {fmt_x(ingest_ratio(s, 'ours', 'naive'))} | "
            + " | ".join(peaks)
            + " |"
        )
    lines += steps_table(sizes, median)
    lines += [
        "",
        "## Pages",
        "",
        "Server-side time to compute everything a page shows (all its queries with the default filters, "
        "plus one drill-down; bench/pages.py lists them), on the published version after the referral "
        "file was loaded. *cold*: a new process connects to the new version and runs the page once; "
        "*warm*: the same queries again on that connection (median of the repetitions). *scan*: one bare "
        "aggregate scan of `core_referral` (count by contract and month), warm. Ratios are to the warm scan.",
        "",
    ]
    paged = [s for s in sizes if median("page", s, "scan:warm") is not None]
    if paged != sizes:
        lines.append(
            f"Pages were not timed at {', '.join(s for s in sizes if s not in paged)} in this run: "
            "`rpd ingest` did not load the file there (see Ingest), so there was no warehouse to time.\n",
        )
    if paged:
        lines += [
            "| Page | "
            + " | ".join(
                f"{s} warm s | {s} cold s | {s} warm ÷ scan | {s} cold ÷ scan" for s in paged
            )
            + " |",
            "|---|" + "---|" * (4 * len(paged)),
        ]
    for page in ["scan", *PAGES] if paged else []:
        cells = []
        for s in paged:
            warm, cold, scan = (
                median("page", s, f"{page}:warm"),
                median("page", s, f"{page}:cold"),
                median("page", s, "scan:warm"),
            )
            cells += [
                fmt_s(warm),
                fmt_s(cold),
                fmt_x(warm / scan) if warm and scan else "–",
                fmt_x(cold / scan) if cold and scan else "–",
            ]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Not timed: {', '.join(f'`{k}` ({v})' for k, v in UNUSED.items())}; flags read from the flags "
        "store (not the warehouse). The overview's comparison with the previous version is timed as "
        "`overview_previous_headline`, over the previous version's rows stored in the current one.",
        "",
        "## Growth",
        "",
        "Exponent b of a fit time = a·rows^b over the sizes measured (1 = linear), and from the second-"
        "largest to the largest size alone (where fixed costs such as starting Python and importing Great "
        "Expectations weigh least).",
        "",
        "| Figure | b (all sizes) | b (last step) |",
        "|---|---|---|",
    ]
    series = [("ingest", f"{w}", f"ingest {w}") for w in ("limit", "ours", "naive")]
    series += [("ingest", "ours", "ingest ours peak memory")]
    series += [
        ("page", f"{page}:{k}", f"page {page} {k}")
        for page in ["scan", *PAGES]
        for k in ("warm", "cold")
    ]
    for section, what, label in series:
        key = "peak_rss_mib" if "memory" in label else "seconds"
        pts = [(prepared[s].rows, median(section, s, what, key)) for s in sizes]
        pts = [(x, y) for x, y in pts if y is not None]
        b_all = exponent(pts)
        b_last = exponent(pts[-2:]) if len(pts) >= 2 else None
        flag = " (worse than linear)" if (b_last or 0) > 1.15 else ""
        lines.append(
            f"| {label} | {'–' if b_all is None else f'{b_all:.2f}'} | {'–' if b_last is None else f'{b_last:.2f}'}{flag} |"
        )
    lines += targets(sizes, median, prepared, rows)
    from bench.browser import section

    browser = section(rows)
    return "\n".join([*lines, *([""] if browser else []), *browser]) + "\n"


def steps_table(sizes: list[str], median) -> list[str]:
    """Where `ours` spends its time at each size: each step's median seconds over the repetitions, and
    its ratio to the median bare load of the same size (the steps' ratios add up to ours ÷ limit, give
    or take the medians)."""
    from ingest.pipeline import STEPS

    timed = [s for s in sizes if median("steps", s, OTHER_STEP) is not None]
    if not timed:
        return []
    lines = [
        "",
        "### Where `rpd ingest` spends its time",
        "",
        "Each step's seconds, as the run log of each *ours* run records them (`logs/runs.jsonl`, "
        "`seconds`; the steps are `ingest.pipeline.STEPS`), median of the repetitions, and as a ratio to "
        "the median bare load (*limit*) of the same size. *"
        + OTHER_STEP
        + "*: the rest of the process "
        "(starting Python, importing the product, taking the refresh lock, writing the run's records).",
        "",
        "| Step | " + " | ".join(f"{s} s | {s} ÷ limit" for s in timed) + " |",
        "|---|" + "---|---|" * len(timed),
    ]
    for step in [*STEPS, OTHER_STEP]:
        cells = []
        for s in timed:
            value, limit = median("steps", s, step), median("ingest", s, "limit")
            cells += [fmt_s(value), fmt_x(value / limit if value is not None and limit else None)]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    return lines


def stop_reason(rows: list[dict], size: str, what: str) -> str:
    stopped = [
        r["status"]
        for r in rows
        if r["section"] == "ingest"
        and r["size"] == size
        and r["what"] == what
        and r["status"] != "ok"
    ]
    return stopped[0] if stopped else ""


def peak_text(rows: list[dict], size: str, what: str) -> str:
    """Median peak RSS (MiB) of the completed runs; for runs stopped by the guard, "≥" their peak."""
    mine = [r for r in rows if r["section"] == "ingest" and r["size"] == size and r["what"] == what]
    done = [float(r["peak_rss_mib"]) for r in mine if r["status"] == "ok"]
    if done:
        return f"{statistics.median(done):,.0f}"
    stopped = [float(r["peak_rss_mib"]) for r in mine if r["status"].startswith("stopped")]
    return f"≥{max(stopped):,.0f}" if stopped else "–"


def _load_range(rows: list[dict]) -> str:
    """The 1-minute load average over the runs: about 1 to 2 is the benchmark itself on 2 cores."""
    loads = [float(r["load_1min"]) for r in rows if r.get("load_1min") not in (None, "")]
    if not loads:
        return ""
    return (
        f"1-minute load average at the end of each run: {min(loads):.1f} to {max(loads):.1f} "
        "(the benchmark itself accounts for about 1 to 2; more means other work shared the machine)."
    )


def paired_ratio(rows: list[dict], size: str, a: str, b: str) -> float | None:
    """Median over repetitions of a's time ÷ b's time in the same repetition (they ran one after the
    other, so a busy spell on the shared machine weighs on both)."""
    times: dict[tuple[str, str], float] = {
        (r["what"], str(r["rep"])): float(r["seconds"])
        for r in rows
        if r["section"] == "ingest" and r["size"] == size and r["status"] == "ok"
    }
    ratios = [
        t / times[(b, rep)] for (what, rep), t in times.items() if what == a and (b, rep) in times
    ]
    return statistics.median(ratios) if ratios else None


def targets(sizes: list[str], median, prepared: dict[str, Prepared], rows: list[dict]) -> list[str]:
    """Each target of issues 6 and 14, met or missed and by how much, from the medians."""
    from bench.pages import PAGES

    out = ["", "## Targets", "", "| Target | Where | Found | Met |", "|---|---|---|---|"]

    def row(
        target: str, where: str, found: float | None, limit: float, unit: str = "×", why: str = ""
    ) -> None:
        if found is None:
            out.append(
                f"| {target} | {where} | ours {why} | **no** |"
                if why.startswith("stopped")
                else f"| {target} | {where} | not measured | – |"
            )
            return
        shown = f"{found:,.0f} MiB" if unit == "MiB" else fmt_x(found)
        verdict = "yes" if found <= limit else f"**no**: {found / limit:.1f} times the target"
        out.append(f"| {target} | {where} | {shown} | {verdict} |")

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    # Issue 14: at most 3x the bare load at 1M (Great Expectations' import alone is about 2 s), 2x at 10M.
    for s, most in [(s, BARE_LOAD_TARGET[s]) for s in sizes if s in BARE_LOAD_TARGET]:
        row(
            f"ingest ≤ {most}× the bare DuckDB load",
            s,
            paired_ratio(rows, s, "ours", "limit"),
            most,
            why=stop_reason(rows, s, "ours"),
        )
    for s in sizes:
        naive_stopped = stop_reason(rows, s, "naive")
        ours = paired_ratio(rows, s, "ours", "naive")
        if ours is None and naive_stopped and not stop_reason(rows, s, "ours"):
            out.append(
                f"| ingest faster than the naive alternative | {s} | ours finished; naive {naive_stopped} | yes |"
            )
            continue
        row(
            "ingest faster than the naive alternative",
            s,
            ours,
            1,
            why=stop_reason(rows, s, "ours"),
        )
    big = largest = sizes[-1]
    peak = median("ingest", big, "ours", "peak_rss_mib")
    if peak is None and peak_text(rows, big, "ours").startswith("≥"):
        out.append(
            f"| peak memory of ingest < 2 GiB | {big} | {peak_text(rows, big, 'ours')} MiB (stopped) | "
            f"**no**: over {float(peak_text(rows, big, 'ours')[1:].replace(',', '')) / 2048:.1f} times the target |"
        )
    else:
        row("peak memory of ingest < 2 GiB", big, peak, 2048, "MiB")
    paged = [s for s in sizes if median("page", s, "scan:warm") is not None]
    if paged and paged[-1] != big:
        out.append(
            f"| pages (below) | {big} | not timed at {big}: figures at {paged[-1]}, the largest size timed | – |"
        )
    big = paged[-1] if paged else big
    scan = median("page", big, "scan:warm")
    for page in PAGES:
        row(
            "page warm ≤ 3× one bare scan",
            f"{page}, {big}",
            ratio(median("page", big, f"{page}:warm"), scan),
            3,
        )
        row(
            "page cold ≤ 10× one bare scan",
            f"{page}, {big}",
            ratio(median("page", big, f"{page}:cold"), scan),
            10,
        )
    if largest != "10M":
        out.append(f"\nThe targets are set at 10M rows; this run stopped at {largest}.")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10k, 100k and 1M only")
    parser.add_argument("--sizes", help="comma-separated subset of " + ", ".join(SIZES))
    parser.add_argument(
        "--repeats", type=int, default=3, help="ingest repetitions per size (default 3)"
    )
    parser.add_argument(
        "--page-repeats", type=int, default=5, help="warm repetitions per page (default 5)"
    )
    parser.add_argument("--out", type=Path, help="folder for benchmarks.md and .csv")
    parser.add_argument(
        "--time-guard",
        type=float,
        default=TIME_GUARD,
        help=f"stop a measured process after this many seconds (default {TIME_GUARD:.0f})",
    )
    parser.add_argument(
        "--memory-cap",
        type=float,
        default=MEMORY_CAP / 2**30,
        help=f"address space each process may use, GiB (RLIMIT_AS; default {MEMORY_CAP / 2**30:.0f})",
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="skip the timings in Chromium (bench/browser.py: first draws and filter changes)",
    )
    parser.add_argument(
        "--combine",
        nargs="+",
        type=Path,
        metavar="CSV",
        help="write docs/benchmarks.md and .csv from the raw figures of earlier runs (e.g. a --quick "
        "run and a --sizes 10M run) instead of measuring",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="only write the data of the sizes chosen (the demo files and the starting warehouse)",
    )
    args = parser.parse_args()
    GUARD["seconds"] = args.time_guard
    GUARD["memory"] = int(args.memory_cap * 2**30)

    from bench.pages import check_coverage
    from dashboard.queries import all_queries

    problems = check_coverage(all_queries())
    if problems:
        raise SystemExit("bench/pages.py is out of date:\n  " + "\n  ".join(problems))
    sizes = args.sizes.split(",") if args.sizes else list(QUICK if args.quick else SIZES)
    mode = "quick" if args.quick or args.sizes else "full"
    out = args.out or (ROOT / "docs" if mode == "full" else DATA)
    out.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Compile every module once, so no measured process pays for it.
    run_capped(
        [
            PYTHON,
            "-c",
            "import duckdb, pandas, great_expectations, ingest.pipeline, expectations.runner",
        ],
        child_env(),
    )
    rows: list[dict] = []
    prepared: dict[str, Prepared] = {}
    if args.combine:
        for path in args.combine:
            with path.open(newline="") as f:
                rows += list(csv.DictReader(f))
        for size in SIZES:
            if any(r["size"] == size for r in rows):
                prepared[size] = prepare(size)
        names = ", ".join(f"`{_shown(p)}`" for p in args.combine)
        how = f"Figures of several runs of `python -m bench.run` ({names}), combined with `--combine` on {dt.date.today():%d %B %Y}."
        _write(args.out or ROOT / "docs", "full", rows, prepared, how)
        return
    if args.prepare:
        for size in sizes:
            prepare(size)
        return
    for size in sizes:
        p = prepared[size] = prepare(size)
        log(f"{size}: {p.rows:,} rows in {p.referrals.relative_to(ROOT)}")
        repeats = args.repeats if p.rows < LARGE else 1
        loaded = ingest_runs(p, repeats, rows)
        if loaded is None:
            log(f"{size}: page timings skipped: `rpd ingest` did not load the file")
        else:
            page_runs(p, loaded, args.page_repeats, rows)
        took = (time.perf_counter() - started) / 60
        how = (
            f"Run by `make bench{' QUICK=1' if args.quick else ''}` (`python -m bench.run "
            f"{' '.join(sys.argv[1:])}`) on {dt.date.today():%d %B %Y}, in {took:.0f} minutes."
        )
        _write(out, mode, rows, prepared, how)
    if not args.no_browser:
        from bench.browser import measure as browser_timings

        rows += browser_timings(args.page_repeats)
        _write(out, mode, rows, prepared, how)
    log(
        f"done in {(time.perf_counter() - started) / 60:.1f} minutes: {out / ('benchmarks.md' if mode == 'full' else 'benchmarks-quick.md')}"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _write(out: Path, mode: str, rows: list[dict], prepared: dict[str, Prepared], how: str) -> None:
    stem = "benchmarks" if mode == "full" else "benchmarks-quick"
    with (out / f"{stem}.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    text = report(rows, prepared, mode, how)
    notes = ROOT / "bench" / "FINDINGS.md"
    if notes.exists():
        text += "\n" + notes.read_text()
    (out / f"{stem}.md").write_text(text)


if __name__ == "__main__":
    main()

"""What a person feels, in a real browser: the first draw of each page and the time from a click to
the page finishing drawing, against a bare Streamlit page measured in the same run.

    python -m bench.browser            # measure; put the section into docs/benchmarks.md and .csv
    python -m bench.browser --reps 3   # fewer repetitions

`make bench` runs it too (bench/run.py, after the ingest and page timings). The app runs on the demo
warehouse (built once by `rpd demo` under data/bench/ui/), the yardstick is bench/bare_app.py (one
selectbox and one metric); both are started the same way (`streamlit run`, headless) and driven by
Debian's Chromium through Playwright, as tests/browser/ does.

How a time is read, in the browser itself: a MutationObserver records every change of Streamlit's
`data-test-script-state` with `performance.now()`, and a capture listener the time of the last
pointerdown or keydown. A *change* lasts from the pointerdown on the option (or radio button) to the
`notRunning` that follows the run it started (a run so short that the page never showed it running ends
at the last change to the page). A *first draw* lasts from navigation start to the last
`notRunning` once the page's title is drawn and nothing is left stale, in a new browser session:
*cold* is the first session after the server started (nothing cached, nothing imported), *warm* a
second session on the same server. Every change picks a value not chosen before in that server, so
no query result is already cached; after it (from the second repetition), each page changes back to the
region chosen before, whose queries and charts are cached ("seen before": the floor under a change).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "bench"
UI_DATA = DATA / "ui"
PAGES = ("overview", "volume", "subsidy", "engagement")
GROUPS = ("PCC area", "Lot", "Lead provider", "Contract", "Region")
TARGET_RATIO = 2.0  # every change at most 2x the bare rerun
TARGET_FIRST_DRAW = 2.0  # seconds after the server is up
SECTION = "## In the browser"
END = "<!-- end of the browser section (bench/browser.py) -->"

WATCH = """
window.__bench = {runs: [], input: null, drawn: null};
new MutationObserver((changes) => {
  for (const c of changes) {
    if (c.attributeName === 'data-test-script-state') {
      window.__bench.runs.push([c.target.getAttribute('data-test-script-state'), performance.now()]);
    } else {
      window.__bench.drawn = performance.now();
    }
  }
}).observe(document, {subtree: true, attributes: true, childList: true, characterData: true});
for (const type of ['pointerdown', 'keydown']) {
  document.addEventListener(type, (e) => { window.__bench.input = e.timeStamp; }, true);
}
"""
# The time from the last input to the end of the run it started, or null while it runs. A run so short
# that React never drew the "running" state (seen for reruns of ~25 ms) is taken to have ended at the
# last change to the page, once nothing has changed for QUIET ms.
QUIET = 2000
AFTER_INPUT = f"""() => {{
  const b = window.__bench, t0 = b.input;
  if (t0 === null) return null;
  const i = b.runs.findIndex(([s, t]) => s === 'running' && t >= t0);
  if (i >= 0) {{
    const end = b.runs.slice(i + 1).find(([s]) => s === 'notRunning');
    return end ? end[1] - t0 : null;
  }}
  const quiet = b.drawn !== null && b.drawn > t0 && performance.now() - b.drawn > {QUIET};
  return quiet ? b.drawn - t0 : null;
}}"""
LAST_DONE = """() => {
  const done = window.__bench.runs.filter(([s]) => s === 'notRunning');
  return done.length ? done[done.length - 1][1] : performance.now();
}"""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def env() -> dict[str, str]:
    from bench.run import child_env

    return child_env(UI_DATA)


def prepare() -> None:
    """The demo warehouse the app reads, built once with `rpd demo` (reused while it exists)."""
    from warehouse.connection import Warehouse

    if Warehouse(UI_DATA / "warehouse").current() is not None:
        return
    log("building the demo warehouse for the browser timings (once)")
    subprocess.run(
        [str(Path(sys.executable).parent / "rpd"), "demo"],
        env=env(),
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def region_names() -> list[str]:
    import duckdb

    from bench.run import current_file

    con = duckdb.connect(str(current_file(UI_DATA)), read_only=True)
    try:
        return [
            r[0] for r in con.execute("SELECT region_name FROM ref_region ORDER BY 1").fetchall()
        ]
    finally:
        con.close()


@contextmanager
def server(script: str):
    """`streamlit run script` on a free port; yields (url, seconds until /_stcore/health answered)."""
    from tests.browser.conftest import _free_port, streamlit_run

    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        streamlit_run(ROOT / script, port),
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError(f"{script} did not start") from None
                time.sleep(0.05)
        yield url, time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _idle(page) -> None:
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    for _ in range(240):
        if not page.locator('[data-testid="stSkeleton"], [data-stale="true"]').count():
            return
        page.wait_for_timeout(50)


def open_page(browser, url: str):
    """A new session on url; returns (page, seconds from navigation start to the finished first draw)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(WATCH)
    page.goto(url, wait_until="domcontentloaded")
    _idle(page)
    if page.locator('[role="dialog"]').count():
        raise RuntimeError(f"{url}: {page.locator('[role=dialog]').first.inner_text()}")
    return page, page.evaluate(LAST_DONE) / 1000


def _timed(page, action) -> float:
    action()
    try:
        page.wait_for_function(f"() => ({AFTER_INPUT})() !== null", timeout=60_000)
    except Exception as error:
        state = page.evaluate("JSON.stringify(window.__bench)")
        raise RuntimeError(
            f"no run finished after the input on {page.url}: {state[-600:]}"
        ) from error
    seconds = page.evaluate(AFTER_INPUT) / 1000
    _idle(page)
    return seconds


def _select(page, where: str, label: str, option: str) -> float:
    box = page.locator(f'[data-testid="{where}"] [data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=re.compile(f"^{label}$"))
    )

    def action() -> None:
        box.first.click()
        page.keyboard.type(option)  # narrow the list, so the option is drawn
        page.get_by_role("option", name=option, exact=True).click()

    return _timed(page, action)


def _radio(page, option: str) -> float:
    return _timed(
        page,
        lambda: page.locator('[data-testid="stRadio"] label').filter(has_text=option).first.click(),
    )


def _address(url: str, target: str) -> str:
    """The page's address: the national commissioner's default page (the overview) is served at "/"."""
    return url if target in ("bare", PAGES[0]) else f"{url}/{target}"


def _row(what: str, rep: int, seconds: float) -> dict:
    return {
        "section": "browser",
        "size": "demo",
        "rows": "",
        "what": what,
        "rep": rep,
        "seconds": round(seconds, 4),
        "peak_rss_mib": "",
        "status": "ok",
        "load_1min": round(os.getloadavg()[0], 2),
    }


def measure(reps: int = 5) -> list[dict]:
    """Every timing of the section, as rows of bench/run.py's CSV (section "browser")."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, FLAGS

    if not CHROMIUM.exists():
        raise SystemExit("Debian's chromium is needed for the browser timings (make browser-deps)")
    prepare()
    regions = region_names()
    rows: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        for rep in range(1, reps + 1):
            for target in ("bare", *PAGES):
                script = "bench/bare_app.py" if target == "bare" else "dashboard/server/serve.py"
                with server(script) as (url, up):
                    page, cold = open_page(browser, _address(url, target))
                    page.close()
                    page, warm = open_page(browser, _address(url, target))
                    page.close()
                rows += [
                    _row(f"{target}:server up", rep, up),
                    _row(f"{target}:first draw cold", rep, cold),
                    _row(f"{target}:first draw warm", rep, warm),
                ]
                log(
                    f"rep {rep} {target:10}: up {up:5.2f} s, first draw {cold:5.2f} s cold, {warm:5.2f} s warm"
                )
        with (
            server("bench/bare_app.py") as (bare_url, _),
            server("dashboard/server/serve.py") as (url, _),
        ):
            tabs = {"bare": open_page(browser, bare_url)[0]}
            tabs |= {name: open_page(browser, _address(url, name))[0] for name in PAGES}
            drill = open_page(browser, f"{url}/volume")[
                0
            ]  # drill-downs, with every region in scope
            for rep in range(1, reps + 1):
                region = regions[(rep - 1) % len(regions)]
                for target, page in tabs.items():
                    seconds = _select(page, "stSidebar", "Region", region)
                    rows.append(_row(f"{target}:region change", rep, seconds))
                    log(f"rep {rep} {target:10}: region change {seconds:5.3f} s ({region})")
                    # Back to the region before, whose queries and charts are cached (the bare page
                    # caches nothing: its change is the same either way).
                    if rep > 1 and target != "bare":
                        before = regions[(rep - 2) % len(regions)]
                        seconds = _select(page, "stSidebar", "Region", before)
                        rows.append(_row(f"{target}:region change, seen before", rep, seconds))
                        log(
                            f"rep {rep} {target:10}: back to {before}, seen before {seconds:5.3f} s"
                        )
                drilled = regions[-rep % len(regions)]
                seconds = _select(drill, "stMain", "Region", drilled)
                rows.append(_row("volume:drill-down region", rep, seconds))
                seconds = _radio(drill, GROUPS[(rep - 1) % len(GROUPS)])
                rows.append(_row("volume:group by", rep, seconds))
                log(
                    f"rep {rep} volume drill-down {rows[-2]['seconds']:5.3f} s, group by {seconds:5.3f} s"
                )
            for page in [*tabs.values(), drill]:
                page.close()
        browser.close()
    return rows


def _median(rows: list[dict], what: str) -> float | None:
    values = [float(r["seconds"]) for r in rows if r["section"] == "browser" and r["what"] == what]
    return statistics.median(values) if values else None


def section(rows: list[dict]) -> list[str]:
    """The markdown section (empty if the run has no browser rows)."""
    mine = [r for r in rows if r["section"] == "browser"]
    if not mine:
        return []
    from bench.run import fmt_s

    loads = [float(r["load_1min"]) for r in mine]
    reps = len({str(r["rep"]) for r in mine})
    bare = _median(mine, "bare:region change")
    lines = [
        SECTION,
        "",
        "What a person feels, in Debian's Chromium (bench/browser.py): the demo warehouse, the national "
        f"commissioner's view, {reps} repetitions (medians). The yardstick is a bare Streamlit page "
        "(bench/bare_app.py: one selectbox and one metric) started and measured the same way in the same "
        "run, so a busy machine weighs on both. 1-minute load average during these timings: "
        f"{min(loads):.1f} to {max(loads):.1f}.",
        "",
        "*Change*: from pressing the option (or radio button) to the end of the run it started "
        "(`data-test-script-state` back to `notRunning`); each change picks a value not chosen before, so "
        "nothing is cached. Target: at most 2× the bare page's change. *Seen before*: a change back to "
        "the region chosen just before, whose queries and charts are cached: what is left is the page's "
        "script run on cached results and the browser drawing the page again, the floor under a change.",
        "",
        "| Interaction | Seconds | ÷ bare change | Seen before s | ÷ bare change | Met |",
        "|---|---|---|---|---|---|",
    ]
    for what, label in [
        ("bare:region change", "bare page: its selectbox"),
        *((f"{p}:region change", f"{p}: region filter") for p in PAGES),
        ("volume:drill-down region", "volume: drill-down region"),
        ("volume:group by", "volume: group by"),
    ]:
        seconds = _median(mine, what)
        if seconds is None:
            continue
        ratio = seconds / bare if bare else None
        met = (
            "–"
            if what.startswith("bare") or ratio is None
            else (
                "yes"
                if ratio <= TARGET_RATIO
                else f"**no**: {ratio / TARGET_RATIO:.1f} times the target"
            )
        )
        seen = _median(mine, f"{what}, seen before")
        lines.append(
            f"| {label} | {fmt_s(seconds)} | {_times(seconds, bare)} | {fmt_s(seen)} | "
            f"{_times(seen, bare)} | {met} |"
        )
    lines += [
        "",
        "*First draw*: from navigation start to the page drawn (title shown, run finished, nothing stale), "
        "in a new session once the server answers its health check. *Cold*: the first session after "
        "the server started; *warm*: a second session. Target: cold at most 2 s.",
        "",
        "| Page | Server up s | First draw cold s | First draw warm s | Met |",
        "|---|---|---|---|---|",
    ]
    for target in ("bare", *PAGES):
        up, cold, warm = (
            _median(mine, f"{target}:{k}")
            for k in ("server up", "first draw cold", "first draw warm")
        )
        met = (
            "–"
            if target == "bare" or cold is None
            else (
                "yes"
                if cold <= TARGET_FIRST_DRAW
                else f"**no**: {cold / TARGET_FIRST_DRAW:.1f} times the target"
            )
        )
        lines.append(f"| {target} | {fmt_s(up)} | {fmt_s(cold)} | {fmt_s(warm)} | {met} |")
    return [*lines, "", END]


def _times(seconds: float | None, bare: float | None) -> str:
    """A time as a ratio to the bare page's change ('–' when either is missing)."""
    return f"{seconds / bare:.2f}×" if seconds is not None and bare else "–"


def splice(text: str, lines: list[str], findings: str) -> str:
    """docs/benchmarks.md with its browser section replaced (or put before the hand-written findings)."""
    block = "\n".join(lines) + "\n"
    if SECTION in text and END in text:
        start, end = text.index(SECTION), text.index(END) + len(END) + 1
        return text[:start] + block + text[end:]
    at = text.find(findings.splitlines()[0]) if findings else -1
    if at < 0:
        return text.rstrip("\n") + "\n\n" + block
    return text[:at] + block + "\n" + text[at:]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs", help="folder of benchmarks.md and .csv"
    )
    args = parser.parse_args()
    rows = measure(args.reps)
    csv_path, md_path = args.out / "benchmarks.csv", args.out / "benchmarks.md"
    kept: list[dict] = []
    if csv_path.exists():
        with csv_path.open(newline="") as f:
            kept = [r for r in csv.DictReader(f) if r["section"] != "browser"]
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*kept, *rows])
    findings = (ROOT / "bench" / "FINDINGS.md").read_text()
    text = md_path.read_text() if md_path.exists() else ""
    md_path.write_text(splice(text, section(rows), findings))
    log(f"done: {md_path}")


if __name__ == "__main__":
    main()

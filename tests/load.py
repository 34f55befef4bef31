"""Simulated users: N real Streamlit sessions (AppTest, each in its own process, all at once) browse
pages, change a filter and raise or review flags while a refresh runs in another process.

Used by tests/integration/test_load.py (a few users, in `make test`) and by `make soak`
(`python -m tests.load --users 20`, which prints the figures quoted in docs/reliability.md).

Each user is a separate process because Streamlit's AppTest is not meant to be shared by threads: in
threads we saw an occasional form submission arrive empty. Separate processes are also the harsher
case for the flag store: several writers at once, as in a scaled-out deployment.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
ROLES = [
    "demo-provider-lancashire-women",
    "demo-rpd-north-west",
    "demo-national",
    "demo-provider-nottingham-womens-centre",
    "demo-rpd-wales",
]


def _page(name: str) -> None:
    from dashboard import frame
    from warehouse.settings import load_settings

    frame.run(load_settings(), only=name)


def one_user(job: tuple[int, str, dict, float]) -> dict:
    """One user's session: every interaction timed; exceptions and missing confirmations counted."""
    number, user_id, env, start_at = job
    os.environ.update(env)
    from streamlit.testing.v1 import AppTest

    import dashboard.frame  # noqa: F401 -- imported before the clock starts, as in a running server
    from warehouse.refdata import region_code

    times: list[float] = []
    errors: list[str] = []
    raised = 0

    def timed(action, what: str):
        began = time.perf_counter()
        at = action()
        times.append(time.perf_counter() - began)
        if at.exception:
            errors.append(f"{user_id} {what}: {at.exception[0].message}")
        return at

    def open_page(name: str):
        at = AppTest.from_function(_page, args=(name,), default_timeout=300)
        at.session_state["demo_user"] = user_id
        return at.run()

    time.sleep(max(0.0, start_at - time.time()))  # everyone starts together
    at = timed(lambda: open_page("overview"), "overview")
    # The filter shows regions by name and holds their codes: choose one by its code (not "All ...").
    regions = [c for c in map(region_code, at.selectbox(key="f_region").options) if c]
    if regions:
        timed(lambda: at.selectbox(key="f_region").select(regions[-1]).run(), "filter")
    timed(lambda: open_page("volume"), "volume")
    if "provider" in user_id:
        at = timed(lambda: open_page("flags"), "flags")
        if not at.exception:
            at.text_area[0].input(f"Load test flag from user {number}.")
            at = timed(
                lambda: next(b for b in at.button if b.label == "Raise flag").click().run(), "raise"
            )
            if any("raised" in s.value for s in at.success):
                raised += 1
            elif not at.exception:
                errors.append(f"{user_id} raise: no confirmation: {[e.value for e in at.error]}")
    else:
        timed(lambda: open_page("triage"), "triage")
    return {"user": user_id, "times": times, "errors": errors, "raised": raised}


def run(data_dir: Path, users: int, new_file: Path | None) -> dict:
    """Run `users` sessions at once against data_dir (a refresh of new_file running beside them)."""
    from dashboard.flags.store import FlagStore
    from tests.conftest import make_settings
    from warehouse.connection import Warehouse

    settings = make_settings(data_dir)
    env = {k: v for k, v in settings.to_env().items()} | {"RPD_HASH_KEY": "test-key-not-secret"}
    before = FlagStore.from_settings(settings).counts()["flags"]
    version_before = Warehouse.from_settings(settings).current().number
    refresh = None
    if new_file is not None:
        refresh = subprocess.Popen(
            [sys.executable, "-m", "ingest.cli", "ingest", str(new_file)],
            env=os.environ | env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    start_at = time.time() + 2
    jobs = [(n, ROLES[n % len(ROLES)], env, start_at) for n in range(users)]
    began = time.perf_counter()
    with mp.get_context("spawn").Pool(users) as pool:
        results = pool.map(one_user, jobs)
    wall = time.perf_counter() - began
    refresh_ok = True
    if refresh is not None:
        out, _ = refresh.communicate(timeout=600)
        refresh_ok = refresh.returncode == 0
        if not refresh_ok:
            print(out, file=sys.stderr)
    times = sorted(t for r in results for t in r["times"])
    raised = sum(r["raised"] for r in results)
    stored = FlagStore.from_settings(settings).counts()["flags"] - before
    return {
        "users": users,
        "interactions": len(times),
        "errors": [e for r in results for e in r["errors"]],
        "flags_confirmed": raised,
        "flags_stored": stored,
        "refresh_ok": refresh_ok,
        "version_before": version_before,
        "version_after": Warehouse.from_settings(settings).current().number,
        "median_s": statistics.median(times),
        "p95_s": times[min(len(times) - 1, int(0.95 * len(times)))],
        "max_s": times[-1],
        "wall_s": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    from ingest.demo.landing import write_demo_files
    from ingest.pipeline import refresh
    from tests import builders as b
    from tests.conftest import make_settings

    root = Path(tempfile.mkdtemp(prefix="rpd-load-"))
    try:
        settings = make_settings(root / "data")
        folder = write_demo_files(
            root / "files", today=settings.today_london, referrals_scale=0.25
        )[0].parent
        refresh(settings, [folder])
        new_file = b.write_csv(
            root / "more" / "contracts.csv", "contracts", [b.contract(contract_ref="PRJ_LOAD")]
        )
        found = run(root / "data", args.users, new_file)
        print(json.dumps(found, indent=2))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

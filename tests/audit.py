"""Dependency audit of the locked packages (requirements/dev.txt: the runtime lock's packages and the
tools) with pip-audit, run by `make audit` (and so by `make test` and CI).

- Known vulnerabilities with a fixed version: listed, exit 1 (upgrade and re-lock with `make lock`).
- Known vulnerabilities with no fix yet: listed as a warning, exit 0.
- No vulnerability service reachable (OSV and PyPI's JSON API both fail, as on machines that reach
  only a package mirror): a loud "COULD NOT BE CHECKED" with the reason, exit 0; the audit is not
  passed, it did not run. Set RPD_AUDIT_STRICT=1 (where the network allows it) to exit 2 instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "dev.txt"
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
SERVICES = ("osv", "pypi")


def run(service: str) -> tuple[list[dict] | None, str]:
    """(the audited dependencies, '') or (None, why the service could not be used)."""
    try:
        done = subprocess.run(
            [
                str(PIP_AUDIT),
                "-r",
                str(LOCK),
                "--no-deps",
                "--disable-pip",
                "-s",
                service,
                "-f",
                "json",
                "--progress-spinner",
                "off",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        return None, f"{service}: no answer within 10 minutes"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"{service}: {last[:300]}"
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        reason = next((d["skip_reason"] for d in deps if "skip_reason" in d), "nothing audited")
        return None, f"{service}: none of the {len(deps)} packages could be audited ({reason})"
    return deps, ""


def main() -> int:
    reasons = []
    for service in SERVICES:
        deps, reason = run(service)
        if deps is None:
            reasons.append(reason)
            continue
        skipped = [d["name"] for d in deps if "skip_reason" in d]
        found = [(d, v) for d in deps for v in d.get("vulns", [])]
        fixable = [(d, v) for d, v in found if v.get("fix_versions")]
        print(f"Dependency audit ({service}): {len(deps) - len(skipped)} locked packages checked.")
        if skipped:
            print(f"  Not checked (not found on the service): {', '.join(skipped)}")
        for d, v in found:
            fix = ", ".join(v.get("fix_versions", [])) or "no fixed version yet"
            print(f"  {d['name']} {d['version']}: {v['id']} (fixed in: {fix})")
        if fixable:
            print(
                f"FAILED: {len(fixable)} known vulnerabilit{'y' if len(fixable) == 1 else 'ies'} "
                "with a fix. Raise the version in pyproject.toml and run `make lock`."
            )
            return 1
        print("No known vulnerability with a fix." + (" (See warnings above.)" if found else ""))
        return 0
    banner = "=" * 78
    print(banner)
    print("DEPENDENCY AUDIT COULD NOT BE CHECKED: no vulnerability service was reachable.")
    for reason in reasons:
        print(f"  - {reason}")
    print(
        "This is not a pass. Run `make audit` where https://api.osv.dev or pypi.org is reachable."
    )
    print(banner)
    return 2 if os.environ.get("RPD_AUDIT_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())

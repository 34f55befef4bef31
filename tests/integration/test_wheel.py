"""The wheel works on its own: built from the checkout, installed into a new virtual environment outside
it (the runtime lock, then the wheel), and run from there: `rpd` loads the example files and `rpd status`
lists them, the app's script runs, and `streamlit run` of the installed entry point answers over HTTP.

Nothing is imported from the checkout: every command runs in a temporary folder with the new
environment's own Python. Needs uv (in the development lock) and the package registry for the
build's setuptools and the runtime packages (uv's cache usually has them).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
UV = Path(sys.executable).with_name("uv")
TODAY = "2026-11-21"  # the examples' own date (tests/integration/test_examples.py)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A new virtual environment holding the runtime lock and the freshly built wheel, nothing else."""
    if not UV.exists():
        pytest.skip("uv is not installed in this environment (make setup installs it)")
    work = tmp_path_factory.mktemp("wheel")
    # Only the variables a shell needs: no RPD_ settings, no PYTHONPATH pointing at the checkout.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("RPD_", "PYTHON", "VIRTUAL_ENV"))
    }
    _run([str(UV), "build", "--out-dir", str(work / "dist"), str(ROOT)], work, env)
    wheels = list((work / "dist").glob("rpd_monitor-*.whl"))
    assert len(wheels) == 1, wheels
    venv = work / "venv"
    python = str(venv / "bin" / "python")
    _run([str(UV), "venv", "-q", "--python", sys.executable, str(venv)], work, env)
    lock = ROOT / "requirements" / "runtime.txt"
    _run([str(UV), "pip", "sync", "-q", "--python", python, str(lock)], work, env, timeout=900)
    _run(
        [str(UV), "pip", "install", "-q", "--python", python, "--no-deps", str(wheels[0])],
        work,
        env,
    )
    run_env = env | {
        "RPD_DATA_DIR": str(work / "data"),
        "RPD_TODAY": TODAY,
        "RPD_HASH_KEY": "test-key-not-secret",
    }
    return {"work": work, "venv": venv, "python": python, "env": run_env, "wheel": wheels[0]}


def test_the_packages_come_from_the_installed_wheel(installed):
    """Every package and subpackage imports from the new environment, with the data files read at run
    time (the SQL, the source contracts, the reference data, the app's Streamlit settings)."""
    script = (
        "import importlib, pkgutil, dashboard, ingest, expectations, warehouse\n"
        "from importlib import resources\n"
        "for top in (dashboard, ingest, expectations, warehouse):\n"
        "    print(top.__name__, top.__file__)\n"
        "    for m in pkgutil.walk_packages(top.__path__, top.__name__ + '.'):\n"
        "        if m.name != 'dashboard.flags.migrations.env':  # Alembic runs it, in a migration\n"
        "            importlib.import_module(m.name)\n"
        "for package, name in [('warehouse', 'sql'), ('warehouse', 'schema'),\n"
        "                      ('warehouse', 'refdata'), ('ingest', 'sources')]:\n"
        "    print(package, name, len([f for f in resources.files(package).joinpath(name).iterdir()\n"
        "                              if f.name.endswith(('.sql', '.csv', '.toml'))]))\n"
        "print('config', resources.files('dashboard.server').joinpath('.streamlit', 'config.toml').is_file())\n"
        "print('statement', resources.files('dashboard.pages').joinpath('accessibility.md').is_file())\n"
        "print('migrations', resources.files('dashboard.flags.migrations').joinpath('env.py').is_file())\n"
    )
    done = _run([installed["python"], "-c", script], installed["work"], installed["env"])
    lines = done.stdout.splitlines()
    site = str(installed["venv"])
    for top in ("dashboard", "ingest", "expectations", "warehouse"):
        path = next(line.split()[1] for line in lines if line.startswith(f"{top} "))
        assert path.startswith(site), f"{top} came from {path}, not the new environment"
    counts = {tuple(line.split()[:2]): int(line.split()[2]) for line in lines if line[-1].isdigit()}
    expected = {
        (package, name): len(list((ROOT / package / name).glob(f"*.{suffix}")))
        for package, name, suffix in [
            ("warehouse", "sql", "sql"),
            ("warehouse", "schema", "sql"),
            ("warehouse", "refdata", "csv"),
            ("ingest", "sources", "toml"),
        ]
    }
    assert counts == expected
    assert "config True" in lines
    assert "statement True" in lines
    assert "migrations True" in lines


def test_rpd_loads_the_examples_and_reports_them_from_the_wheel(installed):
    work, env = installed["work"], installed["env"]
    rpd = str(installed["venv"] / "bin" / "rpd")
    assert "What is loaded, from which files, and when." in _run([rpd, "--help"], work, env).stdout
    files = [str(shutil.copy(f, work)) for f in sorted(EXAMPLES.iterdir()) if f.suffix != ".py"]
    files = [f for f in files if not f.endswith(".md")]
    _run([rpd, "ingest", *files], work, env)
    status = _run([rpd, "status"], work, env).stdout
    # 4 contracts in contract_register.xlsx (counted in tests/integration/test_examples.py), one file.
    line = next(line for line in status.splitlines() if line.startswith("core_contract"))
    assert line.split()[1:3] == ["4", "1"]
    assert "contract_register.xlsx" in status


def test_the_installed_app_runs_and_answers_over_http(installed):
    """The installed entry point (dashboard/server/app.py in site-packages) runs its first page under AppTest,
    then `streamlit run` of the installed server beside it serves its health check and front page, and
    stops when asked."""
    work, env, python = installed["work"], installed["env"], installed["python"]
    app = _run(
        [python, "-c", "import dashboard.server.app as a; print(a.__file__)"], work, env
    ).stdout.strip()
    assert app.startswith(str(installed["venv"])), app
    apptest = (
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({app!r}, default_timeout=120).run()\n"
        "assert not at.exception, [e.message for e in at.exception]\n"
        "print('titles', [t.value for t in at.title])\n"
    )
    assert "titles" in _run([python, "-c", apptest], work, env).stdout

    serve = str(Path(app).with_name("serve.py"))  # the server operations run (docs/operations.md)
    port = _free_port()
    streamlit = str(installed["venv"] / "bin" / "streamlit")
    server = subprocess.Popen(
        [streamlit, "run", serve, "--server.port", str(port), "--server.headless", "true"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        health = None
        deadline = time.monotonic() + 120
        while health is None and time.monotonic() < deadline:
            try:
                health = _get(f"{url}/_stcore/health")
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.5)
        assert health == (200, b"ok")
        status, page = _get(url)
        assert status == 200
        assert b'<div id="root">' in page  # Streamlit's own front page, which then loads the app
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if server.stdout:
        server.stdout.close()

"""A throwaway PostgreSQL server for tests: `postgres_server` (one per test session) and
`postgres_url` (a fresh, empty database per test on that server).

The server runs from Debian's `postgresql` package (`.ci/run` and `make db-deps` install it):
`initdb` and `pg_ctl` are looked up on PATH, then in /usr/lib/postgresql/*/bin (where Debian puts
them). It lives in a temporary folder, listens on 127.0.0.1 on a free port (and a unix socket in
the same folder, never /var/run/postgresql), trusts local connections, and runs with fsync off for
speed; it is stopped with `pg_ctl stop -m immediate` and its folder removed at the end.

initdb and postgres refuse to run as root. As root (as in CI), they run as the `postgres` system
user that Debian's package creates (`runuser -u postgres -- ...`), in a folder owned by that user.

Missing PostgreSQL: the tests that need it are skipped, with the reason, only on a developer's
machine. They fail instead when PostgreSQL is required, which is when
- the environment variable CI is set (any value but "" or "0"), or
- the tests run as root: `make test` (through `db-deps`) and `.ci/run` install the package there,
  so its absence means the set-up is broken, not that the machine lacks it by choice.
RPD_TEST_POSTGRES=required or =optional overrides the rule.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "postgres"


def postgres_required() -> bool:
    """True where a missing PostgreSQL must fail the tests rather than skip them (see the docstring)."""
    override = os.environ.get("RPD_TEST_POSTGRES", "").strip().lower()
    if override in ("required", "optional"):
        return override == "required"
    return os.environ.get("CI", "") not in ("", "0") or os.geteuid() == 0


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        folder = Path(os.path.realpath(on_path)).parent
        if (folder / "pg_ctl").exists():
            return folder
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
    )
    for folder in reversed(candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path  # temporary folder: data/, the socket and the log
    port: int
    as_postgres: bool  # running as root: commands run as the postgres system user

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command,
            cwd=self.root,  # postgres may not be allowed into the caller's folder
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
            env=os.environ | {"LC_ALL": "C", "LANG": "C"},
        )

    def sql(self, statement: str) -> None:
        """Run one statement on the maintenance database, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as con:
            con.execute(statement)  # type: ignore[arg-type]

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _missing(reason: str) -> None:
    if postgres_required():
        pytest.fail(
            f"{reason}. PostgreSQL is required here (CI, or running as root where `make db-deps` "
            "installs Debian's postgresql package); set RPD_TEST_POSTGRES=optional to skip instead.",
            pytrace=False,
        )
    pytest.skip(f"{reason}: install Debian's postgresql package to run the PostgreSQL tests")


def _start(bin_dir: Path) -> PostgresServer:
    as_postgres = os.geteuid() == 0
    if as_postgres:
        if shutil.which("runuser") is None:
            _missing("Running as root but runuser is missing")
        try:
            import pwd

            account = pwd.getpwnam("postgres")
        except KeyError:
            _missing("Running as root but there is no 'postgres' system user to run PostgreSQL as")
    # Not pytest's tmp_path: as root that sits under /tmp/pytest-of-root (0700), which postgres
    # cannot enter.
    root = Path(tempfile.mkdtemp(prefix="rpd-postgres-"))
    if as_postgres:
        os.chown(root, account.pw_uid, account.pw_gid)
    server = PostgresServer(bin_dir, root, 0, as_postgres)
    try:
        server.run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        for attempt in range(3):  # a free port may be taken between choosing and binding it
            server.port = _free_port()
            options = " ".join(
                [
                    f"-p {server.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={root}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=200",
                    "-c shared_buffers=32MB",
                ]
            )
            started = server.run(
                "pg_ctl",
                "start",
                "-D",
                str(server.data),
                "-l",
                str(server.log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                check=False,
            )
            if started.returncode == 0:
                return server
            if attempt == 2:
                log = server.log.read_text(errors="replace") if server.log.exists() else ""
                raise RuntimeError(
                    f"pg_ctl start failed:\n{started.stdout}\n{started.stderr}\n{log[-3000:]}"
                )
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole test session (see the module docstring)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _missing("PostgreSQL (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin")
    assert bin_dir is not None
    server = _start(bin_dir)
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.run("pg_ctl", "stop", "-D", str(server.data), "-m", "immediate", check=False)
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_session_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of one database (`rpd`) shared by the whole session."""
    return postgres_server.create_database("rpd")


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database for one test; dropped afterwards."""
    url = postgres_server.create_database()
    yield url
    with contextlib.suppress(Exception):
        postgres_server.drop_database(url)

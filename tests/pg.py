"""A PostgreSQL server for the tests: BIONEWS_PG_URL, or a throwaway local one.

With ``BIONEWS_PG_URL`` set (CI runs ``.ci/postgres.sh`` first) that server is
used. Otherwise ``initdb`` / ``pg_ctl`` found on PATH or under
``/usr/lib/postgresql/*/bin`` start a private server in a temporary directory,
on a free port, as a non-root user (PostgreSQL refuses to run as root), and it
is stopped at the end of the session. Tests skip, saying why, only when neither
works. Each test gets its own database, dropped afterwards.

Use from a test module::

    import pg
    pg_server, pg_url = pg.pg_server, pg.pg_url  # make the fixtures visible
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "BIONEWS_PG_URL"


def find_bin() -> Path | None:
    """The directory holding initdb and pg_ctl, if PostgreSQL is installed."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for d in candidates:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> tuple[Callable[[], None] | None, pwd.struct_passwd | None]:
    if os.geteuid() != 0:
        return None, None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue

        def demote(user: pwd.struct_passwd = user) -> None:
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)

        return demote, user
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run the server")


class LocalServer:
    """initdb + pg_ctl start in a temporary directory; ``stop()`` removes it."""

    def __init__(self) -> None:
        bindir = find_bin()
        if bindir is None:
            raise RuntimeError(
                "no initdb/pg_ctl (apt-get install postgresql, or set BIONEWS_PG_URL)"
            )
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="bionews-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.demote, user = _run_as()
        self.user = user.pw_name if user else pwd.getpwuid(os.geteuid()).pw_name
        if user is not None:
            os.chown(self.root, user.pw_uid, user.pw_gid)
        data = str(self.data)
        self._pg("initdb", "-D", data, "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "log")
        self._pg("pg_ctl", "-D", data, "-o", opts, "-l", log, "-w", "-t", "60", "start")
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _pg(self, program: str, *args: str) -> None:
        proc = subprocess.run(
            [str(self.bindir / program), *args],
            preexec_fn=self.demote,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.root,
        )
        if proc.returncode != 0:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed: {proc.stderr.strip()}\n{tail}")

    def restart(self) -> None:
        """Crash-restart (``-m immediate``), as a server killed mid-run comes back.

        ``-l`` again: pg_ctl does not remember the log file, and a server writing to
        our captured pipe would keep it open, so the call would never return.
        """
        log = str(self.root / "log")
        self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-l", log, "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def _admin(url: str):  # -> psycopg.Connection
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a server where the tests may create databases."""
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    url = os.environ.get(ENV)
    if url:
        try:
            _admin(url).close()
        except Exception as exc:
            if os.environ.get("BIONEWS_REQUIRE_PG"):
                # CI started this server on purpose: an unreachable one is a failure.
                pytest.fail(f"{ENV}={url} cannot be reached: {exc}")
            pytest.skip(f"{ENV} is set but the server cannot be reached: {exc}")
        yield url
        return
    try:
        server = LocalServer()
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server: {ENV} unset and a local one did not start: {exc}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = f"bionews_test_{uuid.uuid4().hex[:12]}"
    with _admin(pg_server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(pg_server, name)
    finally:
        with _admin(pg_server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def admin_connect(url: str):  # -> psycopg.Connection
    """An autocommit psycopg connection (for tests that poke the server directly)."""
    return _admin(url)

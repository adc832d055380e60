"""A real gunicorn (2 sync workers, as in production) serving the test's own database.

The browser tests serve the app from a thread of the test process; races need more:
two worker *processes*, each with its own connection pool, so two requests really run
at once and meet only in the database — the way two app servers meet in production.

The server reads the throw-away database the test process migrated and writes to, and
sees only what is committed: set data up through the services (they commit) or over
HTTP. The root conftest empties the tables after each test; the server holds no open
transaction between requests (every request ends its session), so the wipe does not
wait on it, and the read cache sees the wipe because `wipe` moves the content
generation on.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
_LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
_PR_SET_PDEATHSIG = 1


@dataclass
class LiveGunicorn:
    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # If pytest itself is killed (SIGKILL, a CI timeout), the kernel sends gunicorn's
    # master SIGTERM; its workers notice their master is gone and exit. No orphans.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def live_gunicorn(database_url: str, log: Path, *, workers: int = 2,
                  boot_timeout: float = 60.0,
                  env: dict[str, str] | None = None) -> Iterator[LiveGunicorn]:
    """Run `gunicorn -w <workers> wsgi:app` on a free port against `database_url` until
    the block ends; wait for /healthz first. Always stopped and reaped, whatever
    happens in the block. `env` adds to (or overrides) the server's environment."""
    extra, env = env or {}, {
        **os.environ,
        "DATABASE_URL": database_url,
        "COUNTERCLAIM_ENV": "development",
        "SECRET_KEY": "live-server-tests-secret-key-0123456789abcdef",
        # Users are re-created with the same ids after every wipe, so the per-account
        # write budget (kept in each worker's memory) would carry over from test to test;
        # a 429 is not what these tests are about.
        "API_WRITE_RATE_LIMIT": "100000 per minute",
    }
    env.pop("READ_CACHE_MAX_BYTES", None)  # the production default: cache on
    env.update(extra)
    env.pop("TEST_DATABASE_URL", None)
    command = [
        str(GUNICORN), "--workers", str(workers), "--worker-class", "sync",
        # Port 0: the kernel picks a free port, gunicorn logs which (no race for it).
        "--bind", "127.0.0.1:0",
        # gunicorn 27 opens a control socket at one fixed path by default; other servers
        # on this machine (other test runs) would fight over it.
        "--no-control-socket",
        "--timeout", "60", "--graceful-timeout", "5",
        "wsgi:app",
    ]
    log_file = log.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=_die_with_parent)
    try:
        server = LiveGunicorn(_wait_for_url(process, log, boot_timeout), process, log)
        _wait_healthy(server, boot_timeout)
        yield server
    finally:
        _stop(process)
        log_file.close()


def _wait_for_url(process: subprocess.Popen, log: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if m := _LISTENING.search(log.read_text(errors="replace")):
            return m.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not start (exit {process.poll()}):\n"
                       f"{log.read_text(errors='replace')[-4000:]}")


def _wait_healthy(server: LiveGunicorn, timeout: float) -> None:
    """Both workers boot the app; wait until /healthz answers 200 a few times in a row
    (the kernel hands consecutive connections to whichever worker is free)."""
    deadline = time.monotonic() + timeout
    ok = 0
    while time.monotonic() < deadline and ok < 4:
        if server.process.poll() is not None:
            break
        try:
            status = requests.get(server.url + "/healthz", timeout=10).status_code
        except requests.RequestException:  # not listening yet, or a worker still booting
            status = None
        ok = ok + 1 if status == 200 else 0
        if ok < 4:
            time.sleep(0.05)
    if ok < 4:
        raise RuntimeError(f"gunicorn is not healthy at {server.url}:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group (master and workers), then SIGKILL what is left,
    and reap the master."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    # Workers that outlived their master (they should not) go with the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)

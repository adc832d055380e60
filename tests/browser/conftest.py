"""Browser tests: pytest-playwright driving Debian's Chromium against a live server.

The server is the test app itself (same database as the test), served by werkzeug in
a thread; every request there gets its own app context and database session. A
missing /usr/bin/chromium is a failure, never a skip.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium "
                    "(apt-get install chromium); the browser tests must run.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class LiveServer:
    """The app on a free port, counting requests in flight so tests can wait for quiet."""

    def __init__(self, app):
        self.in_flight = 0
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self._wrap(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _wrap(self, app):
        def counted(environ, start_response):
            with self.lock:
                self.in_flight += 1
            try:
                # Materialise the body so the request is really over when we count down.
                result = app(environ, start_response)
                try:
                    return list(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            finally:
                with self.lock:
                    self.in_flight -= 1

        return counted

    def wait_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.thread.join(5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture(autouse=True)
def _quiet_server_before_wipe(live_server):
    """The root conftest empties the tables after each test: not while the server is
    still answering a request from this test."""
    yield
    live_server.wait_idle()


@pytest.fixture
def page(page):
    """Pages fail the test on any console error (a CSP violation would be one) and on
    any dialog (an injected alert() would open one)."""
    problems: list[str] = []

    def console(message):
        # A form shown again with its errors is a 4xx page; Chromium logs that status.
        if message.type == "error" and not message.text.startswith(
                "Failed to load resource: the server responded with a status of 4"):
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def dialog(d):
        problems.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.set_default_timeout(10_000)
    yield page
    assert not problems, problems


def sign_in(page, account) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(account.user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {account.user.name}").wait_for()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Signed out.").wait_for()

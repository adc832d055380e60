"""Issue 10's acceptance ("One editorial core"): the live gunicorn the race tests run
against, and the figures both kinds of test report at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.extensions import db
from tests.live import LiveGunicorn, live_gunicorn

# Lines for the end-of-run summary: (section, line). Filled by the tests.
FIGURES: list[tuple[str, str]] = []


def database_label() -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(db.engine.dialect.name,
                                                               db.engine.dialect.name)


def report(section: str, line: str) -> None:
    """Keep a figure for the end-of-run summary (printed whether tests pass or fail)."""
    FIGURES.append((section, line))


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("editorial core: figures")
    for section in dict.fromkeys(s for s, _ in FIGURES):
        terminalreporter.write_line(f"{section}:")
        for s, line in FIGURES:
            if s == section:
                terminalreporter.write_line(f"  {line}")


@pytest.fixture(scope="session")
def gunicorn_server(app, database_url, tmp_path_factory) -> Iterator[LiveGunicorn]:
    """gunicorn -w 2 (sync) on the session's throw-away database, migrated by `app`;
    started once, stopped and reaped at the end of the session."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with live_gunicorn(database_url, log) as server:
        yield server

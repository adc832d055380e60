"""Is the database schema the one this code needs?

New app code started before `flask db upgrade` (or a database downgraded under it) would
fail on its first query of a missing column — a 500, or a 503 saying the database is not
reachable although it is. Instead every API call and page answers 503 `schema_outdated`
naming both revisions and the command that fixes it, and `/healthz` reports them.

Cheap: the revision the code needs (the migrations' head) is read once per process; the
database's is read on the first request, then again at most every
`SCHEMA_CHECK_SECONDS` (default 5), on a connection of its own (no query in the
request's session, none on most requests). A database error checks again unless it did
within the last second, so a schema changed under a running app is named, not guessed
at, and a database that is down is not asked twice per request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, request

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
DEFAULT_INTERVAL = 5.0


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # the database's revision; None when it has none (never migrated)
    expected: str  # the migrations' head: what this code needs

    @property
    def ok(self) -> bool:
        return self.current == self.expected

    @property
    def message(self) -> str:
        at = self.current or "no revision (an empty database)"
        if self.current is not None and self.current not in _known_revisions():
            # newer than this code: an upgrade cannot help
            return (f"the database schema is at {at}, the app needs {self.expected}: deploy "
                    f"the app that matches it, or run flask db downgrade {self.expected}")
        return (f"the database schema is at {at}, the app needs {self.expected}: "
                "run flask db upgrade")


_lock = threading.Lock()
_expected: str | None = None
_known: frozenset[str] = frozenset()


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS))


def expected_revision() -> str:
    """The head of migrations/ (read once per process)."""
    global _expected, _known
    if _expected is None:
        script = _script()
        _known = frozenset(rev.revision for rev in script.walk_revisions())
        _expected = script.get_current_head()
    return _expected


def _known_revisions() -> frozenset[str]:
    expected_revision()
    return _known


class SchemaCheck:
    """One per app: the last state read, and when."""

    def __init__(self, app: Flask):
        self.interval = float(app.config.get("SCHEMA_CHECK_SECONDS", DEFAULT_INTERVAL))
        self.connect_args = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get(
            "connect_args", {})
        self.engine: sa.Engine | None = None
        self.state: SchemaState | None = None
        self.checked_at = float("-inf")
        self.reads = 0  # how many times the database's revision was read (tests see it)

    def _engine(self) -> sa.Engine:
        # its own engine without a pool: a read every few seconds needs no kept connection,
        # and the request's session and pool stay untouched (an in-memory SQLite database
        # exists only on the app's own connection)
        if self.engine is None:
            from app.extensions import db

            url = db.engine.url
            if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
                self.engine = db.engine
            else:
                self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                                               connect_args=self.connect_args)
        return self.engine

    def read(self) -> SchemaState:
        """The database's revision now (one query)."""
        self.reads += 1
        with self._engine().connect() as conn:
            try:
                current = conn.execute(sa.text("SELECT version_num FROM alembic_version")
                                       ).scalar()
            except sa.exc.DBAPIError:  # no alembic_version table: never migrated
                current = None
        return SchemaState(current, expected_revision())

    def state_now(self, *, max_age: float | None = None) -> SchemaState | None:
        """The schema state, read again when older than `max_age` seconds (default: the
        interval); None when the database could not be reached (the request meets that
        itself)."""
        max_age = self.interval if max_age is None else max_age
        if time.monotonic() - self.checked_at >= max_age:
            with _lock:
                if time.monotonic() - self.checked_at >= max_age:
                    self.checked_at = time.monotonic()  # a failed read waits its turn too
                    try:
                        self.state = self.read()
                    except sa.exc.DBAPIError:
                        self.state = None
        return self.state


def checker() -> SchemaCheck:
    return current_app.extensions["schema_check"]


def refuse_outdated_schema():
    """before_request: 503 schema_outdated while the schema is not the code's. /healthz
    and static files still answer (they say what is wrong, or need no database)."""
    if request.endpoint in ("health.healthz", "static") or request.endpoint is None:
        return None
    state = checker().state_now()
    if state is None or state.ok:  # unreachable: the request's own error says so
        return None
    from app.errors import error_response

    return error_response(503, "schema_outdated", state.message, headers={"Retry-After": "30"})


def install(app: Flask) -> None:
    """Check the schema before every request (cheaply: see the module docstring)."""
    app.extensions["schema_check"] = SchemaCheck(app)
    app.before_request(refuse_outdated_schema)

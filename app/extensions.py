"""Extension objects: module globals, bound to the app in `create_app`."""

from __future__ import annotations

import sqlite3
from functools import partial, wraps

from flask import Flask, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic can alter and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
api = Api()  # flask-smorest: OpenAPI document + validation; blueprints in app/api/
login_manager = LoginManager()  # web sign-in (app/web/)
csrf = CSRFProtect()  # forms; the bearer-token API blueprints are exempted
limiter = Limiter(key_func=get_remote_address)


READS = frozenset(("GET", "HEAD", "OPTIONS"))


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Every limit is on a write (sign-in attempts, API writes): reads are exempt."""
    return request.method in READS


def limit_writes_only(app: Flask) -> None:
    """Run Flask-Limiter's per-request hooks (before, after and teardown of every request)
    for writes only. No limit applies to a read (`_reads_are_not_limited`; there are no
    default or application-wide limits), so on a read they only found that out again and
    kept a per-request context for it. Called by the app factory after `limiter.init_app`;
    fails at start-up if Flask-Limiter ever registers its hooks differently."""
    if limiter not in app.extensions.get("limiter", ()):
        return  # RATELIMIT_ENABLED off: the limiter installed no hooks
    before = limiter._check_request_limit
    teardown = limiter._Limiter__release_context

    def is_after(hook) -> bool:
        return isinstance(hook, partial) and hook.args == (limiter,)

    def on_writes(hook, *, returns_first: bool):
        @wraps(hook)
        def run(*args):
            if request.method in READS:
                return args[0] if returns_first else None
            return hook(*args)

        return run

    hooks = ((app.before_request_funcs, lambda h: h == before, False),
             (app.after_request_funcs, is_after, True),
             (app.teardown_request_funcs, lambda h: h == teardown, False))
    for registry, matches, returns_first in hooks:
        funcs = registry.get(None, [])
        found = [i for i, hook in enumerate(funcs) if matches(hook)]
        if len(found) != 1:
            raise RuntimeError("Flask-Limiter's request hooks are not where expected")
        funcs[found[0]] = on_writes(funcs[found[0]], returns_first=returns_first)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without making a signing serializer for a request
    that sent no session cookie (most reads): its session starts empty either way; and a
    session left empty and unchanged is saved as Flask saves it (no cookie; `Vary: Cookie`
    if it was looked at) without first reading the cookie's settings."""

    def open_session(self, app: Flask, req) -> SecureCookieSession | None:
        if app.secret_key and not req.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, req)

    def save_session(self, app: Flask, session, response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


# Execution option of a connection whose transaction will write: on SQLite it begins with
# BEGIN IMMEDIATE, taking the one writer's lock before it reads anything, so what a
# write checks is still true when it commits (app/services/uow.py).
WRITER = "counterclaim_writer"


def install_sqlite_transactions() -> None:
    """On every SQLite engine: foreign keys enforced; WAL, so readers never block the
    writer; and a connection marked WRITER begins its transaction with BEGIN IMMEDIATE,
    taking the writer's lock before it reads anything. (Other connections keep the
    driver's own behaviour: reads see the latest commit statement by statement, as on
    PostgreSQL's READ COMMITTED.) Called by the app factory; once."""
    if not event.contains(Engine, "connect", _sqlite_connect):
        event.listen(Engine, "connect", _sqlite_connect)
        event.listen(Engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _sqlite_begin(connection) -> None:
    # pysqlite begins a transaction only before an INSERT/UPDATE/DELETE, so the reads a
    # write depends on would run outside it: a writer begins explicitly, and first.
    if connection.dialect.name == "sqlite" and connection.get_execution_options().get(WRITER):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

"""A shared cache of public reads in each app process, invalidated by every change.

What it keeps: answers to GET requests that carry no credentials (no Authorization,
no Cookie) which the app itself marked `Cache-Control: public` — the API's anonymous
reads, the Atom feed: exactly what a CDN in front of the app could keep. Drafts,
staff views and pages with a session are never public, so never cached.

When a kept answer is still current: `content_generation.value` (one row) moves on
inside every transaction that writes anything, before it commits. Each request reads
it first (a primary-key read of one row); an answer counts only if it was made at the
value read now. So a change shows on the very next request, in every worker and on
every app server sharing the database — there is no time-based expiry to wait out.
(On PostgreSQL the UPDATE's row lock orders the generations as the commits; the value
is read before the answer is made, so an answer is never older than its generation.)

Conditional requests: an `If-None-Match` that matches the kept answer's ETag gets a
304 straight from here; the view never runs. The ETag is the app's own (the API's
`"<version>-<digest>"`), so validators do not change meaning.

Each worker keeps at most READ_CACHE_MAX_BYTES of answers (least recently used out
first); 0 turns the cache off.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import ResponseCacheControl
from werkzeug.http import parse_cache_control_header, parse_etags, unquote_etag

GENERATION_SQL = "SELECT value FROM content_generation WHERE id = 1"
BUMP_SQL = "UPDATE content_generation SET value = value + 1 WHERE id = 1"
_DIRTY = "content_generation_dirty"

# Headers a 304 does not repeat (RFC 9110 15.4.5: it describes the 200 it stands for).
_NOT_IN_304 = {"content-length", "content-type", "content-encoding", "content-language",
               "content-range", "last-modified"}


# -- writers move the generation on ----------------------------------------------------
#
# A write is any INSERT/UPDATE/DELETE the app's engine sends: the ORM's flushes, Core
# statements, and driver-level executemany (the NDJSON import) alike. The engine marks
# the connection that sent one; the session moves the generation on, in the same
# transaction, after a flush and before it commits. Writers that bypass the session
# (test fixtures wiping tables) call bump() themselves.

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|COPY|WITH)\b", re.I)
_WROTE = "content_generation_wrote"


def _mark(conn, cursor, statement, parameters, context, executemany) -> None:
    if statement != BUMP_SQL and _WRITE.match(statement):
        conn.info[_WROTE] = True


def _forget(conn, *args) -> None:
    conn.info.pop(_WROTE, None)


def _forget_pooled(dbapi_connection, record, *args) -> None:
    record.info.pop(_WROTE, None)


def track_writes(engine: sa.Engine) -> None:
    """Mark connections of `engine` that wrote in their current transaction."""
    if not event.contains(engine, "before_cursor_execute", _mark):
        event.listen(engine, "before_cursor_execute", _mark)
        event.listen(engine, "commit", _forget)
        event.listen(engine, "rollback", _forget)
        event.listen(engine.pool, "checkin", _forget_pooled)


def _bump_if_written(session: Session) -> None:
    for conn in _session_connections(session):
        if conn.info.pop(_WROTE, False):
            conn.exec_driver_sql(BUMP_SQL)


def _session_connections(session: Session) -> frozenset[sa.Connection]:
    transaction = session.get_transaction()  # the root transaction: all its connections
    return frozenset() if transaction is None else transaction.connections


def _flushed(session: Session, flush_context) -> None:
    _bump_if_written(session)


def _committing(session: Session) -> None:
    _bump_if_written(session)  # Core or driver-level writes made without a flush


def install_generation(session_class: type[Session] = Session) -> None:
    """Move the content generation on in every transaction of `session_class` that
    wrote. Once; after the other session hooks, whose writes it must follow."""
    for name, listener in (("after_flush", _flushed), ("before_commit", _committing)):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)


def bump(connection: sa.Connection) -> None:
    """For writers outside the session (bulk tools, test fixtures)."""
    connection.exec_driver_sql(BUMP_SQL)


# -- readers ----------------------------------------------------------------------------


class Generation:
    """Reads the current generation over a connection of its own (one per worker
    process and thread, autocommit): one round trip, no pool checkout, no BEGIN."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.local = threading.local()

    def _connect(self):
        """A DB-API connection made by the engine (so its connect hooks run), then
        taken out of the pool: ours for good, never reset or recycled by it."""
        pooled = self.engine.raw_connection()
        conn = pooled.dbapi_connection
        pooled.detach()
        conn.rollback()  # end what a pre-ping began, so autocommit can be set
        if self.engine.dialect.name == "postgresql":
            conn.autocommit = True
        return conn

    def read(self) -> int | None:
        """The value now, or None when it cannot be read (then nothing is cached)."""
        local = self.local
        if getattr(local, "pid", None) != os.getpid():  # a forked worker: not its parent's
            local.conn, local.pid = None, os.getpid()
        for attempt in (1, 2):
            try:
                if local.conn is None:
                    local.conn = self._connect()
                cursor = local.conn.cursor()
                try:
                    cursor.execute(GENERATION_SQL)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
                return None if row is None else int(row[0])
            except Exception:  # a dropped connection: one reconnect, then give up
                conn, local.conn = local.conn, None
                if conn is not None:
                    with contextlib.suppress(Exception):  # it is gone either way
                        conn.close()
                if attempt == 2:
                    return None
        return None


@dataclass
class Entry:
    generation: int
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    vary: tuple[tuple[str, str | None], ...]  # (WSGI environ key, value) it was made for

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class PublicReadCache:
    """WSGI middleware around the Flask app (see the module's docstring)."""

    def __init__(self, app: Callable, generation: Generation, max_bytes: int) -> None:
        self.app = app
        self.generation = generation
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ
                or "HTTP_COOKIE" in environ):
            return self.app(environ, start_response)
        generation = self.generation.read()
        if generation is None:
            return self.app(environ, start_response)
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"),
               environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
               environ.get("QUERY_STRING", ""))
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
        if (entry is None or entry.generation != generation
                or any(environ.get(k) != v for k, v in entry.vary)):
            entry = self._render(environ, key, generation)
        return self._answer(entry, environ, start_response)

    def _render(self, environ: dict, key: tuple, generation: int) -> Entry:
        """Run the app for the full answer; keep it if it is public. The client's
        If-None-Match is judged afterwards, against whatever the app answered."""
        inner = {k: v for k, v in environ.items() if k != "HTTP_IF_NONE_MATCH"}
        captured: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return captured.setdefault("written", []).append

        result = self.app(inner, capture)
        try:
            chunks = list(result)
            body = b"".join([*captured.get("written", []), *chunks])
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = list(captured["headers"])
        entry = Entry(generation, captured["status"], headers, body,
                      _header(headers, "ETag"), ())
        if self._cacheable(entry):
            names = [n.strip() for v in _headers(headers, "Vary") for n in v.split(",")]
            if "*" not in names:
                entry.vary = tuple((_environ_key(n), environ.get(_environ_key(n)))
                                   for n in names if n)
                self._store(key, entry)
        return entry

    @staticmethod
    def _cacheable(entry: Entry) -> bool:
        if not entry.status.startswith("200"):
            return False
        if _header(entry.headers, "Set-Cookie") is not None:
            return False
        cc = parse_cache_control_header(_header(entry.headers, "Cache-Control") or "",
                                        cls=ResponseCacheControl)
        return bool(cc.public) and not cc.private and not cc.no_store and not cc.no_cache

    def _store(self, key: tuple, entry: Entry) -> None:
        size = entry.size
        if size > self.max_bytes // 8:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.entries[key] = entry
            self.bytes += size
            while self.bytes > self.max_bytes and self.entries:
                _, evicted = self.entries.popitem(last=False)
                self.bytes -= evicted.size

    @staticmethod
    def _answer(entry: Entry, environ: dict, start_response: Callable):
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if (if_none_match and entry.etag and entry.status.startswith("200")
                and parse_etags(if_none_match).contains_weak(unquote_etag(entry.etag)[0])):
            headers = [(k, v) for k, v in entry.headers if k.lower() not in _NOT_IN_304]
            start_response("304 Not Modified", headers)
            return []
        start_response(entry.status, entry.headers)
        return [entry.body]


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers if k.lower() == lower), None)


def _headers(headers: list[tuple[str, str]], name: str) -> list[str]:
    lower = name.lower()
    return [v for k, v in headers if k.lower() == lower]


def _environ_key(header: str) -> str:
    name = header.upper().replace("-", "_")
    return name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"


def install_read_cache(app: Flask) -> None:
    """Wrap the app in the cache when READ_CACHE_MAX_BYTES > 0 and the database is one
    that several connections share (not an in-memory SQLite)."""
    from app.extensions import db

    max_bytes = int(app.config.get("READ_CACHE_MAX_BYTES", 0))
    with app.app_context():
        engine = db.engine
    # Even a process that keeps no cache (a CLI import) must tell the others it wrote.
    track_writes(engine)
    if max_bytes <= 0 or engine.url.get_backend_name() == "sqlite" and engine.url.database in (
            None, "", ":memory:"):
        return
    app.wsgi_app = PublicReadCache(app.wsgi_app, Generation(engine), max_bytes)

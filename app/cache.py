"""A shared cache of public reads in each app process, invalidated by what changes.

What it keeps: answers to GET requests that carry no credentials (no Authorization,
no Cookie) which the app itself marked `Cache-Control: public` — the API's anonymous
reads, the Atom feed, pages read anonymously: exactly what a CDN in front of the app could
keep. Drafts, staff views and pages with a session are never public, so never cached.

When a kept answer is still current: it is labelled with the keys of what it shows
(app/cache_keys.py: the records, or the tables, it read) and the generation of the `any`
key when it was made; every writing transaction moves the keys of what it wrote on to a
new generation before it commits. Each request reads, in one statement on a connection
of its own, the `any` generation and the newest generation of the kept answer's keys: the
answer counts only while none of them is newer than it. So a change shows on the very
next request, in every worker and on every app server sharing the database, and only
the answers that show it are made again. (Generations are read before an answer is made,
so an answer is never older than its label; on PostgreSQL the `any` row's lock orders
the generations as the commits.) A write to a table the app cannot name moves
`content_generation` on, which makes every kept answer stale.

Conditional requests: an `If-None-Match` that matches the kept answer's ETag gets a
304 straight from here; the view never runs. The ETag is the app's own (the API's
`"<version>-<digest>"`), so validators do not change meaning.

Each worker keeps at most READ_CACHE_MAX_BYTES of answers (least recently used out
first); 0 turns the cache off (answers are still labelled for a CDN).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.datastructures import ResponseCacheControl
from werkzeug.http import parse_cache_control_header, parse_etags, unquote_etag

from app import cache_keys
from app.cache_keys import ALL_GENERATION_SQL

BUMP_SQL = ALL_GENERATION_SQL

# Headers a 304 does not repeat (RFC 9110 15.4.5: it describes the 200 it stands for).
_NOT_IN_304 = {"content-length", "content-type", "content-encoding", "content-language",
               "content-range", "last-modified"}


def track_writes(engine: sa.Engine) -> None:
    """Note what the statements of `engine` write (and, inside a public read, read)."""
    cache_keys.track_statements(engine)


def install_generation(session_class: type[Session] = Session) -> None:
    """Move the keys of what each transaction of `session_class` wrote on before it
    commits (app/cache_keys.py). Once; after the other session hooks, whose writes it
    must follow."""
    cache_keys.install(session_class)


def bump(connection: sa.Connection) -> None:
    """Everything is stale: for writers outside the session (bulk tools, test fixtures)."""
    connection.exec_driver_sql(BUMP_SQL)


# -- readers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    everything: int  # content_generation.value: moved on by writes to unknown tables
    current: int     # the `any` key's generation now
    newest: int      # the newest generation of the keys asked about (0: none written)


class Generation:
    """Reads the generations over a connection of its own (one per worker process and
    thread, autocommit): one round trip, no pool checkout, no BEGIN."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.local = threading.local()
        self.placeholder = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self.statements: dict[int, str] = {}

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

    def _sql(self, count: int) -> str:
        sql = self.statements.get(count)
        if sql is None:
            newest = "NULL" if not count else (
                "(SELECT max(generation) FROM cache_keys WHERE key IN ("
                + ", ".join([self.placeholder] * count) + "))")
            sql = ("SELECT g.value, (SELECT generation FROM cache_keys WHERE key = 'any'), "
                   f"{newest} FROM content_generation g WHERE g.id = 1")
            if len(self.statements) < 1000:
                self.statements[count] = sql
        return sql

    def read(self, keys: tuple[str, ...] = ()) -> State | None:
        """The generations now — one statement, so one consistent snapshot — or None
        when they cannot be read (then nothing is cached)."""
        local = self.local
        if getattr(local, "pid", None) != os.getpid():  # a forked worker: not its parent's
            local.conn, local.pid = None, os.getpid()
        for attempt in (1, 2):
            try:
                if local.conn is None:
                    local.conn = self._connect()
                cursor = local.conn.cursor()
                try:
                    cursor.execute(self._sql(len(keys)), keys)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
                if row is None or row[1] is None:
                    return None
                return State(int(row[0]), int(row[1]), int(row[2] or 0))
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
    everything: int  # State.everything when it was made
    made_at: int     # State.current when it was made: current while no key is newer
    keys: tuple[str, ...]
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    vary: tuple[tuple[str, str | None], ...]  # (WSGI environ key, value) it was made for

    @property
    def size(self) -> int:
        return (len(self.body) + sum(len(k) + len(v) for k, v in self.headers)
                + sum(len(k) + 50 for k in self.keys) + 200)

    def current(self, state: State) -> bool:
        return state.everything == self.everything and state.newest <= self.made_at


class PublicReadCache:
    """WSGI middleware around the Flask app (see the module's docstring). With
    `max_bytes` 0 it keeps nothing and only labels public answers with their keys."""

    def __init__(self, app: Callable, generation: Generation | None, max_bytes: int) -> None:
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
        if self.generation is None or self.max_bytes <= 0:
            return self._answer(self._render(environ, None, None), environ, start_response)
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"),
               environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
               environ.get("QUERY_STRING", ""))
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
        # Read before the answer is made: an answer is never older than what it is
        # labelled with, so the next request after a commit sees that commit.
        state = self.generation.read(entry.keys if entry is not None else ())
        if state is None:
            return self.app(environ, start_response)
        if (entry is None or not entry.current(state)
                or any(environ.get(k) != v for k, v in entry.vary)):
            entry = self._render(environ, key, state)
        return self._answer(entry, environ, start_response)

    def _render(self, environ: dict, key: tuple | None, state: State | None) -> Entry:
        """Run the app for the full answer, noting what it read; label it with its keys
        and keep it if it is public. The client's If-None-Match is judged afterwards,
        against whatever the app answered."""
        inner = environ
        if "HTTP_IF_NONE_MATCH" in environ:
            inner = {k: v for k, v in environ.items() if k != "HTTP_IF_NONE_MATCH"}
        captured: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return captured.setdefault("written", []).append

        with cache_keys.reading() as reads:
            result = self.app(inner, capture)
            try:
                chunks = list(result)
                body = b"".join([*captured.get("written", []), *chunks])
            finally:
                if hasattr(result, "close"):
                    result.close()
        headers = list(captured["headers"])
        entry = Entry(state.everything if state else 0, state.current if state else 0,
                      (), captured["status"], headers, body, _header(headers, "ETag"), ())
        if self._cacheable(entry):
            entry.keys = tuple(reads.keys())
            surrogate, tags = cache_keys.header_values(entry.keys)
            headers += [("Surrogate-Key", surrogate), ("Cache-Tag", tags)]
            if key is None:  # kept nowhere: labelled only
                return entry
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
        return _public(_header(entry.headers, "Cache-Control") or "")

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


@functools.lru_cache(maxsize=256)  # the app sends a handful of Cache-Control values
def _public(cache_control: str) -> bool:
    """Whether a Cache-Control value lets a shared cache keep the answer."""
    cc = parse_cache_control_header(cache_control, cls=ResponseCacheControl)
    return bool(cc.public) and not cc.private and not cc.no_store and not cc.no_cache


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
    that several connections share (not an in-memory SQLite); otherwise in the labelling
    alone (Surrogate-Key / Cache-Tag for a CDN)."""
    from app.extensions import db

    max_bytes = int(app.config.get("READ_CACHE_MAX_BYTES", 0))
    with app.app_context():
        engine = db.engine
    # Even a process that keeps no cache (a CLI import) must tell the others it wrote.
    track_writes(engine)
    shared = not (engine.url.get_backend_name() == "sqlite"
                  and engine.url.database in (None, "", ":memory:"))
    generation = Generation(engine) if max_bytes > 0 and shared else None
    app.wsgi_app = PublicReadCache(app.wsgi_app, generation, max_bytes)

    @app.before_request
    def _read_from_the_database() -> None:
        # A public read depends on the tables its statements read. A record already in
        # the session (a request inside an app context that loaded it earlier, as a
        # script or a test does) would be shown without a statement, and the answer
        # would not depend on it: expired, it is read again, and noted. (No session yet,
        # as in a served request: nothing to expire, and none is made.)
        if cache_keys.is_reading() and db.session.registry.has():
            db.session.expire_all()

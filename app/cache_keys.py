"""Dependency keys: a write makes stale only the cached answers that show what it changed.

Keys name what an answer shows:

- a record: `verdict:12`, `claim:3`, `dispute:7`, `event:2`, `source:5`, `document:9`
  (and `quote:N`, `link:N`, `user:N`, `verdict_version:N`...: `<model in snake case>:<id>`);
- a table, as a list: `verdicts`, `disputes`, ... (any write to one of its rows);
- `<table>!`: a write to that table whose rows are not known (a Core UPDATE, an import):
  answers that name the table's records one by one depend on it too;
- `any`: every write; `all`: everything is stale (a writer whose tables are not known).

**Writers.** Every ORM flush names the rows it wrote (inserted, changed or deleted): each
row's own key, the keys of the records its foreign keys point to — old and new values — so
a new quote changes `claim:N` and a moved claim both disputes, and its table's key.
Statements outside a flush (Core, driver-level, the import) are named by the table they
write. Just before the transaction commits, the `cache_keys` row `any` moves on by one
(its row lock orders writers as their commits on PostgreSQL; SQLite has one writer) and
every key the transaction touched is set to that value; a write to an unknown table
moves `content_generation` on instead (app/cache.py), as every write did before.

**Readers.** While a public read is made, the tables its statements read are noted
(`reading()`); a view that knows the records it shows declares them with `shows(keys,
covers=tables)`, and then depends on those keys — plus `<table>!` — instead of on
every write to those tables. An answer made when `any` was G stays current while none of
its keys is past G (app/cache.py checks that in one query per request).

**Outside the app.** The same keys go out in `Surrogate-Key` (space-separated: Fastly,
Varnish xkey) and `Cache-Tag` (comma-separated: Cloudflare) headers, `all` in every
answer. After each commit the keys it touched are sent to CACHE_PURGE_URL (a JSON POST
`{"keys": [...]}`) and/or handed to CACHE_PURGE_HOOK (`"package.module:function"`, called
with the list): a CDN or a Varnish in front drops exactly those answers.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import re
import urllib.request
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ANY = "any"
ALL = "all"
ALL_GENERATION_SQL = "UPDATE content_generation SET value = value + 1 WHERE id = 1"
# Tables whose rows get their own keys: what answers name. (Others only as tables: a
# revision or a token's last use is nobody's record to show one by one.)
KEYED_TABLES = {"events", "disputes", "claims", "sources", "documents", "verdicts",
                "verdict_versions", "quotes", "links", "users", "document_versions"}
# Bookkeeping of this module and app/cache.py: writing it is not a change of content.
OWN_TABLES = {"cache_keys", "content_generation"}

_KEYS = "cache_keys_touched"        # conn.info: keys this transaction touched
_EVERYTHING = "cache_keys_all"      # conn.info: it wrote a table not known by name
_IN_FLUSH = "cache_keys_in_flush"   # conn.info: an ORM flush is running
_PURGE = "cache_keys_purge"         # session.info: keys to send once it has committed
# A statement that names its own rows through touched(): execution option.
ATTRIBUTED = "cache_keys_attributed"

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|COPY|WITH)\b", re.I)
_WRITTEN = re.compile(
    r"\s*(?:UPDATE(?:\s+OR\s+\w+)?|INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM"
    r"|COPY)\s+\"?(\w+)\"?", re.I)
_TRUNCATE = re.compile(r"\s*TRUNCATE\s+(?:TABLE\s+)?(.*?)(?:\s+RESTART|\s+CASCADE|$)", re.I | re.S)
_WORD = re.compile(r"\w+")
_DML = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.I)


# -- naming ------------------------------------------------------------------------------

class _Names:
    """Table names, each keyed table's record prefix and, per mapper, its foreign keys
    to keyed tables (attribute, target table): worked out once."""

    def __init__(self) -> None:
        self.tables: frozenset[str] | None = None
        self.prefixes: dict[str, str] = {}
        self.foreign: dict[sa.orm.Mapper, tuple[tuple[str, str], ...]] = {}
        self.statements: dict[str, frozenset[str]] = {}

    def load(self) -> None:
        from app.extensions import db

        for mapper in db.Model.registry.mappers:
            table = mapper.local_table
            name = re.sub(r"(?<!^)(?=[A-Z])", "_", mapper.class_.__name__).lower()
            self.prefixes.setdefault(table.name, name)
        self.tables = frozenset(db.metadata.tables)

    def prefix(self, table: str) -> str:
        if self.tables is None:
            self.load()
        return self.prefixes.get(table, table)

    def foreign_keys(self, mapper: sa.orm.Mapper) -> tuple[tuple[str, str], ...]:
        found = self.foreign.get(mapper)
        if found is None:
            pairs = []
            for column in mapper.local_table.columns:
                for fk in column.foreign_keys:
                    if fk.column.table.name in KEYED_TABLES:
                        prop = mapper.get_property_by_column(column)
                        pairs.append((prop.key, fk.column.table.name))
            found = self.foreign[mapper] = tuple(pairs)
        return found

    def tables_in(self, sql: str) -> frozenset[str]:
        """The known tables a statement names (full-text tables as their own)."""
        found = self.statements.get(sql)
        if found is None:
            if self.tables is None:
                self.load()
            words = {w.lower().removesuffix("_fts") for w in _WORD.findall(sql)}
            found = frozenset(words & self.tables)
            if len(self.statements) > 5000:  # statements are few; a bound all the same
                self.statements.clear()
            self.statements[sql] = found
        return found


NAMES = _Names()


def record_key(table: str, record_id: object) -> str:
    """`verdict:12` for row 12 of `verdicts`."""
    return f"{NAMES.prefix(table)}:{record_id}"


def keys_of(table: str, ids: Iterable[object]) -> set[str]:
    return {record_key(table, i) for i in ids if i is not None}


# -- readers ---------------------------------------------------------------------------

@dataclass
class Reads:
    """What one answer was made from."""

    tables: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)
    covered: set[str] = field(default_factory=set)

    def keys(self) -> list[str]:
        keys = set(self.declared)
        keys.update(self.tables - self.covered)
        keys.update(f"{t}!" for t in self.covered)
        keys.discard(ALL)
        return sorted(keys)


_READS: ContextVar[Reads | None] = ContextVar("cache_keys_reads", default=None)


@contextlib.contextmanager
def reading() -> Iterator[Reads]:
    """Note what the statements run inside read (app/cache.py, around a public read)."""
    reads = Reads()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


def is_reading() -> bool:
    """Whether a public read is being noted (inside `reading()`)."""
    return _READS.get() is not None


def shows(keys: Iterable[str], *, covers: Iterable[str]) -> None:
    """Declare that the answer being made shows exactly the records `keys` of the tables
    `covers` (which then stop being dependencies as whole tables). A no-op outside
    `reading()`."""
    reads = _READS.get()
    if reads is not None:
        reads.declared.update(keys)
        reads.covered.update(covers)


def depends_on_tables(tables: Iterable[str]) -> None:
    """Note that the answer being made depends on `tables` as wholes, as if its
    statements had read them (a read model keeping the keys of the one it replaced). A
    no-op outside `reading()`."""
    reads = _READS.get()
    if reads is not None:
        reads.tables.update(tables)


def header_values(keys: Iterable[str]) -> tuple[str, str]:
    """(Surrogate-Key, Cache-Tag) for an answer that depends on `keys`."""
    every = [ALL, *keys]
    return " ".join(every), ",".join(every)


# -- writers -------------------------------------------------------------------------------

def _is_write(statement: str) -> bool:
    m = _WRITE.match(statement)
    if m is None:
        return False
    # a CTE that only reads (WITH RECURSIVE ... SELECT) is a read
    return m.group(1).upper() != "WITH" or _DML.search(statement) is not None


def _statement(conn, cursor, statement, parameters, context, executemany) -> None:
    reads = _READS.get()
    if not _is_write(statement):
        if reads is not None:
            reads.tables.update(NAMES.tables_in(statement))
        return
    written = _written_tables(statement)
    if written is not None and written <= OWN_TABLES:
        return
    info = conn.info
    if written is None:
        info[_EVERYTHING] = True
        return
    keys = info.setdefault(_KEYS, set())
    keys.update(written)
    attributed = info.get(_IN_FLUSH) or (
        context is not None and context.execution_options.get(ATTRIBUTED))
    if not attributed:
        keys.update(f"{t}!" for t in written)


def _written_tables(statement: str) -> frozenset[str] | None:
    """The tables a writing statement writes; None when they cannot be told."""
    if NAMES.tables is None:
        NAMES.load()
    if m := _WRITTEN.match(statement):
        name = m.group(1).lower().removesuffix("_fts")
        return frozenset({name}) if name in NAMES.tables or name in OWN_TABLES else None
    if m := _TRUNCATE.match(statement):
        names = {w.strip('" ').lower() for w in m.group(1).split(",")}
        return frozenset(names) if names <= NAMES.tables else None
    return None


def wrote(conn: sa.Connection, tables: Iterable[str]) -> None:
    """For writes that bypass SQLAlchemy's statement events (psycopg's COPY): `tables`
    were written, which rows is not known."""
    keys = conn.info.setdefault(_KEYS, set())
    for table in tables:
        keys.update((table, f"{table}!"))


def _forget(conn, *args) -> None:
    conn.info.pop(_KEYS, None)
    conn.info.pop(_EVERYTHING, None)
    conn.info.pop(_IN_FLUSH, None)


def _forget_pooled(dbapi_connection, record, *args) -> None:
    for name in (_KEYS, _EVERYTHING, _IN_FLUSH):
        record.info.pop(name, None)


def track_statements(engine: sa.Engine) -> None:
    """Note what the statements of `engine` read (inside `reading()`) and write. Once."""
    if not event.contains(engine, "before_cursor_execute", _statement):
        event.listen(engine, "before_cursor_execute", _statement)
        event.listen(engine, "commit", _forget)
        event.listen(engine, "rollback", _forget)
        event.listen(engine.pool, "checkin", _forget_pooled)


def _connections(session: Session) -> frozenset[sa.Connection]:
    transaction = session.get_transaction()  # the root transaction: all its connections
    return frozenset() if transaction is None else transaction.connections


def touched(session: Session, keys: Iterable[str]) -> None:
    """For writers that name their own rows (a Core UPDATE ... RETURNING id, run with
    the execution option ATTRIBUTED)."""
    for conn in _connections(session):
        conn.info.setdefault(_KEYS, set()).update(keys)


def pending(session: Session, key: str) -> bool:
    """Whether the session's transaction has written `key` (flushed, not yet committed):
    what it reads of that table is not what others read."""
    return any(key in conn.info.get(_KEYS, ()) for conn in _connections(session))


def _before_flush(session: Session, flush_context, instances) -> None:
    session.connection().info[_IN_FLUSH] = True


def _after_flush(session: Session, flush_context) -> None:
    keys: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        state = inspect(obj)
        if obj in session.dirty and not session.is_modified(obj):
            continue
        table = state.mapper.local_table.name
        if table in OWN_TABLES:
            continue
        if table in KEYED_TABLES and state.identity:
            keys.add(record_key(table, state.identity[0]))
        for attr, target in NAMES.foreign_keys(state.mapper):
            history = state.attrs[attr].history
            if attr not in state.dict and not history.deleted:
                keys.add(f"{table}!")  # not loaded: which record it belongs to is unknown
                continue
            for value in (*history.added, *history.unchanged, *history.deleted):
                if value is not None:
                    keys.add(record_key(target, value))
    for conn in _connections(session):
        conn.info.setdefault(_KEYS, set()).update(keys)


def _after_flush_postexec(session: Session, flush_context) -> None:
    for conn in _connections(session):
        conn.info.pop(_IN_FLUSH, None)


def _before_commit(session: Session) -> None:
    """Last of the before_commit hooks: flush what is left, then move the keys on."""
    session.flush()
    purge: set[str] = set()
    for conn in _connections(session):
        info = conn.info
        if info.pop(_EVERYTHING, False):
            conn.exec_driver_sql(ALL_GENERATION_SQL)
            purge.add(ALL)
        keys = info.pop(_KEYS, None)
        if keys:
            bump(conn, keys)
            purge.update(keys)
            purge.add(ANY)
    if purge:
        session.info[_PURGE] = purge


def bump(conn: sa.Connection, keys: Iterable[str]) -> int:
    """Move `any` on, and set every key in `keys` to its new value, in `conn`'s
    transaction. Returns the new value."""
    generation = conn.execute(sa.text(
        "UPDATE cache_keys SET generation = generation + 1 WHERE key = 'any' "
        "RETURNING generation")).scalar_one()
    names = sorted(set(keys) - {ANY})
    for start in range(0, len(names), 500):
        chunk = names[start:start + 500]
        values = ", ".join(f"(:k{i}, :g)" for i in range(len(chunk)))
        params = {f"k{i}": name for i, name in enumerate(chunk)}
        conn.execute(sa.text(
            f"INSERT INTO cache_keys (key, generation) VALUES {values} "
            "ON CONFLICT (key) DO UPDATE SET generation = excluded.generation"),
            {**params, "g": generation})
    return generation


def _after_commit(session: Session) -> None:
    keys = session.info.pop(_PURGE, None)
    if keys:
        purge(sorted(keys))


def _after_rollback(session: Session) -> None:
    session.info.pop(_PURGE, None)


def install(session_class: type[Session] = Session) -> None:
    """Name the rows each transaction of `session_class` writes, and move their keys on
    before it commits. Once; after the other session hooks, whose writes it must see."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_flush_postexec", _after_flush_postexec),
                           ("before_commit", _before_commit),
                           ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)


# -- telling a CDN -----------------------------------------------------------------------

def purge(keys: list[str]) -> None:
    """Send `keys` to CACHE_PURGE_URL and CACHE_PURGE_HOOK, if configured. A failure is
    logged, never raised: the change is committed, and the answers' max-age bounds how
    long a CDN that missed it serves the old one."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return
    config = current_app.config
    url, hook = config.get("CACHE_PURGE_URL"), config.get("CACHE_PURGE_HOOK")
    if url:
        body = json.dumps({"keys": keys}).encode()
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=config.get("CACHE_PURGE_TIMEOUT", 2)):
                pass
        except Exception as exc:  # the write stands whatever the CDN says
            log.warning("cache purge POST to %s failed: %s", url, exc)
    if hook:
        try:
            _callable(hook)(keys)
        except Exception:
            log.exception("cache purge hook %s failed", hook)


def _callable(dotted: str):
    module, _, name = dotted.replace(":", ".").rpartition(".")
    return getattr(importlib.import_module(module), name)

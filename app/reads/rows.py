"""Row values as the API's schemas dump them, for the read models that skip the ORM
(verdicts.py, disputes.py), and how those read models run their statements.

A read model's statement runs as plain Core (`read`, on `connection()`): no ORM objects,
no per-execution ORM work, no session hook — and for an anonymous read, no session at
all: a connection of the engine's for its statements alone. The session's soft-delete
hook therefore never sees it, so such a statement carries its visibility itself
(`policy.visible`, applied once when it is built; tests/services/test_verdict_reads.py
holds each kind of deleted record out of the verdict reads).
"""

from __future__ import annotations

import collections
import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from app.extensions import db
from app.services.differences import FIELDS as DIFFERENCE_FIELDS

# RecordSchema's fields: every stored record shows them.
RECORD_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "lock_version")


def iso(value: datetime | date | None) -> str | None:
    """As marshmallow's DateTime and Date fields dump it."""
    return value.isoformat() if value is not None else None


def stamp(column: Any, name: str | None = None) -> sa.ColumnElement:
    """A UTCDateTime column read as the database hands it over — SQLite's stored text,
    PostgreSQL's datetime — for `iso_stamp`: the UTC datetime a dump would have made
    only to write it out again is not made."""
    return sa.type_coerce(column, sa.String).label(name or column.key)


def iso_stamp(value: str | datetime | None) -> str | None:
    """What `iso` gives for the UTCDateTime value of a `stamp` column: SQLite's text
    (UTC, 'YYYY-MM-DD HH:MM:SS.ffffff' as SQLAlchemy stores it) rewritten; a datetime
    (PostgreSQL) in UTC; any other text parsed as UTCDateTime reads it."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 26 and value[10] in " T" and value[19] == ".":
            fraction = "" if value.endswith(".000000") else value[19:]
            return f"{value[:10]}T{value[11:19]}{fraction}+00:00"
        when = datetime.fromisoformat(value)
        value = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return value.astimezone(UTC).isoformat()


def record_fields(row: Any) -> dict[str, Any]:
    """RecordSchema's fields of a row that has RECORD_COLUMNS (its times as `stamp`s or as
    UTC datetimes)."""
    return {"id": row.id, "created_at": iso_stamp(row.created_at),
            "updated_at": iso_stamp(row.updated_at), "deleted_at": iso_stamp(row.deleted_at),
            "lock_version": row.lock_version}


def differences(value: list[dict] | None) -> list[dict] | None:
    """A quote's stored differences with their keys in DifferenceSchema's order
    (PostgreSQL's JSONB keeps no key order)."""
    if value is None:
        return None
    return [{key: item.get(key) for key in DIFFERENCE_FIELDS} for item in value]


# -- a bound list of ids ---------------------------------------------------------------

class _IdList(TypeDecorator):
    """A list of ids bound as one value: a JSON array on SQLite, an integer array on
    PostgreSQL."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(sa.Integer))
        return dialect.type_descriptor(sa.String())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        ids = [int(i) for i in value]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class _Among(ColumnElement[bool]):
    """`column` is one of the ids bound as one list (`among`)."""

    inherit_cache = True
    type = sa.Boolean()
    _is_implicitly_boolean = True  # a predicate: no "= 1" after it on SQLite
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement, ids: sa.BindParameter) -> None:
        self.column, self.ids = column, ids


@compiles(_Among)
def _among_sqlite(element: _Among, compiler, **kw) -> str:
    return (f"{compiler.process(element.column, **kw)} IN"
            f" (SELECT value FROM json_each({compiler.process(element.ids, **kw)}))")


@compiles(_Among, "postgresql")
def _among_postgresql(element: _Among, compiler, **kw) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.ids, **kw)})"


def among(column: Any, name: str = "ids") -> ColumnElement[bool]:
    """`column IN (the ids bound as `name`)`, written so that the statement's SQL is the
    same whatever the number of ids: SQLAlchemy's expanding IN writes one placeholder per
    id at every execution, which costs as much as the rest of the execution for a page's
    worth, and gives PostgreSQL a new statement (planned anew, never prepared) for every
    length. SQLite reads the ids from a JSON array (`json_each`), PostgreSQL from an
    integer array (`= ANY`)."""
    return _Among(column, sa.bindparam(name, type_=_IdList()))


# -- running a read model's statement ---------------------------------------------------


@contextlib.contextmanager
def connection() -> Iterator[sa.Connection]:
    """The connection a read model's statements run on.

    - The session's, while it has a transaction under way (a read with a token, which
      looked the token up; anything the request wrote and has not committed), its
      pending changes flushed first as an ORM read would: the statements see what the
      request sees.
    - Otherwise one of the engine's for these statements alone, back to the pool when
      they are done: an anonymous read makes no session. (A write's answer is read after
      its commit, which ended the session's transaction: a fresh connection sees it.)
      On PostgreSQL it runs in autocommit: no BEGIN and ROLLBACK round trips around
      the reads. What they see is the same — under READ COMMITTED, PostgreSQL's and
      ours, each statement takes its own snapshot inside a transaction or out of one.
    """
    session = db.session
    if session.registry.has() and session().in_transaction():
        current = session()
        if current.autoflush:
            current.flush()
        yield current.connection()
        return
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def read(stmt: sa.Executable, params: Mapping[str, Any] | None = None,
         conn: sa.Connection | None = None) -> list[Any]:
    """The rows of a read model's statement (its visibility in it: `policy.visible`),
    run on `conn`, by default on a `connection()` of its own: named tuples of the
    statement's columns, with the values SQLAlchemy's own rows would hold."""
    if conn is not None:
        return _prepared(stmt, conn.dialect).run(conn, params)
    with connection() as own:
        return _prepared(stmt, own.dialect).run(own, params)


class _Prepared:
    """A read model's statement compiled once per dialect and run on the driver's cursor.

    `Connection.execute` spends, per statement, before and after the driver's work — its
    cache key worked out, an execution context, events, a result object — about as much
    again as the driver itself spends on a read model's indexed selects, several of
    which make each answer (figures in bench/README.md). The statements here are built
    once and only ever bound new values, so that work is done once: SQLAlchemy compiles
    the statement for the dialect, `construct_expanded_state` (its public API for
    exactly this) gives each execution's SQL and parameters, IN lists expanded, and the
    types' own bind and result processors convert values both ways as they would in
    `execute`. Driver errors are raised as SQLAlchemy's (the app's handlers map them), a
    lost connection invalidated as `execute` would. The engine's `before_cursor_execute`
    and `after_cursor_execute` listeners are called as `execute` calls them (with no
    execution context; a listener's `retval` is not used): the read cache notes the
    tables read there, and the tests count statements. tests/services/test_rows.py
    holds every read model's statements to `Connection.execute`'s rows on both
    databases.
    """

    __slots__ = ("stmt", "compiled", "positional", "processors", "row", "convert")

    def __init__(self, stmt: sa.Executable, dialect: sa.Dialect) -> None:
        self.stmt = stmt  # held: its id keys the cache
        self.compiled = stmt.compile(dialect=dialect)
        self.positional = dialect.positional
        self.processors = {
            name: process for name, bind in self.compiled.binds.items()
            if (process := bind.type.dialect_impl(dialect).bind_processor(dialect))}
        self.row: type | None = None  # at the first run, from what the driver describes
        self.convert: list[tuple[int, Callable[[Any], Any]]] = []

    def run(self, conn: sa.Connection, params: Mapping[str, Any] | None) -> list[Any]:
        state = self.compiled.construct_expanded_state(params)
        bound = state.parameters
        # the types' bind processors: of the parameters as compiled, then of those an
        # IN list was expanded into
        for processors in (self.processors, state.processors):
            for name, process in processors.items():
                if name in bound:
                    bound[name] = process(bound[name])
        args = (tuple(bound[name] for name in state.positiontup) if self.positional
                else bound)
        dialect, dispatch = conn.dialect, conn.dispatch
        pooled = conn.connection
        cursor = pooled.cursor()
        try:
            if dispatch.before_cursor_execute:  # the read cache's notes, tests' captures
                dispatch.before_cursor_execute(conn, cursor, state.statement, args, None,
                                               False)
            cursor.execute(state.statement, args)
            found = cursor.fetchall()
            if dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(conn, cursor, state.statement, args, None,
                                              False)
            if self.row is None:
                self._describe(dialect, cursor.description)
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, pooled.dbapi_connection, cursor)
            if lost:
                conn.invalidate()
            raise sa.exc.DBAPIError.instance(
                state.statement, args, error, dialect.loaded_dbapi.Error,
                connection_invalidated=lost, dialect=dialect) from error
        finally:
            cursor.close()
        make = self.row._make
        if not self.convert:
            return [make(values) for values in found]
        convert = self.convert
        rows = []
        for values in found:
            values = list(values)
            for index, process in convert:
                if values[index] is not None:
                    values[index] = process(values[index])
            rows.append(make(values))
        return rows

    def _describe(self, dialect: sa.Dialect, description) -> None:
        """The rows' names (the statement's column keys; a text statement's, as the
        driver names them) and the result processors of the columns whose type has one,
        asked for as SQLAlchemy asks: with the driver's type code of the column."""
        columns = getattr(self.stmt, "selected_columns", None)
        if columns is None:  # text(): untyped, as SQLAlchemy reads it
            names, types = [d[0] for d in description], [None] * len(description)
        else:
            names, types = list(columns.keys()), [column.type for column in columns]
        convert = []
        for index, (type_, described) in enumerate(zip(types, description, strict=True)):
            process = (type_.dialect_impl(dialect).result_processor(dialect, described[1])
                       if type_ is not None else None)
            if process is not None:
                convert.append((index, process))
        # the row type last: another thread's run takes both once it is there
        self.convert = convert
        self.row = collections.namedtuple("Row", names, rename=True)


_PREPARED: dict[tuple[int, str], _Prepared] = {}


def _prepared(stmt: sa.Executable, dialect: sa.Dialect) -> _Prepared:
    key = (id(stmt), dialect.name)
    found = _PREPARED.get(key)
    if found is None or found.stmt is not stmt:
        if len(_PREPARED) >= 2048:  # read models build their statements once: a bound
            _PREPARED.clear()
        found = _PREPARED[key] = _Prepared(stmt, dialect)
    return found

"""Checking lines: each column against its type, length, enum and nullability, and the
fields people write against the resource's API schema (validators handed in). A row
becomes a tuple of the values the driver is sent."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from app.services.errors import ValidationError
from app.services.interchange.export import (
    MAX_ERRORS,
    SKIP_TABLES,
    TYPE,
    Validators,
    _columns,
    tables,
)


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    # seconds spent checking lines, checking references, and writing (inserts, search
    # index, commit)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class ImportRefused(ValidationError):
    """The file was refused; `errors` lists (line, field, message), first ones first."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        shown = "; ".join(f"line {n}: {f}: {m}" if n else f"{f}: {m}"
                          for n, f, m in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"Import refused, nothing was written: {shown}{more}",
                         {f"line {n}.{f}": [m] for n, f, m in errors})


def _checker(column: sa.Column, bind: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """A function that checks one value against `column` and returns what the driver is
    sent: the checked value through the column's own bind processor `bind`, the very
    value SQLAlchemy would send (built once per column: it runs for every value)."""
    ctype = column.type
    nullable = column.nullable

    def check(convert: Callable[[Any], Any], bound: bool = False) -> Callable[[Any], Any]:
        if bind is None or bound:
            def run(value: Any) -> Any:
                if value is None:
                    if nullable:
                        return None
                    raise ValueError("must not be null")
                return convert(value)
        else:
            def run(value: Any) -> Any:
                if value is None:
                    if nullable:
                        return None
                    raise ValueError("must not be null")
                return bind(convert(value))  # convert never returns None

        return run

    if isinstance(ctype, sa.Enum):
        allowed = frozenset(ctype.enums)
        message = f"one of {', '.join(ctype.enums)}"

        def enum_value(value):
            if type(value) is not str or value not in allowed:  # ([] is unhashable)
                raise ValueError(message)
            return value

        return check(enum_value)
    if isinstance(ctype, sa.JSON):
        return check(lambda value: value)
    python = (ctype.impl if isinstance(ctype, sa.types.TypeDecorator) else ctype).python_type
    if python is bool:
        def boolean(value):
            if value is True or value is False:
                return value
            raise ValueError("must be true or false")

        return check(boolean)
    if python is int:
        def integer(value):
            if type(value) is int and -(2**63) < value < 2**63:
                return value
            raise ValueError("must be an integer")

        return check(integer)
    if python is float:
        def real(value):
            # JSON numbers; a bool is an int in Python but not a number here.
            if type(value) in (int, float) and math.isfinite(value):
                return float(value)
            raise ValueError("must be a number")

        return check(real)
    if python is str:
        length = getattr(ctype, "length", None) or 0

        def string(value):
            if type(value) is not str:
                raise ValueError("must be a string")
            if length and len(value) > length:
                raise ValueError(f"longer than {length} characters")
            if "\x00" in value:
                raise ValueError("must not contain NUL")
            return value

        return check(string)
    if python is dt.datetime:
        def timestamp(value):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise ValueError("must be an ISO 8601 date-time") from None
            if parsed.tzinfo is None:
                raise ValueError("must carry a time zone")
            return parsed

        if bind is None or not _sends_utc_text(bind):
            return check(timestamp)

        def utc_text(value):
            # The export's own form of a UTC time holds the very characters SQLite is sent
            # ('2022-01-27 10:00:00.000000'): cut them out instead of formatting them
            # (checked, and any other form through the bind processor).
            parsed = timestamp(value)
            if type(value) is str and _UTC_TEXT.fullmatch(value):
                return value[:10] + " " + value[11:26]
            return bind(parsed)

        return check(utc_text, bound=True)
    if python is dt.date:
        def day(value):
            try:
                return dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise ValueError("must be an ISO 8601 date") from None

        return check(day)
    if python is bytes:
        def binary(value):
            try:
                return base64.b64decode(value, validate=True)
            except (TypeError, ValueError, binascii.Error):
                raise ValueError("must be base64") from None

        return check(binary)
    raise TypeError(f"no import rule for {column}")  # a new column type needs one


_MISSING = object()
_UTC_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")


def _sends_utc_text(bind: Callable[[Any], Any]) -> bool:
    """Whether `bind` turns aware datetimes into the UTC text of _UTC_TEXT's digits."""
    probes = ("2022-01-27T10:00:00.000000+00:00", "0999-12-31T23:59:59.999999+00:00",
              "2024-02-29T00:00:00.000001+00:00")
    return all(bind(dt.datetime.fromisoformat(p)) == p[:10] + " " + p[11:26] for p in probes)


@dataclass(frozen=True)
class _TablePlan:
    """How the lines of one table are checked and inserted, worked out once per import.
    A row is a tuple of driver values, one per column of `columns`, in that order."""

    table: sa.Table
    steps: tuple[tuple[str, Callable[[Any], Any], Any], ...]  # column, check, if absent
    columns: tuple[str, ...]
    names: frozenset[str]
    id_index: int
    references: tuple[tuple[int, str, str], ...]  # row index, column, target table
    parent_index: int | None  # a reference to its own table (sources.parent_id)
    validate: Callable[[dict[str, Any]], dict[str, list[str]]] | None  # the API's schema

    @classmethod
    def build(cls, table: sa.Table, dialect: sa.Dialect, validators: Validators) -> _TablePlan:
        steps = []
        for column in _columns(table):
            bind = column.type._cached_bind_processor(dialect)
            if column.default is not None:
                default = column.default.arg
                default = default(None) if callable(default) else default
            else:
                default = None if column.nullable else _MISSING
            if bind is not None and default is not None and default is not _MISSING:
                default = bind(default)
            steps.append((column.name, _checker(column, bind), default))
        columns = tuple(name for name, _, _ in steps)
        if tuple(c.name for c in table.primary_key.columns) != ("id",):
            raise TypeError(f"the import needs an id primary key on {table.name}")
        references = tuple(
            (columns.index(fk.parent.name), fk.parent.name, fk.column.table.name)
            for fk in table.foreign_keys if fk.column.table.name not in SKIP_TABLES)
        parent = [i for i, _, target in references if target == table.name]
        return cls(table, tuple(steps), columns, frozenset(columns), columns.index("id"),
                   references, parent[0] if parent else None,
                   validators.get(table.name))


def _plans(dialect: sa.Dialect, validators: Validators) -> dict[str, _TablePlan]:
    return {t.name: _TablePlan.build(t, dialect, validators) for t in tables()}


@dataclass
class _Rows:
    """One table's rows of the file, and the line each came from."""

    numbers: list[int] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)


# A chunk of lines checked: rows by table, their line numbers, errors in line order.
_Checked = tuple[dict[str, list[tuple]], dict[str, list[int]], list[tuple[int, str, str]]]


def _check_lines(plans: dict[str, _TablePlan], first: int, lines: list[str]) -> _Checked:
    """Check lines `first`, `first + 1`, ... on their own: JSON, type, every column, the
    API's schema. Pure (no database), so that worker processes can run it on chunks."""
    rows: dict[str, list[tuple]] = {}
    numbers: dict[str, list[int]] = {}
    errors: list[tuple[int, str, str]] = []
    loads = orjson.loads
    for number, line in enumerate(lines, start=first):
        if len(errors) >= MAX_ERRORS:
            break
        if not line or line.isspace():
            continue
        try:
            record = loads(line)
        except orjson.JSONDecodeError as exc:
            errors.append((number, "line", f"not JSON ({exc.msg})"))
            continue
        if type(record) is not dict:
            errors.append((number, "line", "must be a JSON object"))
            continue
        kind = record.pop(TYPE, None)
        plan = plans.get(kind) if type(kind) is str else None
        if plan is None:
            errors.append((number, TYPE, f"unknown type {kind!r}"))
            continue
        known = plan.names.issuperset(record)
        if not known:
            for name in sorted(record.keys() - plan.names):
                errors.append((number, name, "unknown field"))
        row = []
        append = row.append
        get = record.get
        for name, check, default in plan.steps:
            value = get(name, _MISSING)
            if value is _MISSING:
                if default is _MISSING:
                    errors.append((number, name, "missing"))
                append(default)
                continue
            try:
                append(check(value))
            except ValueError as exc:
                errors.append((number, name, str(exc)))
                append(None)
        if plan.validate is not None and known:
            for name, messages in plan.validate(record).items():
                errors.append((number, name, "; ".join(map(str, messages))))
        table_rows = rows.get(kind)
        if table_rows is None:
            table_rows = rows[kind] = []
            numbers[kind] = []
        table_rows.append(tuple(row))
        numbers[kind].append(number)
    return rows, numbers, errors

"""Export everything as NDJSON, and import such a file all-or-nothing.

The file: a header line, then one line per row, tables in dependency order, rows by
id: `{"_type": "claims", "id": 7, "statement": "...", ...}` (`_type` names the table;
the underscore keeps it apart from columns such as links.type). Soft-deleted rows, verdict
versions, document versions (their WARC records as base64) and the revision log travel
too; secrets (password and token hashes) never do. Export → import into an empty
database → export gives the same bytes.

Import validates every line before writing anything — each column against its type,
length, enum and nullability, the fields people write through the resource's API
schema, and every reference against the file and the database — then inserts it all
in one transaction. A failed or killed import leaves the database as it was.

Lines are checked in chunks, by forked worker processes when the file is long (they
need no database); this process reads the header, keeps the chunks' results in file
order, finds ids given twice, checks the references and writes. Rows are kept as
tuples of the values the driver is sent, so the insert is one executemany per table.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import itertools
import json
import multiprocessing
import os
import re
import signal
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import orjson
import sqlalchemy as sa

from app import cache_keys
from app.extensions import db
from app.services.errors import ValidationError

FORMAT = "counterclaim-export"
FORMAT_VERSION = 1
# Not exported: migration-owned data, the cache's change counter, and secrets.
SKIP_TABLES = {"rating_scale", "api_tokens", "alembic_version", "content_generation",
               "cache_keys"}
SKIP_COLUMNS = {"users": {"password_hash"}}
TYPE = "_type"
MAX_ERRORS = 20
CHUNK = 2000  # rows per fetch of the export
CHUNK_LINES = 2000  # lines per chunk the import checks (in a worker process)
INSERT_CHUNK = 10_000  # rows per executemany

# type name -> callable(record) -> {field: [messages]}; filled by app.schemas.interchange
# so that the resources' own API schemas judge what people can write.
CONTENT_VALIDATORS: dict[str, Callable[[dict[str, Any]], dict[str, list[str]]]] = {}


def tables() -> list[sa.Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in SKIP_TABLES]


def _columns(table: sa.Table) -> list[sa.Column]:
    skip = SKIP_COLUMNS.get(table.name, set())
    return [c for c in table.columns if c.name not in skip]


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")  # a WARC record
    return value


def schema_revision() -> str | None:
    return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def export_lines() -> Iterator[str]:
    """The whole database as NDJSON lines (without trailing newlines)."""
    header = {TYPE: "header", "format": FORMAT, "version": FORMAT_VERSION,
              "schema_revision": schema_revision()}
    yield json.dumps(header, ensure_ascii=False, sort_keys=True)
    for table in tables():
        columns = _columns(table)
        query = sa.select(*columns).order_by(*table.primary_key.columns)
        for row in db.session.execute(query.execution_options(yield_per=CHUNK)):
            record = {TYPE: table.name}
            record.update({c.name: _jsonable(v) for c, v in zip(columns, row, strict=True)})
            yield json.dumps(record, ensure_ascii=False, sort_keys=True)


# --- import -------------------------------------------------------------------------


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
    def build(cls, table: sa.Table, dialect: sa.Dialect) -> _TablePlan:
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
                   CONTENT_VALIDATORS.get(table.name))


def _plans(dialect: sa.Dialect) -> dict[str, _TablePlan]:
    return {t.name: _TablePlan.build(t, dialect) for t in tables()}


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


# -- checking chunks in worker processes ----------------------------------------------

_worker_plans: dict[str, _TablePlan] = {}


def _worker_start(plans: dict[str, _TablePlan], parent: int) -> None:
    """In each worker (forked: the plans, the schemas and their closures are inherited,
    not pickled). Ctrl-C is the parent's to handle; a worker whose parent was killed
    ends itself rather than wait forever for work."""
    global _worker_plans
    _worker_plans = plans
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=orphaned, daemon=True).start()


def _worker_check(first: int, lines: list[str]) -> _Checked:
    return _check_lines(_worker_plans, first, lines)


def default_workers() -> int:
    """Worker processes for a long file: one per CPU this process may use, at most 4;
    none where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return min(cpus, 4)


def _chunks(lines: Iterator[str], first: int, size: int) -> Iterator[tuple[int, list[str]]]:
    while batch := list(itertools.islice(lines, size)):
        yield first, batch
        first += len(batch)


def _checked_chunks(lines: Iterator[str], first: int, plans: dict[str, _TablePlan],
                    workers: int, size: int) -> Iterator[tuple[int, _Checked]]:
    """(bytes read, checked chunk) for each chunk of `size` lines, in file order: in
    `workers` processes when there are at least two chunks and workers, else here."""
    chunks = _chunks(lines, first, size)
    head = list(itertools.islice(chunks, 2))
    if workers < 2 or len(head) < 2:
        for start, batch in itertools.chain(head, chunks):
            yield _size(batch), _check_lines(plans, start, batch)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                             initargs=(plans, os.getpid())) as pool:
        pending: deque = deque()
        try:
            for start, batch in itertools.chain(head, chunks):
                pending.append((_size(batch), pool.submit(_worker_check, start, batch)))
                if len(pending) > 2 * workers:  # a bounded read-ahead, not the whole file
                    size_read, future = pending.popleft()
                    yield size_read, future.result()
            while pending:
                size_read, future = pending.popleft()
                yield size_read, future.result()
        finally:  # stopped early (too many errors) or failed: drop what is still queued
            for _, future in pending:
                future.cancel()


def _size(batch: list[str]) -> int:
    return sum(map(len, batch)) + len(batch)


# -- the whole file ------------------------------------------------------------------


def _read_header(lines: Iterator[str], errors: list, progress) -> tuple[int, bool]:
    """Read up to the header line; (its line number, whether the rest may be read)."""
    number = 0
    for number, line in enumerate(lines, start=1):
        if progress:
            progress(len(line) + 1)
        if len(errors) >= MAX_ERRORS:
            break
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            errors.append((number, "line", f"not JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            errors.append((number, "line", "must be a JSON object"))
            continue
        if record.pop(TYPE, None) != "header" or record.get("format") != FORMAT:
            errors.append((number, TYPE, f"the first line must be the {FORMAT} header"))
            return number, False
        if record.get("version") != FORMAT_VERSION:
            errors.append((number, "version", f"only version {FORMAT_VERSION} is read"))
        current = schema_revision()
        if record.get("schema_revision") != current:
            errors.append((number, "schema_revision",
                           f"the file is from schema {record.get('schema_revision')}, "
                           f"this database is at {current}: migrate one of them first"))
        return number, True
    if not errors:
        errors.append((1, TYPE, "the file is empty"))
    return number, False


def _parse(lines: Iterable[str], errors: list, progress, plans: dict[str, _TablePlan],
           workers: int, chunk_lines: int) -> dict[str, _Rows]:
    """Every line checked on its own (in chunks, maybe in worker processes), then here,
    in file order: no id twice, and the errors of the first lines, at most MAX_ERRORS
    lines' worth."""
    by_table: dict[str, _Rows] = {}
    lines = iter(lines)
    number, header_ok = _read_header(lines, errors, progress)
    if not header_ok:
        return by_table
    seen: dict[str, set] = defaultdict(set)
    checked = _checked_chunks(lines, number + 1, plans, workers, chunk_lines)
    try:
        for size_read, (rows, numbers, chunk_errors) in checked:
            if progress:
                progress(size_read)
            for kind, values in rows.items():
                chunk_errors += _duplicates(kind, plans[kind], values, numbers[kind], seen)
                table = by_table.setdefault(kind, _Rows())
                table.numbers += numbers[kind]
                table.values += values
            # a line's own errors come before its duplicate id (sort is stable)
            chunk_errors.sort(key=itemgetter(0))
            for _, line_errors in itertools.groupby(chunk_errors, key=itemgetter(0)):
                if len(errors) >= MAX_ERRORS:
                    break
                errors.extend(line_errors)
            if len(errors) >= MAX_ERRORS:
                break
    finally:
        checked.close()  # stops the workers when it stopped early
    return by_table


def _duplicates(kind: str, plan: _TablePlan, values: list[tuple], numbers: list[int],
                seen: dict[str, set]) -> list[tuple[int, str, str]]:
    ids = [row[plan.id_index] for row in values]
    known = seen[kind]
    fresh = set(ids)
    if len(fresh) == len(ids) and known.isdisjoint(fresh):
        known |= fresh  # the usual case, at set speed
        return []
    found = []
    for number, row_id in zip(numbers, ids, strict=True):
        if row_id in known:
            found.append((number, "id", f"{kind} {row_id} appears twice in the file"))
        known.add(row_id)
    return found


def _check_references(plans: dict[str, _TablePlan], by_table: dict[str, _Rows],
                      errors: list) -> None:
    """Every foreign key points at a row in the file or already in the database, and no
    row of the file is already in the database."""
    file_ids = {name: {row[plans[name].id_index] for row in rows.values}
                for name, rows in by_table.items()}
    wanted: dict[str, set[int]] = defaultdict(set)
    for name, rows in by_table.items():
        for index, _, target in plans[name].references:
            wanted[target] |= {row[index] for row in rows.values}
    for target, ids in wanted.items():
        ids.discard(None)
        ids -= file_ids.get(target, set())
    in_db: dict[str, set[int]] = {}
    for name in set(wanted) | set(file_ids):
        table = plans[name].table
        ids = sorted(wanted.get(name, set()) | file_ids.get(name, set()))
        present: set[int] = set()
        if ids and db.session.execute(sa.select(table.c.id).limit(1)).first() is not None:
            for start in range(0, len(ids), 900):
                chunk = ids[start:start + 900]
                present |= set(db.session.execute(
                    sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        in_db[name] = present
    if not any(in_db.values()) and all(not ids for ids in wanted.values()):
        return  # nothing there yet, and every reference points inside the file
    for name, rows in by_table.items():
        plan = plans[name]
        for number, row in zip(rows.numbers, rows.values, strict=True):
            if len(errors) >= MAX_ERRORS:
                return
            if row[plan.id_index] in in_db.get(name, set()):
                errors.append((number, "id", f"{name} {row[plan.id_index]} already exists here"))
            for index, column, target in plan.references:
                value = row[index]
                if (value is None or value in file_ids.get(target, set())
                        or value in in_db.get(target, set())):
                    continue
                errors.append((number, column,
                               f"{target} {value} is neither in the file nor in the database"))


def _check_live_references(plans: dict[str, _TablePlan], by_table: dict[str, _Rows],
                           errors: list) -> None:
    """A live row (no `deleted_at`) of the file points at no deleted row, of the file or
    of the database: what deleting keeps true in the app (app/services/lifecycle.py)
    holds for what is imported too."""
    deleted_at = {name: plan.columns.index("deleted_at") for name, plan in plans.items()
                  if "deleted_at" in plan.columns}
    dead: dict[str, set[int]] = {
        name: {row[plans[name].id_index] for row in rows.values if row[deleted_at[name]]
               is not None}
        for name, rows in by_table.items() if name in deleted_at}
    in_file = {name: {row[plans[name].id_index] for row in rows.values}
               for name, rows in by_table.items()}
    wanted: dict[str, set[int]] = defaultdict(set)
    for name, rows in by_table.items():
        if name not in deleted_at:
            continue
        for index, _, target in plans[name].references:
            if target in deleted_at:
                wanted[target] |= {row[index] for row in rows.values
                                   if row[deleted_at[name]] is None and row[index] is not None}
    for target, ids in wanted.items():
        table = plans[target].table
        ids = sorted(ids - in_file.get(target, set()))
        for start in range(0, len(ids), 900):
            dead.setdefault(target, set()).update(db.session.execute(
                sa.select(table.c.id).where(table.c.id.in_(ids[start:start + 900]),
                                            table.c.deleted_at.is_not(None))).scalars())
    for name, rows in by_table.items():
        if name not in deleted_at:
            continue
        for number, row in zip(rows.numbers, rows.values, strict=True):
            if row[deleted_at[name]] is not None:
                continue
            for index, column, target in plans[name].references:
                if row[index] in dead.get(target, ()):
                    if len(errors) >= MAX_ERRORS:
                        return
                    errors.append((number, column, f"{target} {row[index]} is deleted, and "
                                   "a live record may not point at a deleted one"))


def _unique_keys(table: sa.Table) -> list[tuple[str, ...]]:
    """The column sets `table` holds unique, besides its id."""
    keys = [tuple(c.name for c in constraint.columns) for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint)]
    keys += [tuple(c.name for c in index.columns) for index in table.indexes if index.unique]
    return [key for key in dict.fromkeys(keys) if key != ("id",)]


def _check_unique(plans: dict[str, _TablePlan], by_table: dict[str, _Rows],
                  errors: list) -> None:
    """No two rows of the file, and no row of the file and one already in the database,
    share what must be unique (a slug, a URL, an email, a version number): named by
    line and field here rather than refused by the database at the insert."""
    for name, rows in by_table.items():
        plan = plans[name]
        for key in _unique_keys(plan.table):
            indexes = [plan.columns.index(column) for column in key]
            field = key[-1] if len(key) > 1 else key[0]
            first_line: dict[tuple, int] = {}
            for number, row in zip(rows.numbers, rows.values, strict=True):
                value = tuple(row[i] for i in indexes)
                if None in value:
                    continue  # NULLs never clash
                if value in first_line:
                    errors.append((number, field, f"{', '.join(map(str, value))} is "
                                   f"already used by line {first_line[value]} of the file"))
                    if len(errors) >= MAX_ERRORS:
                        return
                else:
                    first_line[value] = number
            _clashes_in_database(plan.table, key, first_line, field, errors)
            if len(errors) >= MAX_ERRORS:
                return


def _clashes_in_database(table: sa.Table, key: tuple[str, ...], lines: dict[tuple, int],
                         field: str, errors: list) -> None:
    if not lines or db.session.execute(sa.select(table.c.id).limit(1)).first() is None:
        return  # an empty table (the usual import) clashes with nothing
    columns = [table.c[column] for column in key]
    values = sorted(lines, key=repr)
    for start in range(0, len(values), 900):
        chunk = values[start:start + 900]
        # the first column narrows it down; the whole key is compared here
        found = db.session.execute(sa.select(*columns).where(
            columns[0].in_(sorted({v[0] for v in chunk}, key=repr)))).all()
        for existing in map(tuple, found):
            if existing in lines:
                errors.append((lines[existing], field, f"{', '.join(map(str, existing))} "
                               f"is already used by {table.name} in this database"))
                if len(errors) >= MAX_ERRORS:
                    return


def _parents_first(plan: _TablePlan, rows: list[tuple]) -> list[tuple]:
    """Order self-referencing rows (sources.parent_id) so parents are inserted first."""
    by_id = {row[plan.id_index]: row for row in rows}
    done: set[int] = set()
    ordered: list[tuple] = []

    def visit(row_id: int, depth: int = 0) -> None:
        if row_id in done or row_id not in by_id or depth > len(by_id):
            return
        parent = by_id[row_id][plan.parent_index]
        if parent is not None:
            visit(parent, depth + 1)
        done.add(row_id)
        ordered.append(by_id[row_id])

    for row_id in sorted(by_id):
        visit(row_id)
    return ordered


def _insert_many(conn: sa.Connection, plan: _TablePlan, rows: list[tuple]) -> None:
    """executemany straight on the driver: the rows already hold what SQLAlchemy would
    send (each column's bind processor ran while checking), without its per-row
    bookkeeping. On PostgreSQL, COPY (psycopg 3): one stream per table, in the import's
    transaction like the rest, so a failure still leaves nothing written."""
    dialect = conn.dialect
    if dialect.name == "postgresql":
        _copy(conn, plan, rows)
        return
    compiled = sa.insert(plan.table).compile(dialect=dialect, column_keys=list(plan.columns))
    if dialect.positional:
        order = [plan.columns.index(name) for name in compiled.positiontup]
        if order != list(range(len(plan.columns))):
            rows = [tuple(row[i] for i in order) for row in rows]
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start:start + INSERT_CHUNK]
        if not dialect.positional:
            chunk = [dict(zip(plan.columns, row, strict=True)) for row in chunk]
        conn.exec_driver_sql(compiled.string, chunk)


def _copy(conn: sa.Connection, plan: _TablePlan, rows: list[tuple]) -> None:
    import psycopg

    columns = ", ".join(f'"{name}"' for name in plan.columns)
    statement = f'COPY "{plan.table.name}" ({columns}) FROM STDIN'
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.IntegrityError as exc:  # as SQLAlchemy reports it for executemany
        raise sa.exc.IntegrityError(statement, None, exc) from None
    finally:
        cursor.close()
    # COPY bypasses SQLAlchemy's statement events: say what it wrote (app/cache_keys.py)
    cache_keys.wrote(conn, {plan.table.name})


def _defer_search_index(conn: sa.Connection, names: set[str]) -> list[tuple[str, str]]:
    """SQLite: drop the full-text insert triggers of the tables being filled (inside the
    import's transaction, so a failure brings them back); one 'rebuild' afterwards is
    ~10x faster than a trigger per row. Returns (fts table, trigger SQL) to restore."""
    if conn.dialect.name != "sqlite":
        return []  # PostgreSQL's GIN indexes need nothing
    # pysqlite opens its transaction only before INSERT/UPDATE/DELETE: DDL before that
    # would commit on its own. Open it now, so the DROPs roll back with everything else.
    if not conn.connection.driver_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")
    deferred = []
    for name, sql in conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_fts_ai'"
    ).all():
        table = name.removesuffix("_fts_ai")
        if table in names:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            deferred.append((f"{table}_fts", sql))
    return deferred


def _restore_search_index(conn: sa.Connection, deferred: list[tuple[str, str]]) -> None:
    for fts, trigger_sql in deferred:
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        conn.exec_driver_sql(trigger_sql)


def _reset_sequences(names: Iterable[str]) -> None:
    if db.engine.dialect.name != "postgresql":
        return  # SQLite picks max(rowid) + 1 by itself
    for name in names:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 1), "
            f"(SELECT MAX(id) FROM {name}) IS NOT NULL)"))


def import_lines(lines: Iterable[str], progress: Callable[[int], None] | None = None, *,
                 workers: int | None = None, chunk_lines: int = CHUNK_LINES) -> ImportReport:
    """Validate the whole file, then insert it in one transaction — or raise
    ImportRefused naming the line and field of the first errors, having written nothing.

    Lines are checked in chunks of `chunk_lines`, by `workers` forked processes when
    the file is longer than one chunk (default: `default_workers()`; 0 or 1: here)."""
    errors: list[tuple[int, str, str]] = []
    report = ImportReport()
    started = time.perf_counter()
    plans = _plans(db.engine.dialect)
    workers = default_workers() if workers is None else workers
    by_table = _parse(lines, errors, progress, plans, workers, chunk_lines)
    checked = time.perf_counter()
    report.seconds["lines"] = checked - started
    if not errors:
        _check_references(plans, by_table, errors)
    if not errors:
        _check_live_references(plans, by_table, errors)
    if not errors:
        _check_unique(plans, by_table, errors)
        report.seconds["references"] = time.perf_counter() - checked
    if errors:
        raise ImportRefused(errors)
    writing = time.perf_counter()
    session = db.session
    try:
        deferred = _defer_search_index(session.connection(), set(by_table))
        for table in tables():
            rows = by_table.get(table.name)
            if not rows or not rows.values:
                continue
            plan = plans[table.name]
            values = rows.values if plan.parent_index is None else _parents_first(plan, rows.values)
            _insert_many(session.connection(), plan, values)
            report.counts[table.name] = len(values)
        _restore_search_index(session.connection(), deferred)
        _reset_sequences(report.counts)
        session.commit()
    except sa.exc.IntegrityError as exc:
        # a rule of the database the checks above do not know (a CHECK constraint)
        session.rollback()
        raise ImportRefused([(0, "file", "the database refused it, nothing was written: "
                             f"{exc.orig}".splitlines()[0])]) from None
    except BaseException:
        session.rollback()
        raise
    report.seconds["writing"] = time.perf_counter() - writing
    return report

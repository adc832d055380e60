"""Reading the whole file, then writing it in one transaction: executemany on SQLite,
COPY on PostgreSQL."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

import orjson
import sqlalchemy as sa

from app import cache_keys
from app.extensions import db
from app.services.interchange.export import (
    CHUNK_LINES,
    FORMAT,
    FORMAT_VERSION,
    INSERT_CHUNK,
    MAX_ERRORS,
    TYPE,
    Validators,
    schema_revision,
    tables,
)
from app.services.interchange.lines import ImportRefused, ImportReport, _plans, _Rows, _TablePlan
from app.services.interchange.references import (
    _check_live_references,
    _check_references,
    _check_unique,
    _duplicates,
)
from app.services.interchange.workers import _checked_chunks, default_workers

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
                 workers: int | None = None, chunk_lines: int = CHUNK_LINES,
                 validators: Validators | None = None,
                 step: Callable[[str, int], Callable[[int], None]] | None = None,
                 ) -> ImportReport:
    """Validate the whole file, then insert it in one transaction — or raise
    ImportRefused naming the line and field of the first errors, having written nothing.

    Lines are checked in chunks of `chunk_lines`, by `workers` forked processes when
    the file is longer than one chunk (default: `default_workers()`; 0 or 1: here).
    `validators` judge the fields people write, by table (default: the API's schemas,
    `app.schemas.interchange.validators()`). `progress` hears the characters read while
    checking lines; `step(label, total)`, called as each later step starts, returns what
    hears that step's progress."""
    step = step or (lambda label, total: lambda done: None)
    errors: list[tuple[int, str, str]] = []
    report = ImportReport()
    started = time.perf_counter()
    if validators is None:  # the API's own schemas, as `flask import` uses them
        from app.schemas.interchange import validators as api_validators

        validators = api_validators()
    plans = _plans(db.engine.dialect, validators)
    workers = default_workers() if workers is None else workers
    by_table = _parse(lines, errors, progress, plans, workers, chunk_lines)
    checked = time.perf_counter()
    report.seconds["lines"] = checked - started
    checks = (_check_references, _check_live_references, _check_unique)
    checking = step("Checking references", len(checks)) if not errors else None
    for check in checks:
        if errors:
            break
        check(plans, by_table, errors)
        checking(1)
    if not errors:
        report.seconds["references"] = time.perf_counter() - checked
    if errors:
        raise ImportRefused(errors)
    writing = time.perf_counter()
    wrote = step("Writing", sum(len(rows.values) for rows in by_table.values()))
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
            wrote(len(values))
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

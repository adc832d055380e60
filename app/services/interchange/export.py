"""The NDJSON format and the export: a header line, then one line per row, tables in
dependency order, rows by id."""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from app.extensions import db

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

# type name -> callable(record) -> {field: [messages]}: the resources' own API schemas,
# which judge what people can write (app.schemas.interchange.validators()), handed to
# `import_lines`.
Validators = Mapping[str, Callable[[dict[str, Any]], dict[str, list[str]]]]


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


def export_size() -> int:
    """How many lines `export_lines` gives (the header and one per row): the length of
    `flask export`'s progress bar."""
    return 1 + sum(db.session.scalar(sa.select(sa.func.count()).select_from(table))
                   for table in tables())


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

"""Throw-away databases for tests: a temp SQLite file, or a fresh PostgreSQL database
created on the server named by TEST_DATABASE_URL and dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from config import normalise_database_url

# Rows that migrations themselves write; never wiped between tests.
MIGRATION_DATA = {"alembic_version", "rating_scale", "content_generation", "cache_keys"}


def server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@contextmanager
def throwaway_database(tmp_dir: Path, label: str) -> Iterator[str]:
    """Yield the URL of an empty database that is removed on exit."""
    base = server_url()
    if base is None:
        yield f"sqlite:///{tmp_dir / (label + '.db')}"
        return
    url = sa.make_url(base)
    name = f"cc_test_{label}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wipe(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Empty every table the tests may have written to."""
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in MIGRATION_DATA]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        # Everything changed: answers cached by app/cache.py before the wipe are stale.
        conn.exec_driver_sql("UPDATE content_generation SET value = value + 1")

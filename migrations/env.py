"""Alembic environment for Flask-Migrate (`flask db ...`) and pytest-alembic.

The target metadata is imported from the models directly; the connection comes from
pytest-alembic when it passes one, else from the Flask app's engine.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection, Engine

from app import models  # noqa: F401  (every table on the metadata)
from app.extensions import db

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = db.metadata


def include_object(obj, name, type_, reflected, compare_to):
    """Full-text search lives outside the models (migration 0002): SQLite FTS5 tables
    and their shadow tables, PostgreSQL expression indexes named ix_<table>_fts."""
    return not (reflected and compare_to is None and name and "_fts" in name)


CONFIGURE = {
    "target_metadata": target_metadata,
    "include_object": include_object,
    "render_as_batch": True,  # SQLite ALTERs go through table copies
    "compare_type": True,
}


def _engine():
    from flask import current_app

    return current_app.extensions["migrate"].db.engine


def process_revision_directives(context_, revision, directives):
    # `flask db migrate` with no model changes should not write an empty revision.
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    context.configure(url=str(_engine().url), literal_binds=True, **CONFIGURE)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")  # pytest-alembic passes an engine
    if isinstance(given, Connection):
        context.configure(connection=given, **CONFIGURE)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = given if isinstance(given, Engine) else _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            process_revision_directives=process_revision_directives,
            **CONFIGURE,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

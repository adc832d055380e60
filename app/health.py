"""GET /healthz: is the app up, can it reach its database, and is the database's
schema the one the code needs (`schema_revision` against `schema_expected`)?"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from app.extensions import db
from app.schema_check import SchemaState, expected_revision

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        revision = db.session.execute(
            sa.text("SELECT version_num FROM alembic_version")
        ).scalar()
    except Exception as exc:  # any database failure means unhealthy
        db.session.rollback()
        body = {"status": "unavailable", "database": "unreachable", "detail": type(exc).__name__}
        return jsonify(body), 503
    expected = expected_revision()
    body = {"status": "ok", "database": db.engine.dialect.name,
            "schema_revision": revision, "schema_expected": expected}
    if revision != expected:  # not ready to serve: a load balancer keeps it out
        body.update(status="schema_outdated",
                    detail=SchemaState(revision, expected).message)
        return jsonify(body), 503
    return jsonify(body)

"""GET /healthz: is the app up and can it reach its database?"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from app.extensions import db

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
    return jsonify({"status": "ok", "database": db.engine.dialect.name,
                    "schema_revision": revision})

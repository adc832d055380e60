"""/api/v1/revisions — the append-only change log (read only). Who may read which
revisions is the policy's (`policy.visible_revisions`)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import joinedload

from app.api import auth
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.extensions import db
from app.models import Revision
from app.models.base import MAX_ID
from app.schemas.revisions import RevisionQuery, RevisionSchema
from app.services import policy
from app.services.errors import NotFound

blp = ApiBlueprint("revisions", __name__, url_prefix="/api/v1/revisions",
                   description="Revisions: every create, change, delete and restore — "
                               "who, when, before/after, why.")

def visible(stmt: sa.Select) -> sa.Select:
    return policy.visible_revisions(stmt, auth.viewer())


@blp.route("")
class Revisions(MethodView):
    @blp.arguments(RevisionQuery, location="query")
    @blp.response(200, RevisionSchema(many=True))
    @paginated
    def get(self, query):
        """List revisions, newest first"""
        stmt = visible(sa.select(Revision).options(joinedload(Revision.actor)))
        for column in ("entity_type", "entity_id", "actor_id", "action"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Revision, column) == query[column])
        if query.get("since") is not None:
            stmt = stmt.where(Revision.at >= query["since"])
        return stmt.order_by(Revision.id.desc())


@blp.route("/<int:record_id>", endpoint="revision")
class RevisionResource(MethodView):
    @blp.response(200, RevisionSchema)
    def get(self, record_id):
        """Get a revision"""
        revision = None
        if 0 < record_id <= MAX_ID:
            revision = db.session.scalars(
                visible(sa.select(Revision).where(Revision.id == record_id))
                .options(joinedload(Revision.actor))
            ).one_or_none()
        if revision is None:
            raise NotFound(f"Revision {record_id} does not exist.")
        return revision

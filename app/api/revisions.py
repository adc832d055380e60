"""/api/v1/revisions — the append-only change log (read only).

Who sees what: staff (journalists and up) see every revision of the newsroom's records
— drafts and deleted records included — but not those of users and API tokens, which
are for admins. Readers and anonymous callers see the revisions of public records
(events, disputes, sources, documents, claims, quotes, links) that are not deleted now;
verdict revisions are never public, because a draft's rating and rationale are in
them: the public record of a verdict is its history (/verdicts/{id}/history).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import joinedload

from app.api import auth
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.extensions import db
from app.models import Claim, Dispute, Document, Event, Link, Quote, Revision, Role, Source
from app.models.base import MAX_ID
from app.schemas.revisions import RevisionQuery, RevisionSchema
from app.services.errors import NotFound

blp = ApiBlueprint("revisions", __name__, url_prefix="/api/v1/revisions",
                   description="Revisions: every create, change, delete and restore — "
                               "who, when, before/after, why.")

PUBLIC = {"events": Event, "disputes": Dispute, "sources": Source, "documents": Document,
          "claims": Claim, "quotes": Quote, "links": Link}
ADMIN_ONLY = ("users", "api_tokens")


def visible(stmt: sa.Select) -> sa.Select:
    """Limit revisions to what this viewer may read (see the module docstring)."""
    user = auth.current_user()
    if user is not None and user.can(Role.ADMIN):
        return stmt
    if auth.viewer().sees_drafts:
        return stmt.where(Revision.entity_type.not_in(ADMIN_ONLY))
    return stmt.where(sa.or_(*(
        sa.and_(Revision.entity_type == name,
                Revision.entity_id.in_(sa.select(model.id).where(model.deleted_at.is_(None))))
        for name, model in PUBLIC.items()
    )))


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

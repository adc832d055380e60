"""/api/v1/disputes — one question at issue about an event, and the whole dispute
(claims, quotes, links, current verdicts) in one read."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for
from flask.views import MethodView

from app.api import auth, conditional
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Dispute
from app.reads import disputes as dispute_reads
from app.schemas.common import DeleteArgs, for_patch
from app.schemas.disputes import (
    DisputeDetailSchema,
    DisputePatchSchema,
    DisputeQuery,
    DisputeSchema,
    StateChangeSchema,
)
from app.services import disputes as service
from app.services import search
from app.services.policy import Action

blp = ApiBlueprint("disputes", __name__, url_prefix="/api/v1/disputes",
                   description="Disputes: a question at issue, its competing claims, the "
                               "links between them and the verdicts on them.")


def answer(record_id: int, status: int = 200, headers: dict[str, str] | None = None):
    """The whole dispute as the caller sees it, from the read model that answers GET
    (app/reads/disputes.py): every write of a dispute answers with exactly what a GET of
    it gives — body and ETag — so a client holds one representation."""
    body, version = dispute_reads.detail(record_id, include_drafts=auth.viewer().sees_drafts)
    conditional.etag_version(version)
    return current_app.json.response(body), status, headers or {}


def matching_disputes(q: str) -> set[int]:
    """Disputes whose question, summary, claims or quotes match the words (full text)."""
    hits = search.search(q, kinds={"dispute", "claim", "quote"}, limit=search.MAX_LIMIT)
    return {hit.dispute_id for hit in hits if hit.dispute_id is not None}


@blp.route("")
class Disputes(MethodView):
    @blp.arguments(DisputeQuery, location="query")
    @blp.response(200, DisputeSchema(many=True))
    @paginated
    def get(self, query):
        """List disputes"""
        stmt = rec.listing(sa.select(Dispute), Dispute, query)
        if query.get("q"):
            stmt = stmt.where(Dispute.id.in_(matching_disputes(query["q"])))
        for column in ("event_id", "state"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Dispute, column) == query[column])
        return stmt.order_by(Dispute.id)

    @blp.requires(Action.LOG)
    @blp.arguments(DisputeSchema)
    @blp.response(201, DisputeDetailSchema)
    def post(self, data):
        """Log a dispute, optionally with its competing claims (all or nothing)

        Answers with the whole dispute, as `GET /disputes/{id}` gives it."""
        claims = data.pop("claims")
        dispute = service.log_dispute(actor=auth.current_user(), claims=claims, **data)
        return answer(dispute.id, status=201,
                      headers={"Location": url_for("disputes.dispute", record_id=dispute.id)})


@blp.route("/<int:record_id>", endpoint="dispute")
class DisputeResource(MethodView):
    @blp.response(200, DisputeDetailSchema)
    def get(self, record_id):
        """Get the whole dispute

        Event, claims (claimant with affiliation, attribution chain, sourcing level,
        appearances, quotes with integrity, current verdict) and the links touching them,
        in a constant number of queries whatever the dispute's size.
        """
        # DisputeDetailSchema's output, built from rows (app/reads/disputes.py)
        return answer(record_id)

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(DisputePatchSchema))
    @blp.response(200, DisputeDetailSchema)
    def patch(self, data, record_id):
        """Change a dispute's question, summary, slug or event

        Answers with the whole dispute, as `GET /disputes/{id}` gives it."""
        dispute, version = rec.for_update(Dispute, record_id)
        service.update_dispute(dispute, data, actor=auth.current_user(),
                               expected_version=version)
        return answer(record_id)

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a dispute (soft: editors can restore it)"""
        rec.delete(Dispute, record_id, query["reason"])


@blp.route("/<int:record_id>/state", endpoint="state")
class DisputeState(MethodView):
    @blp.requires(Action.CHANGE_STATE, if_match=True)
    @blp.arguments(StateChangeSchema)
    @blp.response(200, DisputeDetailSchema)
    def post(self, data, record_id):
        """Change where the dispute stands (open, contested, conceded, ...)

        Answers with the whole dispute, as `GET /disputes/{id}` gives it."""
        dispute, version = rec.for_update(Dispute, record_id)
        service.change_dispute_state(dispute, data["state"], actor=auth.current_user(),
                                     reason=data["reason"], expected_version=version)
        return answer(record_id)


blp.restore_route(Dispute, DisputeDetailSchema, "Restore a deleted dispute", answer=answer)

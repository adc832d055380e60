"""/api/v1/claims — one account each: what is asserted, by whom, through whom."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.matches import claim_matches
from app.api.pagination import paginated
from app.models import Claim, Dispute
from app.schemas.claims import ClaimPatchSchema, ClaimQuery, ClaimSchema
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.services import claims as service
from app.services.policy import Action

blp = ApiBlueprint("claims", __name__, url_prefix="/api/v1/claims",
                   description="Claims: competing accounts, with claimant, attribution "
                               "chain, sourcing level and appearances.")

# ClaimSchema shows the attribution chain and appearances: load them with the page.
LOAD = (selectinload(Claim.attributions), selectinload(Claim.appearances))



@blp.route("")
class Claims(MethodView):
    @blp.arguments(ClaimQuery, location="query")
    @blp.response(200, ClaimSchema(many=True))
    @paginated
    def get(self, query):
        """List claims"""
        # Joining the dispute hides the claims of deleted disputes with them.
        stmt = rec.listing(sa.select(Claim).join(Claim.dispute).options(*LOAD), Claim, query)
        for column in ("dispute_id", "claimant_id", "kind", "sourcing_level"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Claim, column) == query[column])
        if query.get("event_id") is not None:
            stmt = stmt.where(Dispute.event_id == query["event_id"])
        return stmt.order_by(Claim.id)

    @blp.requires(Action.LOG)
    @blp.arguments(ClaimSchema)
    @blp.response(201, ClaimSchema)
    def post(self, data):
        """Add a claim to a dispute (with its quotes, all or nothing)"""
        dispute_id = data.pop("dispute_id")
        claim = service.add_claim(dispute_id, actor=auth.current_user(), **data)
        # Has it been checked before? The journalist sees at once (the claim's page too).
        claim.matches = claim_matches(claim, limit=5)
        return rec.created(claim, "claims.claim")


@blp.route("/<int:record_id>", endpoint="claim")
class ClaimResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, ClaimSchema)
    def get(self, query, record_id):
        """Get a claim"""
        return rec.fetch(Claim, record_id, include_deleted=query["include_deleted"])

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(ClaimPatchSchema))
    @blp.response(200, ClaimSchema)
    def patch(self, data, record_id):
        """Change a claim (attributions/appearances, when given, replace the lists)"""
        claim, version = rec.for_update(Claim, record_id)
        return rec.done(service.update_claim(claim, data, actor=auth.current_user(),
                                             expected_version=version))

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a claim (soft: editors can restore it)"""
        rec.delete(Claim, record_id, query["reason"])


blp.restore_route(Claim, ClaimSchema, "Restore a deleted claim")

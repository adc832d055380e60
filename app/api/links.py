"""/api/v1/links — typed relations between two claims (denies, contradicts, supports,
corroborates, corrects, retracts, repeats, narrows), over a claim or one quote."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import aliased

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Claim, Link
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.schemas.links import LinkPatchSchema, LinkQuery, LinkSchema
from app.services import links as service
from app.services.policy import Action

blp = ApiBlueprint("links", __name__, url_prefix="/api/v1/links",
                   description="Links: `from_claim` <type> `to_claim`, scoped to the whole "
                               "claim or one quote of it.")



@blp.route("")
class Links(MethodView):
    @blp.arguments(LinkQuery, location="query")
    @blp.response(200, LinkSchema(many=True))
    @paginated
    def get(self, query):
        """List links"""
        source, target = aliased(Claim), aliased(Claim)
        # Joining both claims hides the links of deleted claims with them.
        stmt = (sa.select(Link).join(source, Link.from_claim_id == source.id)
                .join(target, Link.to_claim_id == target.id))
        stmt = rec.listing(stmt, Link, query)
        for column in ("from_claim_id", "to_claim_id", "type"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Link, column) == query[column])
        if query.get("claim_id") is not None:
            stmt = stmt.where(sa.or_(Link.from_claim_id == query["claim_id"],
                                     Link.to_claim_id == query["claim_id"]))
        return stmt.order_by(Link.id)

    @blp.requires(Action.LOG)
    @blp.arguments(LinkSchema)
    @blp.response(201, LinkSchema)
    def post(self, data):
        """Link two claims"""
        link = service.link_claims(
            data["from_claim_id"], data["to_claim_id"], data["type"],
            actor=auth.current_user(), scope=data["scope"],
            scope_quote_id=data["scope_quote_id"], note=data["note"])
        return rec.created(link, "links.link")


@blp.route("/<int:record_id>", endpoint="link")
class LinkResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, LinkSchema)
    def get(self, query, record_id):
        """Get a link"""
        return rec.fetch(Link, record_id, include_deleted=query["include_deleted"])

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(LinkPatchSchema))
    @blp.response(200, LinkSchema)
    def patch(self, data, record_id):
        """Change a link's type or note"""
        link, version = rec.for_update(Link, record_id)
        return rec.done(service.update_link(link, data, actor=auth.current_user(),
                                       expected_version=version))

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a link (soft: editors can restore it)"""
        rec.delete(Link, record_id, query["reason"])


blp.restore_route(Link, LinkSchema, "Restore a deleted link")

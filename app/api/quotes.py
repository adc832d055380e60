"""/api/v1/quotes — exact words attributed to a speaker, checked against the stored
text of a document (integrity computed: verbatim, altered, not found, unchecked)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Claim, Dispute, Quote
from app.schemas.common import DeleteArgs, DetailArgs, for_patch
from app.schemas.quotes import QuotePatchSchema, QuoteQuery, QuoteSchema
from app.services import claims as service
from app.services.policy import Action

blp = ApiBlueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                   description="Quotes: exact words with a text-quote selector into a "
                               "document; their integrity is computed, never typed.")



@blp.route("")
class Quotes(MethodView):
    @blp.arguments(QuoteQuery, location="query")
    @blp.response(200, QuoteSchema(many=True))
    @paginated
    def get(self, query):
        """List quotes"""
        # Joining claim and dispute hides the quotes of deleted claims and disputes.
        stmt = sa.select(Quote).join(Quote.claim).join(Claim.dispute)
        stmt = rec.listing(stmt, Quote, query)
        for column in ("claim_id", "speaker_id", "document_id", "integrity"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Quote, column) == query[column])
        if query.get("dispute_id") is not None:
            stmt = stmt.where(Dispute.id == query["dispute_id"])
        return stmt.order_by(Quote.id)

    @blp.requires(Action.LOG)
    @blp.arguments(QuoteSchema)
    @blp.response(201, QuoteSchema)
    def post(self, data):
        """Add a quote to a claim (its integrity is checked at once)"""
        claim_id = data.pop("claim_id")
        return rec.created(service.add_quote(claim_id, actor=auth.current_user(), **data),
                           "quotes.quote")


@blp.route("/<int:record_id>", endpoint="quote")
class QuoteResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, QuoteSchema)
    def get(self, query, record_id):
        """Get a quote"""
        return rec.fetch(Quote, record_id, include_deleted=query["include_deleted"])

    @blp.requires(Action.LOG, if_match=True)
    @blp.arguments(for_patch(QuotePatchSchema))
    @blp.response(200, QuoteSchema)
    def patch(self, data, record_id):
        """Change a quote (new words or selector are checked again)"""
        quote, version = rec.for_update(Quote, record_id)
        return rec.done(service.update_quote(quote, data, actor=auth.current_user(),
                                             expected_version=version))

    @blp.requires(Action.DELETE, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a quote (soft: editors can restore it)"""
        rec.delete(Quote, record_id, query["reason"])


blp.restore_route(Quote, QuoteSchema, "Restore a deleted quote")

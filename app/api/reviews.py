"""/api/v1/reviews — fact-checks imported from other publishers (`flask reviews import`),
shown as theirs; and /api/v1/aliases — other ways of writing names, read by search and
matching."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from app.api import auth
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import paginated
from app.models import Alias, Review
from app.schemas.known import AliasQuery, AliasSchema, ReviewQuery, ReviewSchema
from app.services import known
from app.services.policy import Action, get_visible

blp = ApiBlueprint("reviews", __name__, url_prefix="/api/v1",
                   description="Imported fact-checks (other publishers' ClaimReviews) and "
                               "aliases of names.")


@blp.route("/reviews")
class Reviews(MethodView):
    @blp.arguments(ReviewQuery, location="query")
    @blp.response(200, ReviewSchema(many=True))
    @paginated
    def get(self, query):
        """List imported fact-checks"""
        stmt = rec.listing(sa.select(Review), Review, query)
        for column in ("publisher", "language"):
            if query.get(column) is not None:
                stmt = stmt.where(getattr(Review, column) == query[column])
        return stmt.order_by(Review.id)


@blp.route("/reviews/<int:record_id>", endpoint="review")
class ReviewResource(MethodView):
    @blp.response(200, ReviewSchema)
    def get(self, record_id):
        """Get an imported fact-check"""
        return get_visible(Review, record_id, viewer=auth.viewer())


@blp.route("/aliases")
class Aliases(MethodView):
    @blp.arguments(AliasQuery, location="query")
    @blp.response(200, AliasSchema(many=True))
    @paginated
    def get(self, query):
        """List aliases of names"""
        stmt = rec.listing(sa.select(Alias), Alias, query)
        if query.get("source_id") is not None:
            stmt = stmt.where(Alias.source_id == query["source_id"])
        return stmt.order_by(Alias.id)

    @blp.requires(Action.LOG)
    @blp.arguments(AliasSchema)
    @blp.response(201, AliasSchema)
    def post(self, data):
        """Add an alias ("Kiev" for "Kyiv"): search and matching read it at once"""
        return known.add_alias(actor=auth.current_user(), **data)

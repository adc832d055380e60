"""/api/v1/ratings — the one documented rating scale every verdict uses."""

from __future__ import annotations

from flask.views import MethodView

from app.api.base import ApiBlueprint
from app.models import RATING_SCALE
from app.schemas.verdicts import RatingSchema

blp = ApiBlueprint("ratings", __name__, url_prefix="/api/v1/ratings",
                   description="The rating scale: value ↔ label (ClaimReview's ratingValue "
                               "and alternateName; worstRating 1, bestRating 5).")


@blp.route("")
class Ratings(MethodView):
    @blp.response(200, RatingSchema(many=True))
    def get(self):
        """The rating scale, worst first"""
        return [{"value": v, "label": label, "description": text}
                for v, label, text in RATING_SCALE]

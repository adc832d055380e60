"""/api/v1/matches — has this been checked before? Our claims and imported fact-checks
like a text, best first (app/services/matching.py); and, per claim, its likely matches
and the confirmation that it repeats one (`POST /claims/{id}/repeats`)."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from app.api import auth
from app.api.base import ApiBlueprint
from app.models import Claim
from app.schemas.known import ClaimMatchQuery, MatchQuery, MatchSchema, RepeatSchema
from app.schemas.links import LinkSchema
from app.services import known, matching
from app.services.policy import Action, get_visible

blp = ApiBlueprint("matches", __name__, url_prefix="/api/v1",
                   description="Known claims: our claims and other fact-checkers' reviews "
                               "like a text, scored 0-1, with their verdicts or ratings.")


def claim_matches(claim: Claim, *, limit: int = 10, language: str | None = None) -> list[dict]:
    """The likely matches of a claim of ours (itself and what it already repeats left out)."""
    found = matching.find_matches(
        claim.statement, viewer=auth.viewer(), limit=limit,
        language=claim.language if language is None else language,
        exclude_claim_ids={claim.id})
    return [m.as_dict() for m in found]


@blp.route("/matches")
class Matches(MethodView):
    @blp.arguments(MatchQuery, location="query")
    @blp.response(200, MatchSchema(many=True))
    def get(self, query):
        """Known claims and fact-checks like a text"""
        found = matching.find_matches(query["text"], viewer=auth.viewer(),
                                      limit=query["limit"], language=query.get("language", ""))
        return [m.as_dict() for m in found]


@blp.route("/claims/<int:record_id>/matches", endpoint="claim_matches")
class ClaimMatches(MethodView):
    @blp.arguments(ClaimMatchQuery, location="query")
    @blp.response(200, MatchSchema(many=True))
    def get(self, query, record_id):
        """Known claims and fact-checks like this claim"""
        claim = get_visible(Claim, record_id, viewer=auth.viewer())
        return claim_matches(claim, limit=query["limit"], language=query.get("language"))


@blp.route("/claims/<int:record_id>/repeats", endpoint="claim_repeats")
class ClaimRepeats(MethodView):
    @blp.requires(Action.LOG)
    @blp.arguments(RepeatSchema)
    @blp.response(201, LinkSchema)
    @blp.alt_response(200, schema=LinkSchema, description="Already recorded: unchanged.")
    def post(self, data, record_id):
        """Confirm that this claim repeats another (its verdict is reused)"""
        link, new = known.confirm_repeat(record_id, data["original_claim_id"],
                                         actor=auth.current_user(), note=data["note"])
        headers = {"Location": url_for("links.link", record_id=link.id)}
        return link, 201 if new else 200, headers

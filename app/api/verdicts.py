"""/api/v1/verdicts — editorial judgements, and the consumer feed.

Journalists draft, editors publish, correct (a new version with a reason) and
withdraw. Readers only ever see published and withdrawn verdicts; the feed is ordered
by (updated_at, id) with an opaque cursor, so corrections and withdrawals, which touch
`updated_at`, come round again to every consumer that syncs.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask.views import MethodView
from sqlalchemy.orm import joinedload, selectinload

from app.api import auth, conditional
from app.api import resource as rec
from app.api.base import ApiBlueprint
from app.api.pagination import FEED_HEADERS, keyset_page, link_header, page_url
from app.extensions import db
from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    Dispute,
    Document,
    Verdict,
    VerdictState,
    VerdictVersion,
)
from app.reads import verdicts as verdict_reads
from app.schemas.common import DeleteArgs, DetailArgs, ErrorSchema, for_patch
from app.schemas.verdicts import (
    CorrectionSchema,
    FeedQuery,
    VerdictDraftPatchSchema,
    VerdictDraftSchema,
    VerdictSchema,
    VersionSchema,
    WithdrawalSchema,
)
from app.services import policy
from app.services import verdicts as service
from app.services.claimreview import claimreview, verdict_page_url
from app.services.errors import InvalidTransition, NotFound
from app.services.known import repeats_of
from app.services.policy import Action

blp = ApiBlueprint("verdicts", __name__, url_prefix="/api/v1/verdicts",
                   description="Verdicts: draft, publish, correct, withdraw; the consumer "
                               "feed; each verdict's public history and ClaimReview.")

CLAIMREVIEW_LOAD = (
    joinedload(Claim.claimant),
    selectinload(Claim.attributions).joinedload(ClaimAttribution.source),
    joinedload(Claim.first_appearance).joinedload(Document.publisher),
    selectinload(Claim.appearances).joinedload(ClaimAppearance.document)
    .joinedload(Document.publisher),
)

CLAIMREVIEW_DOC = {
    "type": "object",
    "description": "schema.org ClaimReview (JSON-LD).",
    "properties": {
        "@context": {"type": "string"}, "@type": {"type": "string"},
        "url": {"type": "string"}, "claimReviewed": {"type": "string", "description":
            "The claim, whole when it fits 75 characters, else cut where a reader would "
            "stop — never inside a quotation (whole when no such cut fits)."},
        "datePublished": {"type": "string"}, "dateModified": {"type": "string"},
        "author": {"type": "object"}, "reviewRating": {"type": "object"},
        "itemReviewed": {"type": "object"},
    },
    "required": ["@context", "@type", "url", "claimReviewed", "reviewRating",
                 "itemReviewed", "author", "datePublished"],
}


def answer(record_id: int, viewer: policy.Viewer | None = None, status: int = 200,
           headers: dict[str, str] | None = None):
    """The verdict as `viewer` (by default the caller) sees it, from the read model that
    answers GET (app/reads/verdicts.py): writes answer with exactly what a GET gives."""
    body, version = verdict_reads.one(record_id, viewer or auth.viewer())
    conditional.etag_version(version)
    return current_app.json.response(body), status, headers or {}


def written(verdict: Verdict):
    """A write's answer: the verdict as its writer now sees it."""
    return answer(verdict.id)


def visible_rows(include_deleted: bool) -> sa.Select:
    """The verdict rows this caller may see (`verdict_reads.visible_rows`)."""
    return verdict_reads.visible_rows(auth.viewer(include_deleted=include_deleted))


@blp.route("")
class Verdicts(MethodView):
    @blp.arguments(FeedQuery, location="query")
    @blp.response(200, VerdictSchema(many=True), headers=FEED_HEADERS)
    def get(self, query):
        """The verdict feed

        Ordered by (updated_at, id). First sync with `updated_since`, then follow
        `Link: rel="next"` while it is there; keep `X-Next-Cursor` and pass it as
        `cursor` next time to get only what changed since — corrections and withdrawals
        included. Readers see published and withdrawn verdicts only.

        Paged by `cursor`/`limit`, not `page`/`per_page` as other lists: a keyset
        position in (updated_at, id) stays put while editors correct and withdraw, where
        a page number shifts under a sync and skips or repeats verdicts.
        """
        stmt = visible_rows(query["include_deleted"])
        if query.get("updated_since") is not None:
            stmt = stmt.where(Verdict.updated_at >= query["updated_since"])
        filters = {"state": Verdict.state, "rating_value": Verdict.rating_value,
                   "claim_id": Verdict.claim_id, "dispute_id": Claim.dispute_id,
                   "claimant_id": Claim.claimant_id, "event_id": Dispute.event_id}
        for name, column in filters.items():
            if query.get(name) is not None:
                stmt = stmt.where(column == query[name])
        rows, cursor, more = keyset_page(stmt, Verdict, cursor=query.get("cursor"),
                                         limit=query["limit"])
        headers = {}
        if cursor:
            headers["X-Next-Cursor"] = cursor
        if more:
            headers["Link"] = link_header([("next", page_url(cursor=cursor))])
        # VerdictSchema's output, built from rows (app/reads/verdicts.py)
        return current_app.json.response(verdict_reads.as_dicts(rows)), 200, headers

    @blp.requires(Action.DRAFT)
    @blp.arguments(VerdictDraftSchema)
    @blp.response(201, VerdictSchema)
    def post(self, data):
        """Draft a verdict on a claim"""
        verdict = service.draft_verdict(data["claim_id"], data["rating_value"],
                                        data["rationale"], data["evidence"],
                                        actor=auth.current_user(),
                                        language=data.get("language"))
        return answer(verdict.id, status=201,
                      headers={"Location": url_for("verdicts.verdict", record_id=verdict.id)})


@blp.route("/<int:record_id>", endpoint="verdict")
class VerdictResource(MethodView):
    @blp.arguments(DetailArgs, location="query")
    @blp.response(200, VerdictSchema)
    def get(self, query, record_id):
        """Get a verdict"""
        return answer(record_id, auth.viewer(include_deleted=query["include_deleted"]))

    @blp.requires(Action.DRAFT, if_match=True)
    @blp.arguments(for_patch(VerdictDraftPatchSchema))
    @blp.response(200, VerdictSchema)
    def patch(self, data, record_id):
        """Change a draft (a published verdict is corrected instead)"""
        verdict, version = rec.for_update(Verdict, record_id)
        return written(service.update_draft(verdict, actor=auth.current_user(),
                                             expected_version=version, **data))

    @blp.requires(Action.DRAFT, if_match=True)
    @blp.arguments(DeleteArgs, location="query")
    @blp.response(204)
    def delete(self, query, record_id):
        """Delete a draft (soft; a published verdict is withdrawn instead)"""
        verdict, _ = rec.for_update(Verdict, record_id)
        if verdict.state is not VerdictState.DRAFT:
            raise InvalidTransition(
                f"Verdict {record_id} is {verdict.state.value}: withdraw it, with a reason, "
                "so consumers learn of it.")
        rec.delete(Verdict, record_id, query["reason"])


@blp.route("/<int:record_id>/publish", endpoint="publish")
class Publish(MethodView):
    @blp.requires(Action.PUBLISH, if_match=True)
    @blp.response(200, VerdictSchema)
    def post(self, record_id):
        """Publish a draft"""
        verdict, version = rec.for_update(Verdict, record_id)
        return written(service.publish(verdict, actor=auth.current_user(),
                                        expected_version=version))


@blp.route("/<int:record_id>/correct", endpoint="correct")
class Correct(MethodView):
    @blp.requires(Action.CORRECT, if_match=True)
    @blp.arguments(CorrectionSchema)
    @blp.response(200, VerdictSchema)
    def post(self, data, record_id):
        """Correct a published verdict: a new public version, with its reason"""
        verdict, version = rec.for_update(Verdict, record_id)
        return written(service.correct(verdict, actor=auth.current_user(),
                                        expected_version=version, **data))


@blp.route("/<int:record_id>/withdraw", endpoint="withdraw")
class Withdraw(MethodView):
    @blp.requires(Action.WITHDRAW, if_match=True)
    @blp.arguments(WithdrawalSchema)
    @blp.response(200, VerdictSchema)
    def post(self, data, record_id):
        """Withdraw a published verdict, publicly, with a reason"""
        verdict, version = rec.for_update(Verdict, record_id)
        return written(service.withdraw(verdict, actor=auth.current_user(), reason=data["reason"],
                                         expected_version=version))


blp.restore_route(Verdict, VerdictSchema, "Restore a deleted draft", answer=answer)


@blp.route("/<int:record_id>/history", endpoint="history")
class History(MethodView):
    @blp.response(200, VersionSchema(many=True))
    def get(self, record_id):
        """Every version of a verdict, with the reason for each"""
        verdict = rec.fetch(Verdict, record_id)
        versions = db.session.scalars(
            sa.select(VerdictVersion).where(VerdictVersion.verdict_id == verdict.id)
            .where(VerdictVersion.state.in_(policy.verdict_states(auth.viewer())))
            .options(joinedload(VerdictVersion.author),
                     selectinload(VerdictVersion.evidence))
            .order_by(VerdictVersion.number)
        ).all()
        return versions


@blp.route("/<int:record_id>/claimreview", endpoint="claimreview")
class ClaimReview(MethodView):
    @blp.response(200, CLAIMREVIEW_DOC, content_type="application/ld+json")
    @blp.alt_response(410, schema=ErrorSchema, description="The verdict was withdrawn: no "
                      "rating of it is published any more. The message says when and why; "
                      "`Link: <…/history>; rel=\"version-history\"` points at its history.")
    def get(self, record_id):
        """schema.org ClaimReview (JSON-LD) of a published verdict"""
        verdict = rec.fetch(Verdict, record_id)
        # What the JSON-LD shows, in a fixed number of queries whatever the verdict (lazy
        # loads cost one per appearance otherwise); it fills the objects in the session.
        db.session.scalars(
            sa.select(Verdict).where(Verdict.id == verdict.id)
            .options(joinedload(Verdict.claim).options(*CLAIMREVIEW_LOAD),
                     selectinload(Verdict.versions))
        ).unique().all()
        if verdict.state is VerdictState.DRAFT:
            raise NotFound(f"Verdict {record_id} is a draft: it has a ClaimReview once "
                           "published.")
        body = claimreview(verdict, url=verdict_page_url(verdict), base_url=request.host_url,
                           history_url=url_for("verdicts.history", record_id=verdict.id,
                                               _external=True),
                           repeats=repeats_of(verdict.claim_id))
        return current_app.response_class(current_app.json.dumps(body),
                                          mimetype="application/ld+json")

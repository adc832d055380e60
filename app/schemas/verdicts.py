"""Verdicts: a rating on the one scale, a rationale and evidence; versioned."""

from __future__ import annotations

from marshmallow import ValidationError, fields, pre_dump, validate, validates_schema

from app.models import (
    BEST_RATING,
    RATING_LABELS,
    WORST_RATING,
    Stance,
    Verdict,
    VerdictEvidence,
    VerdictState,
    VerdictVersion,
)
from app.models.base import max_length
from app.schemas.common import (
    Enum,
    Id,
    Integer,
    Language,
    Prose,
    QueryId,
    RecordSchema,
    Schema,
    Text,
    UserRefSchema,
    UTCDateTime,
)
from app.services.claimreview import page_urls, verdict_page_url
from app.services.policy import shows_rating

RATING = validate.Range(WORST_RATING, BEST_RATING)
RATING_HELP = "; ".join(f"{value} {label}" for value, label in RATING_LABELS.items())


def Rating(**kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=RATING,
                          metadata={"description": f"On the scale: {RATING_HELP}."}, **kwargs)


class EvidenceSchema(Schema):
    """A claim or a document (exactly one) the verdict rests on, with its stance."""

    claim_id = Id(allow_none=True, load_default=None)
    document_id = Id(allow_none=True, load_default=None)
    stance = Enum(Stance, required=True)
    note = Prose(max_length(VerdictEvidence.note), load_default="")

    @validates_schema
    def _one_target(self, data, **kwargs):
        # refused here, before anything else is judged (a stale If-Match, say): the
        # document states the rule, so a request breaking it is invalid as a whole
        if (data.get("claim_id") is None) == (data.get("document_id") is None):
            raise ValidationError("give exactly one of claim_id, document_id")

    # Exactly one of claim_id and document_id (services.verdicts holds it too), as the
    # OpenAPI document states it (app/api/openapi.py).
    OPENAPI_SHAPES = [
        {"title": "A claim", "required": ["claim_id"],
         "properties": {"claim_id": {"type": "integer"},
                        "document_id": {"not": {"type": "integer"}}}},
        {"title": "A document", "required": ["document_id"],
         "properties": {"document_id": {"type": "integer"},
                        "claim_id": {"not": {"type": "integer"}}}},
    ]


class _Current:
    """A verdict as the API shows it: its row plus its current version's evidence, and no
    rating once withdrawn (the policy's `shows_rating`): its withdrawal instead."""

    __slots__ = ("verdict",)

    def __init__(self, verdict: Verdict):
        self.verdict = verdict

    def __getattr__(self, name):
        return getattr(self.verdict, name)

    @property
    def _latest(self):
        return self.verdict.versions[-1] if self.verdict.versions else None

    @property
    def evidence(self):
        return self._latest.evidence if self._latest is not None else []

    @property
    def rating_value(self) -> int | None:
        return self.verdict.rating_value if shows_rating(self.verdict.state) else None

    @property
    def rating_label(self) -> str | None:
        return RATING_LABELS[self.verdict.rating_value] if shows_rating(self.verdict.state) \
            else None

    @property
    def withdrawal_reason(self) -> str | None:
        withdrawn = self.verdict.state is VerdictState.WITHDRAWN
        return self._latest.reason if withdrawn and self._latest is not None else None

    @property
    def withdrawn_at(self):
        withdrawn = self.verdict.state is VerdictState.WITHDRAWN
        return self._latest.published_at if withdrawn and self._latest is not None else None

    @property
    def dispute_id(self) -> int | None:
        claim = self.verdict.claim  # None when the claim is deleted (editors' views)
        return claim.dispute_id if claim is not None else None

    @property
    def statement(self) -> str | None:
        claim = self.verdict.claim
        return claim.statement if claim is not None else None

    @property
    def url(self) -> str:
        return verdict_page_url(self.verdict)

    @property
    def dispute_url(self) -> str | None:
        return page_urls().dispute(self.dispute_id)


class VerdictDraftSchema(Schema):
    """What a journalist writes: a rating on the scale, a rationale, evidence."""

    claim_id = Id(required=True)
    rating_value = Rating(required=True)
    rationale = Prose(max_length(Verdict.rationale), min_length=1, required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), load_default=list,
                           validate=validate.Length(max=100))
    language = Language(metadata={"description": "The rationale's language (ClaimReview "
                                                 "inLanguage); default DEFAULT_LANGUAGE."})


class VerdictDraftPatchSchema(VerdictDraftSchema):
    """A draft's changes (published verdicts are corrected, never edited)."""

    class Meta:
        exclude = ("claim_id",)


class VerdictSchema(RecordSchema):
    """A verdict as it is shown (the feed, a verdict, the answer to every write)."""

    claim_id = fields.Integer(dump_only=True)
    dispute_id = fields.Integer(dump_only=True, allow_none=True)
    statement = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The claim's words, as its page and the ClaimReview show them."})
    url = fields.String(dump_only=True, metadata={
        "format": "uri", "description": "The verdict on its claim's page (the ClaimReview's "
                                        "`url`): absolute."})
    dispute_url = fields.String(dump_only=True, allow_none=True, metadata={
        "format": "uri", "description": "The page of the claim's dispute, where the competing "
                                        "accounts stand side by side: absolute."})
    state = Enum(VerdictState, dump_only=True)
    rating_value = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": f"On the scale: {RATING_HELP}. Null once withdrawn: a retracted "
                       "rating is not published any more."})
    rating_label = fields.String(dump_only=True, allow_none=True)
    rationale = fields.String(dump_only=True)
    language = fields.String(dump_only=True, metadata={
        "description": "BCP-47 tag of the rationale's language."})
    evidence = fields.List(fields.Nested(EvidenceSchema), dump_only=True)
    withdrawal_reason = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Why it was withdrawn (withdrawn verdicts only): remove its rating."})
    withdrawn_at = fields.DateTime(dump_only=True, allow_none=True)
    current_version = fields.Integer(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True,
                                   metadata={"description": "When it was first published."})
    author = fields.Nested(UserRefSchema, dump_only=True)

    @pre_dump
    def _current(self, verdict, **kwargs):
        return _Current(verdict) if isinstance(verdict, Verdict) else verdict


class CorrectionSchema(Schema):
    """A new published version; what is not given is carried over."""

    reason = Prose(max_length(VerdictVersion.reason), min_length=1, required=True)
    rating_value = Rating()
    rationale = Prose(max_length(Verdict.rationale), min_length=1)
    evidence = fields.List(fields.Nested(EvidenceSchema), validate=validate.Length(max=100))


class WithdrawalSchema(Schema):
    reason = Prose(max_length(VerdictVersion.reason), min_length=1, required=True)


class VersionSchema(Schema):
    """One version in a verdict's public history."""

    number = fields.Integer()
    state = Enum(VerdictState)
    rating_value = fields.Function(
        lambda v: v.rating_value if shows_rating(v.state) else None, allow_none=True,
        metadata={"type": "integer", "description": "Null for the withdrawal itself."})
    rating_label = fields.Function(
        lambda v: RATING_LABELS[v.rating_value] if shows_rating(v.state) else None,
        allow_none=True, metadata={"type": "string"})
    rationale = fields.String()
    reason = fields.String(metadata={"description": "Why this version exists (from 2 on)."})
    author = fields.Nested(UserRefSchema)
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    evidence = fields.List(fields.Nested(EvidenceSchema))


class FeedQuery(Schema):
    updated_since = UTCDateTime(metadata={
        "description": "Only verdicts changed at or after this time (first sync)."})
    cursor = Text(single_line=True, validate=[
        validate.Length(1, 200),
        validate.Regexp(r"^[A-Za-z0-9_-]+$", error="Not a cursor this API handed out.")],
        metadata={"description": "Resume after this position (from X-Next-Cursor or Link "
                                 "next): an opaque token only the API hands out."})
    limit = Integer(load_default=50, validate=validate.Range(1, 100))
    state = Enum(VerdictState, metadata={
        "description": "Readers see published and withdrawn verdicts only."})
    rating_value = Integer(validate=RATING)
    claim_id = QueryId()
    dispute_id = QueryId()
    event_id = QueryId()
    claimant_id = QueryId()
    include_deleted = fields.Boolean(load_default=False, metadata={
        "description": "Also soft-deleted (draft) verdicts (editors only)."})


class RatingSchema(Schema):
    value = fields.Integer()
    label = fields.String()
    description = fields.String()

"""Verdicts: a rating on the one scale, a rationale and evidence; versioned."""

from __future__ import annotations

from marshmallow import fields, pre_dump, validate

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
    Prose,
    QueryId,
    RecordSchema,
    Schema,
    Text,
    UserRefSchema,
    UTCDateTime,
)

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

    # Exactly one of claim_id and document_id (services.verdicts holds it), as the
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
    """A verdict as the API shows it: its row plus its current version's evidence."""

    __slots__ = ("verdict",)

    def __init__(self, verdict: Verdict):
        self.verdict = verdict

    def __getattr__(self, name):
        return getattr(self.verdict, name)

    @property
    def evidence(self):
        return self.verdict.versions[-1].evidence if self.verdict.versions else []

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.verdict.rating_value]

    @property
    def dispute_id(self) -> int | None:
        claim = self.verdict.claim  # None when the claim is deleted (editors' views)
        return claim.dispute_id if claim is not None else None


class VerdictSchema(RecordSchema):
    claim_id = Id(required=True)
    dispute_id = fields.Integer(dump_only=True, allow_none=True)
    state = Enum(VerdictState, dump_only=True)
    rating_value = Rating(required=True)
    rating_label = fields.String(dump_only=True)
    rationale = Prose(max_length(Verdict.rationale), min_length=1, required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), load_default=list,
                           validate=validate.Length(max=100))
    current_version = fields.Integer(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True,
                                   metadata={"description": "When it was first published."})
    author = fields.Nested(UserRefSchema, dump_only=True)

    @pre_dump
    def _current(self, verdict, **kwargs):
        return _Current(verdict) if isinstance(verdict, Verdict) else verdict


class VerdictPatchSchema(VerdictSchema):
    """A draft's changes (published verdicts are corrected, never edited)."""

    class Meta:
        exclude = ("claim_id",)


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
    rating_value = fields.Integer()
    rating_label = fields.Function(lambda v: RATING_LABELS[v.rating_value],
                                   metadata={"type": "string"})
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

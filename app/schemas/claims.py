"""Claims: one account each, with claimant, attribution chain and appearances."""

from __future__ import annotations

from marshmallow import fields, validate

from app.models import (
    Claim,
    ClaimAppearance,
    ClaimAttribution,
    ClaimKind,
    DatePrecision,
    SourcingLevel,
)
from app.models.base import max_length
from app.schemas.common import (
    Enum,
    Id,
    Language,
    Line,
    PageArgs,
    Prose,
    QueryId,
    RecordSchema,
    Schema,
    UTCDateTime,
)
from app.schemas.known import MatchSchema
from app.schemas.quotes import QuoteFields


class AttributionSchema(Schema):
    """One carrier in the attribution chain, outermost first (CNN ← a Ukrainian source)."""

    position = fields.Integer(dump_only=True)
    source_id = Id(required=True)
    relation = Line(max_length(ClaimAttribution.relation), load_default="citing",
                    metadata={"example": "citing"})


class AppearanceSchema(Schema):
    """A document, other than the first appearance, where the claim appeared."""

    document_id = Id(required=True)
    note = Line(max_length(ClaimAppearance.note), min_length=0, load_default="")


class ClaimFields(Schema):
    """What a journalist states about one account."""

    position = fields.Integer(strict=True, validate=validate.Range(0, 10_000),
                              metadata={"description": "Column order on the dispute page."})
    claimant_id = Id(required=True)
    statement = Prose(max_length(Claim.statement), min_length=1, required=True)
    kind = Enum(ClaimKind, required=True)
    sourcing_level = Enum(SourcingLevel, required=True)
    independent_sources = fields.Integer(strict=True, load_default=1,
                                         validate=validate.Range(0, 1000))
    stated_at = UTCDateTime(allow_none=True, load_default=None)
    stated_precision = Enum(DatePrecision, load_default=DatePrecision.DAY)
    first_appearance_id = Id(allow_none=True, load_default=None)
    language = Language()
    attributions = fields.List(fields.Nested(AttributionSchema), load_default=list,
                               validate=validate.Length(max=20))
    appearances = fields.List(fields.Nested(AppearanceSchema), load_default=list,
                              validate=validate.Length(max=100), metadata={
                                  "description": "Each document at most once."})


class DisputeClaimSchema(ClaimFields):
    """A claim logged together with its dispute (and, optionally, its quotes)."""

    quotes = fields.List(fields.Nested(QuoteFields), load_default=list,
                         validate=validate.Length(max=50))


class ClaimSchema(DisputeClaimSchema, RecordSchema):
    dispute_id = Id(required=True)
    quotes = fields.List(fields.Nested(QuoteFields), load_default=list, load_only=True,
                         validate=validate.Length(max=50),
                         metadata={"description": "Quotes to log with the claim."})
    # Only in the answer to a POST: has this been checked before? (GET
    # /claims/{id}/matches asks again.)
    matches = fields.List(fields.Nested(MatchSchema), dump_only=True, metadata={
        "description": "In the answer to a new claim only: known claims and fact-checks "
                       "like it, best first (see GET /matches)."})


class ClaimPatchSchema(ClaimSchema):
    """A claim's changes; attributions/appearances, when given, replace the old lists."""

    class Meta:
        exclude = ("dispute_id", "quotes")


class ClaimQuery(PageArgs):
    dispute_id = QueryId()
    event_id = QueryId()
    claimant_id = QueryId()
    kind = Enum(ClaimKind)
    sourcing_level = Enum(SourcingLevel)

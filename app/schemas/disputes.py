"""Disputes: one question at issue about an event; the whole dispute in one read."""

from __future__ import annotations

from marshmallow import fields, pre_dump, validate

from app.models import (
    ClaimKind,
    DatePrecision,
    Dispute,
    DisputeState,
    LinkScope,
    LinkType,
    QuoteIntegrity,
    Revision,
    SourceKind,
    SourcingLevel,
    VerdictState,
)
from app.models.base import max_length
from app.schemas.claims import DisputeClaimSchema
from app.schemas.common import (
    Enum,
    Id,
    Line,
    PageArgs,
    Prose,
    QueryId,
    RecordSchema,
    Schema,
    Slug,
    Text,
)
from app.schemas.events import EventSchema
from app.schemas.quotes import DifferenceSchema
from app.services.policy import shows_rating


class DisputeSchema(RecordSchema):
    event_id = Id(required=True)
    slug = Slug(max_length(Dispute.slug), required=True)
    question = Line(max_length(Dispute.question), required=True, metadata={
        "example": 'Did Biden warn Zelensky that Kyiv could be "sacked"?'})
    summary = Prose(max_length(Dispute.summary), load_default="")
    state = Enum(DisputeState, load_default=DisputeState.OPEN, metadata={
        "description": "Where the dispute stands (not a truth verdict). A new dispute is "
                       "open unless an editor logs it in another state; afterwards editors "
                       "change it through /disputes/{id}/state, with a reason."})
    claims = fields.List(fields.Nested(DisputeClaimSchema), load_only=True,
                         load_default=list, validate=validate.Length(max=100),
                         metadata={"description": "The competing claims, logged with it."})


class DisputePatchSchema(DisputeSchema):
    class Meta:
        exclude = ("claims", "state")


class DisputeQuery(PageArgs):
    q = Text(single_line=True, validate=validate.Length(1, 200), metadata={
        "description": "Full-text words in the question, summary, claims or quotes "
                       "(the 100 best-matching disputes)."})
    event_id = QueryId()
    state = Enum(DisputeState)


class StateChangeSchema(Schema):
    state = Enum(DisputeState, required=True)
    reason = Prose(max_length(Revision.reason), min_length=1, required=True, metadata={
        "description": "Why: shown publicly on the dispute's page and in its history."})


# -- the whole dispute (read only) ------------------------------------------------------


class AffiliationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    title = fields.String()


class SourceRefSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    kind = Enum(SourceKind)
    title = fields.String()
    description = fields.String()


class _Claimant:
    __slots__ = ("source",)

    def __init__(self, source):
        self.source = source

    def __getattr__(self, name):
        return getattr(self.source, name)

    @property
    def affiliation(self):
        return self.source.affiliation_chain()[1:]


class ClaimantSchema(SourceRefSchema):
    affiliation = fields.List(fields.Nested(AffiliationSchema), metadata={
        "description": "What the claimant belongs to, nearest first (NSC, White House)."})

    @pre_dump
    def _with_affiliation(self, source, **kwargs):
        return _Claimant(source)


class DocumentRefSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    url = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    publisher_id = fields.Integer(allow_none=True)
    text_sha256 = fields.String(allow_none=True)


class ChainLinkSchema(Schema):
    position = fields.Integer()
    relation = fields.String()
    source = fields.Nested(SourceRefSchema, allow_none=True)


class AppearanceRefSchema(Schema):
    document = fields.Nested(DocumentRefSchema, allow_none=True)
    note = fields.String()


class DetailQuoteSchema(Schema):
    id = fields.Integer()
    speaker = fields.Nested(SourceRefSchema, allow_none=True)
    document_id = fields.Integer(allow_none=True)
    exact = fields.String()
    prefix = fields.String()
    suffix = fields.String()
    integrity = Enum(QuoteIntegrity)
    closest_match = fields.String(allow_none=True)
    diff = fields.Raw(allow_none=True)
    differences = fields.List(fields.Nested(DifferenceSchema), allow_none=True)
    checked_at = fields.DateTime(allow_none=True)
    checked_version = fields.Integer(allow_none=True)
    last_seen_version = fields.Integer(allow_none=True)
    changed_version = fields.Integer(allow_none=True)
    lock_version = fields.Integer()


class VerdictSummarySchema(Schema):
    id = fields.Integer()
    state = Enum(VerdictState)
    rating_value = fields.Function(
        lambda v: v.rating_value if shows_rating(v.state) else None, allow_none=True,
        metadata={"type": "integer", "description": "Null once withdrawn."})
    rating_label = fields.Function(
        lambda v: v.rating.label if shows_rating(v.state) else None, allow_none=True,
        metadata={"type": "string"})
    rationale = fields.String()
    withdrawal_reason = fields.Function(
        lambda v: v.versions[-1].reason if v.state is VerdictState.WITHDRAWN else None,
        allow_none=True, metadata={"type": "string", "description": "Why it was withdrawn."})
    current_version = fields.Integer()
    published_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()


class DetailClaimSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    statement = fields.String()
    kind = Enum(ClaimKind)
    sourcing_level = Enum(SourcingLevel)
    independent_sources = fields.Integer()
    stated_at = fields.DateTime(allow_none=True)
    stated_precision = Enum(DatePrecision)
    claimant = fields.Nested(ClaimantSchema, allow_none=True, metadata={
        "description": "Null only if its source was deleted (refused while in use)."})
    attribution_chain = fields.List(fields.Nested(ChainLinkSchema), attribute="attributions",
                                    metadata={"description": "Outermost carrier first."})
    first_appearance = fields.Nested(DocumentRefSchema, allow_none=True)
    appearances = fields.List(fields.Nested(AppearanceRefSchema))
    quotes = fields.List(fields.Nested(DetailQuoteSchema))
    verdict = fields.Nested(VerdictSummarySchema, allow_none=True, metadata={
        "description": "The current verdict (drafts only for staff)."})
    updated_at = fields.DateTime()
    lock_version = fields.Integer()


class DetailLinkSchema(Schema):
    id = fields.Integer()
    from_claim_id = fields.Integer()
    to_claim_id = fields.Integer()
    type = Enum(LinkType)
    scope = Enum(LinkScope)
    scope_quote_id = fields.Integer(allow_none=True)
    scope_quote_exact = fields.Function(
        lambda link: link.scope_quote.exact if link.scope_quote is not None else None,
        allow_none=True, metadata={"type": "string", "nullable": True,
                                   "description": "The words the link is about."})
    note = fields.String()
    lock_version = fields.Integer()


class _ClaimView:
    """A claim of the aggregate, with the verdict its viewer may see."""

    __slots__ = ("claim", "verdict")

    def __init__(self, claim, verdict):
        self.claim, self.verdict = claim, verdict

    def __getattr__(self, name):
        return getattr(self.claim, name)


class _DisputeView:
    __slots__ = ("detail", "claims")

    def __init__(self, detail):
        self.detail = detail
        self.claims = [_ClaimView(c, detail.verdicts.get(c.id)) for c in detail.claims]

    @property
    def links(self):
        return self.detail.links

    def __getattr__(self, name):
        return getattr(self.detail.dispute, name)


class DisputeDetailSchema(DisputeSchema):
    """The whole dispute: event, claims (claimant, attribution chain, appearances,
    quotes with integrity, current verdict) and every link touching its claims.

    The API serves it from rows (app/reads/disputes.py); this schema documents
    it and dumps the ORM aggregate (app.reads.aggregates.DisputeDetail) the same way,
    which tests/services/test_dispute_reads.py holds the rows to."""

    event = fields.Nested(EventSchema, dump_only=True)
    claims = fields.List(fields.Nested(DetailClaimSchema), dump_only=True)
    links = fields.List(fields.Nested(DetailLinkSchema), dump_only=True)

    @pre_dump
    def _aggregate(self, detail, **kwargs):
        return _DisputeView(detail) if hasattr(detail, "verdicts") else detail

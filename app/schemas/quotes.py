"""Quotes: exact words attributed to a speaker, anchored in a document."""

from __future__ import annotations

from marshmallow import fields

from app.models import Quote, QuoteIntegrity
from app.models.base import max_length
from app.schemas.common import Enum, Id, PageArgs, Prose, QueryId, RecordSchema, Schema


class QuoteFields(Schema):
    """Exact words and a W3C text-quote selector into a document's stored text."""

    speaker_id = Id(required=True)
    document_id = Id(allow_none=True, load_default=None)
    exact = Prose(max_length(Quote.exact), min_length=1, required=True)
    prefix = Prose(max_length(Quote.prefix), load_default="")
    suffix = Prose(max_length(Quote.suffix), load_default="")


class QuoteSchema(QuoteFields, RecordSchema):
    claim_id = Id(required=True)
    integrity = Enum(QuoteIntegrity, dump_only=True, metadata={
        "description": "Computed against the newest version of the document that has "
                       "text, never typed: verbatim, altered (with `diff`), not_found, "
                       "unchecked (no text), or removed (the words were in an earlier "
                       "version and are not where they were in the newest)."})
    closest_match = fields.String(dump_only=True, allow_none=True)
    diff = fields.Raw(dump_only=True, allow_none=True,
                      metadata={"description": "Word differences when altered."})
    checked_at = fields.DateTime(dump_only=True, allow_none=True)
    checked_sha256 = fields.String(dump_only=True, allow_none=True)
    checked_version = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The document version it was checked against (its number)."})
    last_seen_version = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "Removed or altered by the source: the last version that had "
                       "the words as quoted."})
    changed_version = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "Removed or altered by the source: the version that changed them."})


class QuotePatchSchema(QuoteSchema):
    class Meta:
        exclude = ("claim_id",)


class QuoteQuery(PageArgs):
    claim_id = QueryId()
    dispute_id = QueryId()
    speaker_id = QueryId()
    document_id = QueryId()
    integrity = Enum(QuoteIntegrity)

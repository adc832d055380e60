"""Quotes: exact words attributed to a speaker, anchored in a document."""

from __future__ import annotations

from marshmallow import fields, validate

from app.models import Quote, QuoteIntegrity
from app.models.base import max_length
from app.schemas.common import Enum, Id, PageArgs, Prose, QueryId, RecordSchema, Schema
from app.services.differences import DETAILS, KINDS, MEANINGS


class QuoteFields(Schema):
    """Exact words and a W3C text-quote selector into a document's stored text."""

    speaker_id = Id(required=True)
    document_id = Id(allow_none=True, load_default=None)
    exact = Prose(max_length(Quote.exact), min_length=1, required=True)
    prefix = Prose(max_length(Quote.prefix), load_default="")
    suffix = Prose(max_length(Quote.suffix), load_default="")


class DifferenceSchema(Schema):
    """One difference between a quote and its document's stored text (computed)."""

    kind = fields.String(dump_only=True, validate=validate.OneOf(KINDS), metadata={
        "description": "cosmetic (punctuation, case, typography); editorial (brackets, "
                       "[sic], a number written another way); omission; substitution; "
                       "insertion; reordering."})
    detail = fields.String(dump_only=True, allow_none=True, validate=validate.OneOf(DETAILS),
                           metadata={
        "description": "What exactly, within the kind: e.g. bracket_replacement, sic, "
                       "number_format; ellipsis or unmarked for an omission."})
    quote = fields.String(dump_only=True, metadata={
        "description": "The quote's side as written: its words, the ellipsis, or the "
                       "brackets; empty for words the quote leaves out unmarked."})
    text = fields.String(dump_only=True, metadata={
        "description": "The stored text's side: the words replaced, left out or moved; "
                       "empty for words the quote adds."})
    changes_meaning = fields.Boolean(dump_only=True, metadata={
        "description": "Whether it adds, drops or replaces a negation, number, name, modal "
                       "or hedge, or puts an opposite in a word's place."})
    meaning = fields.List(fields.String(validate=validate.OneOf(MEANINGS)), dump_only=True,
                          metadata={
        "description": "What the change of meaning touches, most serious first."})
    words = fields.List(fields.String(), dump_only=True, metadata={
        "description": "The words that carry the change of meaning, as written."})


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
    differences = fields.List(
        fields.Nested(DifferenceSchema), dump_only=True, allow_none=True, metadata={
            "description": "Each difference from the stored text, classified; empty when "
                           "found as given, null when there is no passage to compare "
                           "(not found, unchecked, or not re-checked since this field "
                           "came: `flask verify-quotes`)."})
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

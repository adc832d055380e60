"""Known claims: matches of a text, imported fact-checks (reviews), aliases, repeats."""

from __future__ import annotations

from marshmallow import fields, validate

from app.models import Alias, Review
from app.models.base import MAX_ID, max_length
from app.models.known import ALIAS_KINDS, LANGUAGE_PATTERN
from app.schemas.common import Id, Integer, Language, Line, PageArgs, Schema, Text, Url
from app.services.matching import MAX_LIMIT, MAX_TEXT, THRESHOLD

# A language to match within: a BCP-47 tag, or `any` (the pattern is in the document).
_LANGUAGE_OR_ANY = validate.Regexp(f"^(any|{LANGUAGE_PATTERN[1:-1]})$",
                                   error="a BCP-47 language tag such as en or pt-BR, or 'any'")


class MatchQuery(Schema):
    text = Text(required=True, validate=validate.Length(1, MAX_TEXT),
                metadata={"description": "The claim's words, as written anywhere."})
    limit = Integer(load_default=10, validate=validate.Range(1, MAX_LIMIT))
    language = Text(single_line=True, validate=[validate.Length(2, 35), _LANGUAGE_OR_ANY],
                    metadata={
        "description": "A BCP-47 tag (default: the server's DEFAULT_LANGUAGE), or `any`."})


class ClaimMatchQuery(Schema):
    limit = Integer(load_default=10, validate=validate.Range(1, MAX_LIMIT))
    language = Text(single_line=True, validate=[validate.Length(2, 35), _LANGUAGE_OR_ANY],
                    metadata={
        "description": "A BCP-47 tag (default: the claim's language), or `any`."})


class RatingRefSchema(Schema):
    """A verdict's or a review's rating (answers only)."""

    value = fields.Float(dump_only=True, allow_none=True)
    label = fields.String(dump_only=True)
    url = fields.String(dump_only=True, allow_none=True)


class MatchSchema(Schema):
    """A known claim like the text (answers only)."""

    kind = fields.String(dump_only=True, validate=validate.OneOf(("claim", "review")),
                         metadata={"description": "`claim`: ours; `review`: a fact-check "
                                                  "imported from its publisher."})
    id = fields.Integer(dump_only=True)
    score = fields.Float(dump_only=True, metadata={"description": "0-1, higher is closer."})
    match = fields.Boolean(dump_only=True, metadata={
        "description": f"True from the documented threshold ({THRESHOLD}) up."})
    language = fields.String(dump_only=True)
    statement = fields.String(dump_only=True,
                              metadata={"description": "Ours: the claim's statement."})
    dispute_id = fields.Integer(dump_only=True, allow_none=True)
    verdict_id = fields.Integer(dump_only=True, allow_none=True)
    verdict = fields.Nested(RatingRefSchema, dump_only=True, allow_none=True, metadata={
        "description": "Ours: the published verdict's rating, if any."})
    claim_reviewed = fields.String(dump_only=True,
                                   metadata={"description": "Theirs: the claim reviewed."})
    publisher = fields.String(dump_only=True)
    url = fields.String(dump_only=True)
    rating = fields.Nested(RatingRefSchema, dump_only=True, allow_none=True, metadata={
        "description": "Theirs: the publisher's rating, never ours."})


class RepeatSchema(Schema):
    original_claim_id = Id(required=True, metadata={
        "description": "The claim this one repeats (its verdict is reused)."})
    note = Line(5000, min_length=0, load_default="")


class ReviewSchema(Schema):
    id = fields.Integer(dump_only=True)
    url = Url(max_length(Review.url), required=True)
    publisher = Line(max_length(Review.publisher), required=True)
    publisher_site = Line(max_length(Review.publisher_site), min_length=0, load_default="")
    title = Line(max_length(Review.title), min_length=0, load_default="")
    claim_reviewed = Text(validate=validate.Length(1, max_length(Review.claim_reviewed)),
                          required=True)
    claimant = Line(max_length(Review.claimant), min_length=0, load_default="")
    claim_date = fields.AwareDateTime(allow_none=True, load_default=None)
    rating_text = Line(max_length(Review.rating_text), min_length=0, load_default="")
    rating_value = fields.Float(allow_none=True, load_default=None)
    best_rating = fields.Float(allow_none=True, load_default=None)
    worst_rating = fields.Float(allow_none=True, load_default=None)
    review_date = fields.AwareDateTime(allow_none=True, load_default=None)
    language = Language()
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class ReviewQuery(PageArgs):
    publisher = Text(single_line=True, validate=validate.Length(1, 300))
    language = Language()


class AliasSchema(Schema):
    id = fields.Integer(dump_only=True)
    source_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The source the alias names; none for a place or body."})
    name = Line(max_length(Alias.name), required=True,
                metadata={"example": "Kyiv", "description": "The name as we write it."})
    alias = Line(max_length(Alias.alias), required=True,
                 metadata={"example": "Kiev", "description": "Another way of writing it."})
    kind = fields.String(load_default="spelling", validate=validate.OneOf(ALIAS_KINDS))
    created_at = fields.AwareDateTime(dump_only=True)


class AliasQuery(PageArgs):
    source_id = Integer(validate=validate.Range(1, MAX_ID))

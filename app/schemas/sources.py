"""Sources: who makes or carries a claim."""

from __future__ import annotations

from marshmallow import fields

from app.models import Source, SourceKind
from app.models.base import max_length
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
    Url,
)


class SourceSchema(RecordSchema):
    slug = Slug(max_length(Source.slug), required=True)
    name = Line(max_length(Source.name), required=True)
    kind = Enum(SourceKind, required=True)
    title = Line(max_length(Source.title), min_length=0, load_default="",
                 metadata={"description": "Role or position at the time, e.g. spokeswoman."})
    description = Prose(max_length(Source.description), load_default="",
                        metadata={"description": "For anonymous sources: as reported."})
    url = Url(max_length(Source.url), allow_none=True, load_default=None)
    parent_id = Id(allow_none=True, load_default=None,
                   metadata={"description": "Affiliation: the source this one belongs to."})


class SourceQuery(PageArgs):
    q = Text(single_line=True, metadata={"description": "Words in the name or title."})
    kind = Enum(SourceKind)
    parent_id = QueryId()
    slug = Text(single_line=True)


class RatingCountSchema(Schema):
    value = fields.Integer(dump_only=True)
    label = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True)


class TrackRecordSchema(Schema):
    """A source's record: claims it makes or carries, by published verdict rating."""

    source_id = fields.Integer(dump_only=True)
    claims = fields.Integer(dump_only=True, metadata={
        "description": "Live claims it makes (claimant) or carries (attribution chain)."})
    as_claimant = fields.Integer(dump_only=True)
    as_carrier = fields.Integer(dump_only=True)
    anonymous = fields.Integer(dump_only=True, metadata={
        "description": "Of those, claims resting on anonymous sourcing."})
    anonymous_share = fields.Float(dump_only=True)
    rated = fields.Integer(dump_only=True, metadata={
        "description": "Claims with a published verdict."})
    by_rating = fields.List(fields.Nested(RatingCountSchema), dump_only=True)
    denied = fields.Integer(dump_only=True, metadata={
        "description": "Claims denied or contradicted by another claim."})
    corrected = fields.Integer(dump_only=True, metadata={
        "description": "Claims corrected or retracted by another claim."})

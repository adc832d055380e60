"""Full-text search across disputes, claims, quotes, sources and documents' text."""

from __future__ import annotations

from marshmallow import fields, validate

from app.schemas.common import Integer, Schema, Text

KINDS = ("dispute", "claim", "quote", "source", "document")


class SearchQuery(Schema):
    q = Text(single_line=True, required=True, validate=validate.Length(1, 200),
             metadata={"description": "Words to find (stemmed; all must match)."})
    kind = fields.List(fields.String(validate=validate.OneOf(KINDS)),
                       metadata={"description": "Only these kinds (repeat the parameter)."})
    limit = Integer(load_default=20, validate=validate.Range(1, 100))
    offset = Integer(load_default=0, validate=validate.Range(0, 1000))


class SearchHitSchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    id = fields.Integer()
    title = fields.String()
    snippet = fields.String()
    rank = fields.Float(metadata={"description": "Higher is better, within one search."})
    dispute_id = fields.Integer(allow_none=True)
    url = fields.String(metadata={"description": "The API resource of the hit."})

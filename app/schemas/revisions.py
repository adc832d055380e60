"""Revisions: the append-only log of every change (read only)."""

from __future__ import annotations

from marshmallow import fields

from app.models import RevisionAction
from app.schemas.common import (
    Enum,
    Line,
    PageArgs,
    QueryId,
    Schema,
    UserRefSchema,
    UTCDateTime,
)


class RevisionSchema(Schema):
    id = fields.Integer()
    entity_type = fields.String(metadata={"example": "claims"})
    entity_id = fields.Integer()
    action = Enum(RevisionAction)
    actor = fields.Nested(UserRefSchema, allow_none=True)
    at = fields.DateTime()
    reason = fields.String()
    before = fields.Dict(allow_none=True, metadata={"description": "Changed columns before."})
    after = fields.Dict(allow_none=True, metadata={"description": "Changed columns after."})


class RevisionQuery(PageArgs):
    class Meta:
        exclude = ("include_deleted", "updated_since")

    entity_type = Line(40, metadata={"example": "claims"})
    entity_id = QueryId()
    actor_id = QueryId()
    action = Enum(RevisionAction)
    since = UTCDateTime(metadata={"description": "Only revisions made at or after this time."})

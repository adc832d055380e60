"""Events: something that happened, about which accounts compete."""

from __future__ import annotations

from marshmallow import fields

from app.models import DatePrecision
from app.schemas.common import Enum, Line, PageArgs, Prose, RecordSchema, Slug, Text


class EventSchema(RecordSchema):
    slug = Slug(required=True)
    title = Line(300, required=True)
    occurred_on = fields.Date(allow_none=True, load_default=None)
    date_precision = Enum(DatePrecision, load_default=DatePrecision.DAY)
    summary = Prose(20_000, load_default="")


class EventQuery(PageArgs):
    q = Text(single_line=True, metadata={"description": "Words in the title or summary."})
    slug = Text(single_line=True)

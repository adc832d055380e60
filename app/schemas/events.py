"""Events: something that happened, about which accounts compete."""

from __future__ import annotations

from marshmallow import fields

from app.models import DatePrecision, Event
from app.models.base import max_length
from app.schemas.common import Enum, Line, PageArgs, Prose, RecordSchema, Slug, Text


class EventSchema(RecordSchema):
    slug = Slug(max_length(Event.slug), required=True)
    title = Line(max_length(Event.title), required=True)
    occurred_on = fields.Date(allow_none=True, load_default=None, metadata={
        "pattern": "^(?!0000)"})  # RFC 3339 has a year 0; Python's dates do not
    date_precision = Enum(DatePrecision, load_default=DatePrecision.DAY)
    summary = Prose(max_length(Event.summary), load_default="")


class EventQuery(PageArgs):
    q = Text(single_line=True, metadata={"description": "Words in the title or summary."})
    slug = Text(single_line=True)

"""Documents: published items in which claims appear, with the passages we rely on."""

from __future__ import annotations

from marshmallow import fields

from app.models import Document
from app.models.base import max_length
from app.schemas.common import Id, Line, PageArgs, Prose, QueryId, RecordSchema, Url, UTCDateTime


class DocumentSchema(RecordSchema):
    url = Url(max_length(Document.url), allow_none=True, load_default=None)
    title = Line(max_length(Document.title), required=True)
    publisher_id = Id(allow_none=True, load_default=None)
    published_at = UTCDateTime(allow_none=True, load_default=None)
    text = Prose(max_length(Document.text), load_default="", metadata={
        "description": "The stored passage(s) quotes are checked against; short excerpts."})
    text_sha256 = fields.String(dump_only=True, allow_none=True)


class DocumentQuery(PageArgs):
    publisher_id = QueryId()
    url = Url(max_length(Document.url))

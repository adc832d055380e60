"""Documents: published items in which claims appear, and their versions (captured or
pasted passages) with what changed between them."""

from __future__ import annotations

from flask import url_for
from marshmallow import fields

from app.models import Document, VersionChange, VersionKind
from app.models.base import max_length
from app.schemas.common import (
    DetailArgs,
    Enum,
    Id,
    Line,
    PageArgs,
    Prose,
    QueryId,
    RecordSchema,
    Schema,
    Url,
    UTCDateTime,
)


class DocumentSchema(RecordSchema):
    url = Url(max_length(Document.url), allow_none=True, load_default=None)
    title = Line(max_length(Document.title), required=True)
    publisher_id = Id(allow_none=True, load_default=None)
    published_at = UTCDateTime(allow_none=True, load_default=None)
    text = Prose(max_length(Document.text), load_default="", metadata={
        "description": "The newest version's text, which quotes are checked against. "
                       "Writing a new text adds a manual version (a pasted passage); "
                       "`POST /documents/{id}/captures` adds a captured one."})
    text_sha256 = fields.String(dump_only=True, allow_none=True)
    archive_url = Url(max_length(Document.archive_url), allow_none=True, load_default=None,
                      metadata={"description": "A copy in an external web archive "
                                               "(optional), e.g. web.archive.org."})


class DocumentQuery(PageArgs):
    publisher_id = QueryId()
    url = Url(max_length(Document.url))


# -- versions (read only) ---------------------------------------------------------------


class RedirectSchema(Schema):
    status = fields.Integer()
    url = fields.String()
    location = fields.String(allow_none=True)


class ChangesSchema(Schema):
    against = fields.Integer(metadata={"description": "The version compared with."})
    words_added = fields.Integer()
    words_removed = fields.Integer()


class DocumentVersionSchema(Schema):
    """One version of a document: what its URL said at a time, or a pasted passage."""

    number = fields.Integer()
    kind = Enum(VersionKind, metadata={
        "description": "capture: fetched from the URL by the app; manual: pasted."})
    change = Enum(VersionChange, metadata={
        "description": "Against the version before it: first, changed (its text differs), "
                       "gone (404/410, or the host is gone: no text), back (the text "
                       "again after gone), same (captured, with the text the version "
                       "before it had, e.g. a pasted passage)."})
    captured_at = fields.DateTime(metadata={"description": "When it was fetched (or "
                                                           "pasted)."})
    captured_by_id = fields.Integer(allow_none=True, metadata={
        "description": "Who asked for it; null for `flask documents recheck`."})
    confirmed_at = fields.DateTime(allow_none=True, metadata={
        "description": "The last capture that found it unchanged."})
    confirmations = fields.Integer(metadata={"description": "Captures that found it "
                                                            "unchanged."})
    requested_url = fields.String(allow_none=True)
    final_url = fields.String(allow_none=True, metadata={"description": "After redirects."})
    redirects = fields.List(fields.Nested(RedirectSchema), allow_none=True)
    http_status = fields.Integer(allow_none=True)
    content_type = fields.String(allow_none=True)
    raw_sha256 = fields.String(allow_none=True, metadata={
        "description": "SHA-256 of the response body as received (the WARC's payload)."})
    text_sha256 = fields.String(allow_none=True, metadata={
        "description": "SHA-256 of the text (UTF-8); null when gone."})
    changes = fields.Nested(ChangesSchema, allow_none=True, metadata={
        "description": "Words added and removed against the previous version with text."})
    note = fields.String()
    warc_size = fields.Integer(allow_none=True, metadata={
        "description": "Bytes of the stored (gzipped) WARC records."})
    archive = fields.Function(
        lambda v: url_for("documents.version_archive", record_id=v.document_id,
                          number=v.number, _external=False) if v.warc_size else None,
        allow_none=True, metadata={"type": "string", "nullable": True,
                                   "description": "Where its WARC is (application/warc)."})


class DiffOpSchema(Schema):
    op = fields.String(metadata={"description": "equal, delete, insert or replace"})
    text = fields.String(metadata={"description": "Equal words (op equal)."})
    old = fields.String(metadata={"description": "Words of the earlier version."})
    new = fields.String(metadata={"description": "Words of this version."})


class DocumentVersionDetailSchema(DocumentVersionSchema):
    text = fields.String(allow_none=True)
    diff_against = fields.Integer(allow_none=True, metadata={
        "description": "The version the diff compares with (the previous one with text)."})
    diff = fields.List(fields.Nested(DiffOpSchema), allow_none=True, metadata={
        "description": "Word differences from `diff_against` to this version."})


class CaptureSchema(DocumentVersionSchema):
    outcome = fields.String(metadata={
        "description": "first, changed, gone, back or same: a new version (201); "
                       "unchanged: the newest version was confirmed (200)."})


class VersionQuery(DetailArgs):
    page = PageArgs._declared_fields["page"]
    per_page = PageArgs._declared_fields["per_page"]


class VersionArgs(DetailArgs):
    against = fields.Integer(metadata={
        "description": "Compare with this version instead of the previous one."})

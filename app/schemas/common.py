"""Building blocks shared by every resource schema.

Every input field is bounded so that what passes the schema also fits the database on
SQLite *and* PostgreSQL: ids and integers fit 64 bits, strings fit their column and
carry no NUL or lone surrogate (PostgreSQL and UTF-8 refuse them), datetimes become
aware UTC that can be stored. Bad input is therefore a 422 naming the field, never a
database error.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import fields, validate

from app.digits import whole_number
from app.models.base import CONTROL_CHARACTERS, MAX_ID, SLUG_PATTERN, URL_PATTERN, max_length
from app.models.known import LANGUAGE_LENGTH, LANGUAGE_PATTERN
from app.models.revision import Revision

_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_LINE_BREAK = re.compile(r"[\r\n\t]")

# The same rules as the OpenAPI document states them (`pattern`, ECMAScript syntax).
TEXT_PATTERN = f"^[^{CONTROL_CHARACTERS}]*$"
LINE_PATTERN = f"^[^{CONTROL_CHARACTERS}\\t\\n\\r]*$"


class Schema(ma.Schema):
    """Base schema: unknown fields are an error naming them, never silently dropped."""

    class Meta:
        unknown = ma.RAISE


class Text(fields.String):
    """A string both databases can store. `single_line` also refuses line breaks."""

    default_error_messages = {
        "control": "Must not contain control characters.",
        "surrogate": "Must be valid Unicode text.",
        "line_break": "Must be a single line.",
    }

    def __init__(self, *args, single_line: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.single_line = single_line
        # What the document says of the field; a Regexp (a slug's) is stricter and says it.
        if not any(isinstance(v, validate.Regexp) for v in self.validators):
            self.metadata = {"pattern": LINE_PATTERN if single_line else TEXT_PATTERN,
                             **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(value):
            raise self.make_error("control")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("surrogate") from None
        if self.single_line and _LINE_BREAK.search(value):
            raise self.make_error("line_break")
        return value


def Line(max_length: int, *, min_length: int = 1, **kwargs) -> Text:  # noqa: N802
    """A one-line string of bounded length (titles, names, slugs)."""
    return Text(single_line=True, validate=validate.Length(min_length, max_length), **kwargs)


def Prose(max_length: int = 100_000, *, min_length: int = 0, **kwargs) -> Text:  # noqa: N802
    """A multi-line text of bounded length (summaries, rationales, document text)."""
    return Text(validate=validate.Length(min_length, max_length), **kwargs)


class Integer(fields.Integer):
    """An integer; as text (a query string) only ASCII digits — marshmallow's int() would
    also read "٣", " 3" or "3_000" (app/digits.py)."""

    def _validated(self, value):
        if isinstance(value, str) and not self.strict:
            try:
                value = whole_number(value, signed=True)
            except ValueError:
                raise self.make_error("invalid", input=value) from None
        return super()._validated(value)


def Id(**kwargs) -> fields.Integer:  # noqa: N802
    """A record id: a positive 64-bit integer (larger ids cannot exist)."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def QueryId(**kwargs) -> fields.Integer:  # noqa: N802
    """An id given in the query string (strings are converted)."""
    return Integer(validate=validate.Range(1, MAX_ID), **kwargs)


SLUG = validate.Regexp(SLUG_PATTERN, error="Lowercase letters, digits and single hyphens only.")


def Slug(max_length: int, **kwargs) -> Text:  # noqa: N802
    return Text(single_line=True, validate=[validate.Length(1, max_length), SLUG], **kwargs)


URL = validate.Regexp(URL_PATTERN, error="An http(s) URI, e.g. https://example.org/page "
                                         "(other characters percent-encoded).")


def Url(max_length: int, **kwargs) -> Text:  # noqa: N802
    """A web address: `format: uri` and `models.base.URL_PATTERN`, which the forms and
    the OpenAPI document share."""
    metadata = {"format": "uri", **kwargs.pop("metadata", {})}
    return Text(single_line=True, validate=[validate.Length(max=max_length), URL],
                metadata=metadata, **kwargs)


def Language(**kwargs) -> Text:  # noqa: N802
    """A BCP-47 language tag ("en", "pt-BR"); the configured DEFAULT_LANGUAGE when left out."""
    metadata = {"example": "en", **kwargs.pop("metadata", {})}
    return Text(single_line=True, validate=[
        validate.Length(2, LANGUAGE_LENGTH),
        validate.Regexp(LANGUAGE_PATTERN, error="A BCP-47 language tag, e.g. en or pt-BR.")],
        metadata=metadata, **kwargs)


# RFC 3339 (`format: date-time`) narrowed to what Python and the databases hold: no year
# 0, no first or last day of the calendar (an offset would leave years 1..9999), no leap
# second. The server reads more (naive times as UTC, a space for the T).
DATETIME_PATTERN = ("^(?!0000|0001-01-01|9999-12-31)"
                    "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9]")


class UTCDateTime(fields.AwareDateTime):
    """ISO 8601 datetime; naive values are taken as UTC, results are aware UTC."""

    default_error_messages = {"range": "Out of the range of storable datetimes."}

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": DATETIME_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(default_timezone=UTC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if isinstance(value, str):  # RFC 3339 allows "t" and "z"; Python reads capitals
            value = value.upper()
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise self.make_error("range") from None


def Enum(enum_cls, **kwargs) -> fields.Enum:  # noqa: N802
    # Values read as strings: the document says `type: string` beside the enum.
    by_value = fields.String if issubclass(enum_cls, str) else True
    return fields.Enum(enum_cls, by_value=by_value, **kwargs)


def for_patch(schema_cls: type[ma.Schema]) -> ma.Schema:
    """`schema_cls` as a PATCH reads it: every top-level field optional, but an item of a
    list (an appearance, an evidence item) still whole. marshmallow's partial=True reaches
    into nested schemas and let an appearance without its document_id through to the
    service (a KeyError: 500); the document says such an item needs one."""
    return schema_cls(partial=tuple(schema_cls().load_fields))


class RecordSchema(Schema):
    """Fields every stored record shows: id, timestamps, its version (for If-Match)."""

    id = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    deleted_at = fields.DateTime(
        dump_only=True, allow_none=True,
        metadata={"description": "Set when the record is soft-deleted (editors only see it)."},
    )
    lock_version = fields.Integer(
        dump_only=True,
        metadata={"description": "The record's version; its ETag starts with it."},
    )


class UserRefSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class ReasonSchema(Schema):
    """An optional reason, kept in the revision log."""

    reason = Prose(max_length(Revision.reason), load_default="")


PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageArgs(Schema):
    """Page pagination; every list has a bounded page size and a stable order."""

    page = Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = Integer(
        load_default=PAGE_SIZE, validate=validate.Range(1, MAX_PAGE_SIZE),
        metadata={"description": f"Items per page (at most {MAX_PAGE_SIZE})."},
    )
    updated_since = UTCDateTime(
        metadata={"description": "Only records changed at or after this time."}
    )
    include_deleted = fields.Boolean(
        load_default=False,
        metadata={"description": "Also list soft-deleted records (editors only)."},
    )


class DetailArgs(Schema):
    include_deleted = fields.Boolean(
        load_default=False,
        metadata={"description": "Show the record even if soft-deleted (editors only)."},
    )


class DeleteArgs(Schema):
    reason = Line(max_length(Revision.reason), min_length=0, load_default="",
                  metadata={"description": "Why, for the revision log."})


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    field_errors = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Field name (dotted for nested input) -> what is wrong."},
    )


class ErrorSchema(Schema):
    """The one error envelope of every API error."""

    error = fields.Nested(ErrorDetailSchema, required=True)

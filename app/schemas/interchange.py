"""The API's own schemas judge the rows of an import (app.services.interchange): a file
may not bring in what the API would refuse — an over-long title, a bad slug or URL, a
NUL byte, a rating off the scale. Only the fields people write are checked here; the
import itself checks columns, enums and references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, missing
from marshmallow.decorators import PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from app.errors import flatten_messages
from app.schemas.claims import AppearanceSchema, AttributionSchema, ClaimSchema
from app.schemas.disputes import DisputeSchema
from app.schemas.documents import DocumentSchema
from app.schemas.events import EventSchema
from app.schemas.links import LinkSchema
from app.schemas.quotes import QuoteSchema
from app.schemas.sources import SourceSchema
from app.schemas.verdicts import EvidenceSchema, VerdictDraftSchema

# table -> the schema its rows are written through; nested lists are separate tables.
SCHEMAS: dict[str, Schema] = {
    "events": EventSchema(),
    "disputes": DisputeSchema(exclude=("claims",)),
    "sources": SourceSchema(),
    "documents": DocumentSchema(),
    "claims": ClaimSchema(exclude=("attributions", "appearances", "quotes")),
    "claim_attributions": AttributionSchema(),
    "claim_appearances": AppearanceSchema(),
    "quotes": QuoteSchema(),
    "links": LinkSchema(),
    "verdicts": VerdictDraftSchema(exclude=("evidence",)),
    "verdict_evidence": EvidenceSchema(),
}


def content_validator(schema: Schema) -> Callable[[dict[str, Any]], dict[str, list[str]]]:
    """`schema.validate(writable fields of record, partial=True)`, flattened — done field
    by field, as marshmallow's own load loop does it (`Field.deserialize` on each field
    present), without the per-call machinery around it (error store, hook look-ups,
    option checks): that machinery was most of an import's time. Each field is given
    the whole record as `data` (none of these fields reads it). A schema with hooks of
    its own (pre_load, validates, validates_schema, handle_error) is run whole instead.
    tests/api/test_import_schemas.py holds both ways to the same answers."""
    if _has_hooks(schema):
        return whole_schema_validator(schema)
    # (data key, field) for every field people write, in the schema's own order.
    plan = tuple((field.data_key or name, field) for name, field in schema.load_fields.items())

    def validate(record: dict[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for key, field in plan:
            value = record.get(key, missing)
            if value is missing:
                continue  # partial=True: nothing is required, and absent means absent
            try:
                field.deserialize(value, key, record, partial=True)
            except ValidationError as exc:
                errors.update(flatten_messages(exc.messages, key))
        return errors

    return validate


def _has_hooks(schema: Schema) -> bool:
    hooks = schema._hooks  # marshmallow's resolved decorators, by tag
    return (any(hooks.get(tag) for tag in (PRE_LOAD, VALIDATES, VALIDATES_SCHEMA))
            or type(schema).handle_error is not Schema.handle_error)


def whole_schema_validator(schema: Schema) -> Callable[[dict[str, Any]], dict[str, list[str]]]:
    """The reference: `schema.validate` on the record's writable fields, flattened."""
    writable = {field.data_key or name for name, field in schema.fields.items()
                if not field.dump_only}

    def validate(record: dict[str, Any]) -> dict[str, list[str]]:
        data = {key: value for key, value in record.items() if key in writable}
        return flatten_messages(schema.validate(data, partial=True))

    return validate


def validators() -> dict[str, Callable[[dict[str, Any]], dict[str, list[str]]]]:
    """What `flask import` judges each table's writable fields with (handed to
    `app.services.interchange.import_lines`)."""
    return {table: content_validator(s) for table, s in SCHEMAS.items()}

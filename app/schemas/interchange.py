"""The API's own schemas judge the rows of an import (app.services.interchange): a file
may not bring in what the API would refuse — an over-long title, a bad slug or URL, a
NUL byte, a rating off the scale. Only the fields people write are checked here; the
import itself checks columns, enums and references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema

from app.errors import flatten_messages
from app.schemas.claims import AppearanceSchema, AttributionSchema, ClaimSchema
from app.schemas.disputes import DisputeSchema
from app.schemas.documents import DocumentSchema
from app.schemas.events import EventSchema
from app.schemas.links import LinkSchema
from app.schemas.quotes import QuoteSchema
from app.schemas.sources import SourceSchema
from app.schemas.verdicts import EvidenceSchema, VerdictSchema
from app.services.interchange import CONTENT_VALIDATORS

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
    "verdicts": VerdictSchema(exclude=("evidence",)),
    "verdict_evidence": EvidenceSchema(),
}


def content_validator(schema: Schema) -> Callable[[dict[str, Any]], dict[str, list[str]]]:
    writable = {field.data_key or name for name, field in schema.fields.items()
                if not field.dump_only}

    def validate(record: dict[str, Any]) -> dict[str, list[str]]:
        data = {key: value for key, value in record.items() if key in writable}
        return flatten_messages(schema.validate(data, partial=True))

    return validate


def register() -> None:
    CONTENT_VALIDATORS.update({table: content_validator(s) for table, s in SCHEMAS.items()})

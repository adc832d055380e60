"""Sources: who makes or carries a claim."""

from __future__ import annotations

from app.models import SourceKind
from app.schemas.common import (
    Enum,
    Id,
    Line,
    PageArgs,
    Prose,
    QueryId,
    RecordSchema,
    Slug,
    Text,
    Url,
)


class SourceSchema(RecordSchema):
    slug = Slug(required=True)
    name = Line(300, required=True)
    kind = Enum(SourceKind, required=True)
    title = Line(200, min_length=0, load_default="",
                 metadata={"description": "Role or position at the time, e.g. spokeswoman."})
    description = Prose(5000, load_default="",
                        metadata={"description": "For anonymous sources: as reported."})
    url = Url(allow_none=True, load_default=None)
    parent_id = Id(allow_none=True, load_default=None,
                   metadata={"description": "Affiliation: the source this one belongs to."})


class SourceQuery(PageArgs):
    q = Text(single_line=True, metadata={"description": "Words in the name or title."})
    kind = Enum(SourceKind)
    parent_id = QueryId()
    slug = Text(single_line=True)

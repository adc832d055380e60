"""Links: typed relations between two claims, scoped to a claim or one quote."""

from __future__ import annotations

from app.models import Link, LinkScope, LinkType
from app.models.base import max_length
from app.schemas.common import Enum, Id, PageArgs, Prose, QueryId, RecordSchema


class LinkSchema(RecordSchema):
    """`from_claim` <type> `to_claim`, over the whole claim or one quote of it."""

    from_claim_id = Id(required=True)
    to_claim_id = Id(required=True, metadata={"description": "Another claim than from_claim_id."})
    type = Enum(LinkType, required=True)
    scope = Enum(LinkScope, load_default=LinkScope.CLAIM)
    scope_quote_id = Id(allow_none=True, load_default=None, metadata={
        "description": "With scope=quote: the quote of to_claim the link is about."})
    note = Prose(max_length(Link.note), load_default="")

    # The scope rule (services.links holds it), as the OpenAPI document states it
    # (app/api/openapi.py): a claim-scoped link names no quote, a quote-scoped one must.
    OPENAPI_SHAPES = [
        {"title": "Over the whole claim",
         "description": "scope `claim` (the default): no scope_quote_id.",
         "properties": {"scope": {"enum": [LinkScope.CLAIM.value]},
                        "scope_quote_id": {"not": {"type": "integer"}}}},
        {"title": "Over one quote",
         "description": "scope `quote`: scope_quote_id, a quote of to_claim.",
         "required": ["scope", "scope_quote_id"],
         "properties": {"scope": {"enum": [LinkScope.QUOTE.value]},
                        "scope_quote_id": {"type": "integer"}}},
    ]


class LinkPatchSchema(LinkSchema):
    """Only the type and the note change; relink by deleting and creating."""

    class Meta:
        exclude = ("from_claim_id", "to_claim_id", "scope", "scope_quote_id")


class LinkQuery(PageArgs):
    claim_id = QueryId(metadata={"description": "Links from or to this claim."})
    from_claim_id = QueryId()
    to_claim_id = QueryId()
    type = Enum(LinkType)

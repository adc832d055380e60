"""Links: typed relations between two claims (denies, supports, ...), scoped to the whole
target claim or one quote of it."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import Claim, Link, LinkScope, LinkType, Quote, User
from app.services.errors import ValidationError
from app.services.policy import Action, lock_for_change, require, resolve
from app.services.uow import transaction


def link_claims(
    from_claim_id: int,
    to_claim_id: int,
    type: LinkType | str,
    *,
    actor: User,
    scope: LinkScope | str = LinkScope.CLAIM,
    scope_quote_id: int | None = None,
    note: str = "",
) -> Link:
    """Record that one claim denies/supports/... another, or one quote of it.
    Journalists and up; ValidationError when a claim or the scoped quote does not exist,
    the claim is linked to itself, or the scope and its quote disagree. Commits."""
    require(actor, Action.LOG)
    scope = LinkScope(scope)
    with transaction(actor=actor):
        source = resolve(Claim, from_claim_id, "from_claim_id")
        target = resolve(Claim, to_claim_id, "to_claim_id")
        if source.id == target.id:
            raise ValidationError("A claim cannot be linked to itself.",
                                  {"to_claim_id": ["same as from_claim_id"]})
        if scope is LinkScope.QUOTE:
            quote = resolve(Quote, scope_quote_id, "scope_quote_id")
            if quote is None:
                raise ValidationError("A quote-scoped link needs scope_quote_id.",
                                      {"scope_quote_id": ["required when scope is 'quote'"]})
            if quote.claim_id != target.id:
                raise ValidationError(
                    "The scoped quote must belong to the linked (target) claim.",
                    {"scope_quote_id": [f"quote {quote.id} is not part of claim {target.id}"]},
                )
        elif scope_quote_id is not None:
            raise ValidationError("scope_quote_id is only for quote-scoped links.",
                                  {"scope_quote_id": ["must be empty when scope is 'claim'"]})
        link = Link(from_claim=source, to_claim=target, type=LinkType(type), scope=scope,
                    scope_quote_id=scope_quote_id, note=note)
        db.session.add(link)
    return link


def update_link(link: Link, changes: dict[str, Any], *, actor: User,
                expected_version: int | None = None, reason: str = "") -> Link:
    """Change a link's type or note (relink by deleting and creating). Journalists and
    up; StaleVersion. Commits."""
    require(actor, Action.LOG)
    unknown = set(changes) - {"type", "note"}
    if unknown:
        raise ValidationError("Only a link's type and note change.",
                              {k: ["cannot be changed"] for k in sorted(unknown)})
    with transaction(actor=actor, reason=reason):
        lock_for_change(link, expected_version=expected_version)
        for key, value in changes.items():
            setattr(link, key, LinkType(value) if key == "type" else value)
    return link

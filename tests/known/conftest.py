"""Known claims: a small world of claims to match, made through the services."""

from __future__ import annotations

import pytest

from app.models import ClaimKind, SourceKind, SourcingLevel
from app.services import disputes, verdicts
from app.services import events as event_service
from app.services import sources as source_service
from tests.api.conftest import World, world  # noqa: F401  (the API tests' world)


def log_claims(actor, statements, *, slug="known", language=None):
    """A dispute with one claim per statement; returns the claims' ids, in order."""
    event_ = event_service.create_event(actor=actor, slug=f"{slug}-event", title="Event")
    source = source_service.create_source(actor=actor, slug=f"{slug}-source", name="Someone",
                                          kind=SourceKind.PERSON)
    claims = []
    for text in statements:
        claim = {"claimant_id": source.id, "statement": text,
                 "kind": ClaimKind.FACTUAL_ASSERTION,
                 "sourcing_level": SourcingLevel.ON_RECORD}
        if language:
            claim["language"] = language
        claims.append(claim)
    dispute = disputes.log_dispute(actor=actor, event_id=event_.id, slug=slug,
                                   question="What was said?", claims=claims)
    return [c.id for c in dispute.claims]


def publish_verdict(editor, claim_id, rating=1, rationale="Checked against the record."):
    verdict = verdicts.draft_verdict(claim_id, rating, rationale, actor=editor)
    return verdicts.publish(verdict, actor=editor)


@pytest.fixture
def checked(editor):
    """Claims of ours, one of them checked (False) and published."""
    ids = log_claims(editor.user, [
        "Biden warned Zelensky that Kyiv could be sacked.",
        "Russia has massed more than 100,000 troops on Ukraine's border.",
        "The Kremlin says it has no plans to invade Ukraine.",
        "Germany will send 5,000 helmets to Ukraine.",
    ])
    publish_verdict(editor.user, ids[0], rating=3)
    return ids

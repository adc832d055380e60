"""Helpers for the API tests: a small world made through the services, ETag round
trips, and a SQL statement counter."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import ClaimKind, SourceKind, SourcingLevel
from app.services import disputes, documents
from app.services import events as event_service
from app.services import sources as source_service


@contextlib.contextmanager
def counting_queries():
    """Count the SQL statements run inside the block: `with counting_queries() as n:`."""
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def etag(client, url, headers=None) -> str:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.headers["ETag"]


def with_if_match(headers: dict, tag: str) -> dict:
    return {**headers, "If-Match": tag}


@dataclass
class World:
    event_id: int
    source_id: int
    other_source_id: int
    document_id: int
    dispute_id: int
    claim_ids: list[int]


@pytest.fixture
def world(journalist) -> World:
    """An event, two sources, a document and a dispute with two competing claims."""
    actor = journalist.user
    event_ = event_service.create_event(actor=actor, slug="the-call", title="The call")
    source = source_service.create_source(actor=actor, slug="reporter", name="A reporter",
                                    kind=SourceKind.PERSON)
    spokes = source_service.create_source(actor=actor, slug="spokeswoman", name="A spokeswoman",
                                    kind=SourceKind.PERSON)
    document = documents.create_document(actor=actor, title="The report", url="https://example.org/r",
                                         text="He said the city could be sacked soon.")
    dispute = disputes.log_dispute(
        actor=actor, event_id=event_.id, slug="sacked", question="Was 'sacked' said?",
        claims=[
            {"claimant_id": source.id, "statement": "He said it could be sacked.",
             "kind": ClaimKind.ATTRIBUTED_QUOTE, "sourcing_level": SourcingLevel.ANONYMOUS,
             "first_appearance_id": document.id,
             "quotes": [{"speaker_id": source.id, "document_id": document.id,
                         "exact": "could be sacked"}]},
            {"claimant_id": spokes.id, "statement": "No one said sacked.",
             "kind": ClaimKind.DENIAL, "sourcing_level": SourcingLevel.ON_RECORD},
        ],
    )
    return World(event_.id, source.id, spokes.id, document.id, dispute.id,
                 [c.id for c in dispute.claims])

"""The database itself refuses bad rows, whatever code writes them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SourceKind
from app.services import disputes
from app.services import events as event_service
from app.services import sources as source_service


@pytest.fixture
def ids(journalist):
    actor = journalist.user
    event = event_service.create_event(actor=actor, slug="e", title="E")
    source = source_service.create_source(actor=actor, slug="s", name="S", kind=SourceKind.PERSON)
    dispute = disputes.log_dispute(actor=actor, event_id=event.id, slug="d", question="q", claims=[
        {"claimant_id": source.id, "statement": "a", "kind": "denial",
         "sourcing_level": "on_record"},
        {"claimant_id": source.id, "statement": "b", "kind": "denial",
         "sourcing_level": "on_record"},
    ])
    return {"event": event.id, "source": source.id, "user": actor.id,
            "claims": [c.id for c in dispute.claims], "dispute": dispute.id}


def refused(sql: str, **params) -> None:
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


NOW = "2022-01-27 00:00:00"


def test_enum_columns_refuse_unknown_values(ids):
    refused("INSERT INTO events (slug, title, date_precision, summary, created_at, updated_at,"
            " lock_version) VALUES ('x', 'x', 'fortnight', '', :now, :now, 1)", now=NOW)
    refused("UPDATE disputes SET state = 'settled' WHERE id = :id", id=ids["dispute"])
    refused("UPDATE claims SET sourcing_level = 'rumour' WHERE id = :id", id=ids["claims"][0])


def test_foreign_keys_are_enforced(ids):
    refused("UPDATE claims SET claimant_id = 999999 WHERE id = :id", id=ids["claims"][0])


def test_ratings_must_be_on_the_scale(ids):
    refused("INSERT INTO verdicts (claim_id, author_id, state, rating_value, rationale,"
            " current_version, created_at, updated_at, lock_version)"
            " VALUES (:c, :u, 'draft', 9, 'x', 1, :now, :now, 1)",
            c=ids["claims"][0], u=ids["user"], now=NOW)


def test_links_cannot_point_at_their_own_claim_or_mismatch_scope(ids):
    a, b = ids["claims"]
    refused("INSERT INTO links (from_claim_id, to_claim_id, type, scope, note, created_at,"
            " updated_at, lock_version) VALUES (:a, :a, 'denies', 'claim', '', :now, :now, 1)",
            a=a, now=NOW)
    refused("INSERT INTO links (from_claim_id, to_claim_id, type, scope, note, created_at,"
            " updated_at, lock_version) VALUES (:a, :b, 'denies', 'quote', '', :now, :now, 1)",
            a=a, b=b, now=NOW)


def test_counts_and_versions_are_sane(ids):
    refused("UPDATE claims SET independent_sources = -1 WHERE id = :id", id=ids["claims"][0])
    refused("UPDATE sources SET parent_id = id WHERE id = :id", id=ids["source"])


def test_slugs_are_unique(ids, journalist):
    from app.services.errors import Conflict

    with pytest.raises(Conflict) as err:
        event_service.create_event(actor=journalist.user, slug="e", title="again")
    assert err.value.fields == {"slug": ["already exists"]}

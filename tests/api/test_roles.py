"""Every write operation of the API × every role: anonymous callers get 401 (with
WWW-Authenticate), readers 403, journalists what journalists may do (log, edit, draft, and
delete drafts), editors and admins everything (deleting a public record is theirs). The
list of operations is checked against the OpenAPI document, so a new write operation
cannot be left out of this walk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.models import (
    Claim,
    ClaimKind,
    Dispute,
    Document,
    Event,
    Link,
    Quote,
    Role,
    Source,
    SourceKind,
    SourcingLevel,
    Verdict,
)
from app.services import disputes, documents, lifecycle, policy, verdicts
from app.services import events as event_service
from app.services import links as link_service
from app.services import sources as source_service
from app.services import users as user_service
from tests.api.conftest import World
from tests.sites import Page, article

ROLES = (None, Role.READER, Role.JOURNALIST, Role.EDITOR, Role.ADMIN)


@dataclass
class Op:
    method: str
    path: str  # as in the OpenAPI document
    role: Role  # the least role that may do it
    success: int
    # (world, journalist user, editor user) -> (record id or None, JSON body or None)
    setup: Callable
    if_match: bool = True


def new_event(w, j, e):
    return None, {"slug": f"new-event-{w.event_id}", "title": "New"}


def new_dispute(w, j, e):
    return None, {"event_id": w.event_id, "slug": f"new-dispute-{w.event_id}", "question": "Q?"}


def new_claim(w, j, e):
    return None, {"dispute_id": w.dispute_id, "claimant_id": w.source_id, "statement": "S.",
                  "kind": "denial", "sourcing_level": "on_record"}


def new_source(w, j, e):
    return None, {"slug": f"new-source-{w.event_id}", "name": "N", "kind": "outlet"}


def new_document(w, j, e):
    return None, {"title": "D", "text": "Some words."}


def new_quote(w, j, e):
    return None, {"claim_id": w.claim_ids[1], "speaker_id": w.source_id, "exact": "words"}


def new_link(w, j, e):
    return None, {"from_claim_id": w.claim_ids[1], "to_claim_id": w.claim_ids[0],
                  "type": "denies"}


def new_verdict(w, j, e):
    return None, {"claim_id": w.claim_ids[1], "rating_value": 1, "rationale": "R."}


def existing(model_attr: str, body=None):
    def setup(w, j, e):
        return getattr(w, model_attr), body

    return setup


SITE = None  # the local web site captures fetch from (set by `_with_site`)


def a_captured_page(w, j, e):
    n = next(_counter)
    SITE.pages[f"/page-{n}"] = Page(article(f"The words of page {n}."))
    return documents.create_document(actor=j, title=f"Web {n}",
                                     url=SITE.url(f"/page-{n}")).id, None


def a_link(w, j, e):
    return link_service.link_claims(w.claim_ids[1], w.claim_ids[0], "denies", actor=j).id


def a_draft(w, j, e):
    return verdicts.draft_verdict(w.claim_ids[1], 2, "Draft.", actor=j).id


def a_published(w, j, e):
    verdict = verdicts.draft_verdict(w.claim_ids[1], 2, "Draft.", actor=j)
    return verdicts.publish(verdict, actor=e).id


def deleted(model, make_id: Callable):
    def setup(w, j, e):
        record = policy.get_visible(model, make_id(w, j, e), viewer=policy.Viewer(e))
        lifecycle.delete_record(record, actor=e)
        return record.id, {"reason": "back"}

    return setup


J, E = Role.JOURNALIST, Role.EDITOR


def ids(attr):
    return lambda w, j, e: getattr(w, attr)


def first_claim(w, j, e):
    return w.claim_ids[0]


OPS = [
    Op("post", "/api/v1/events", J, 201, new_event, if_match=False),
    Op("patch", "/api/v1/events/{record_id}", J, 200, existing("event_id", {"title": "T"})),
    Op("delete", "/api/v1/events/{record_id}", E, 204, existing("spare_event_id")),
    Op("post", "/api/v1/events/{record_id}/restore", E, 200, deleted(Event, ids("spare_event_id")),
       if_match=False),
    Op("post", "/api/v1/disputes", J, 201, new_dispute, if_match=False),
    Op("patch", "/api/v1/disputes/{record_id}", J, 200, existing("dispute_id", {"summary": "S"})),
    Op("delete", "/api/v1/disputes/{record_id}", E, 204, existing("dispute_id")),
    Op("post", "/api/v1/disputes/{record_id}/state", E, 200,
       existing("dispute_id", {"state": "resolved", "reason": "settled"})),
    Op("post", "/api/v1/disputes/{record_id}/restore", E, 200,
       deleted(Dispute, ids("dispute_id")), if_match=False),
    Op("post", "/api/v1/claims", J, 201, new_claim, if_match=False),
    Op("patch", "/api/v1/claims/{record_id}", J, 200,
       lambda w, j, e: (w.claim_ids[0], {"independent_sources": 2})),
    Op("delete", "/api/v1/claims/{record_id}", E, 204, lambda w, j, e: (w.claim_ids[0], None)),
    Op("post", "/api/v1/claims/{record_id}/restore", E, 200, deleted(Claim, first_claim),
       if_match=False),
    Op("post", "/api/v1/sources", J, 201, new_source, if_match=False),
    Op("patch", "/api/v1/sources/{record_id}", J, 200, existing("source_id", {"title": "T"})),
    Op("delete", "/api/v1/sources/{record_id}", E, 204, existing("spare_source_id")),
    Op("post", "/api/v1/sources/{record_id}/restore", E, 200,
       deleted(Source, ids("spare_source_id")), if_match=False),
    Op("post", "/api/v1/documents", J, 201, new_document, if_match=False),
    Op("patch", "/api/v1/documents/{record_id}", J, 200,
       existing("document_id", {"text": "New words."})),
    Op("delete", "/api/v1/documents/{record_id}", E, 204, existing("spare_document_id")),
    Op("post", "/api/v1/documents/{record_id}/restore", E, 200,
       deleted(Document, ids("spare_document_id")), if_match=False),
    Op("post", "/api/v1/documents/{record_id}/captures", J, 201, a_captured_page,
       if_match=False),
    Op("post", "/api/v1/quotes", J, 201, new_quote, if_match=False),
    Op("patch", "/api/v1/quotes/{record_id}", J, 200, existing("quote_id", {"prefix": "the"})),
    Op("delete", "/api/v1/quotes/{record_id}", E, 204, existing("quote_id")),
    Op("post", "/api/v1/quotes/{record_id}/restore", E, 200, deleted(Quote, ids("quote_id")),
       if_match=False),
    Op("post", "/api/v1/links", J, 201, new_link, if_match=False),
    Op("patch", "/api/v1/links/{record_id}", J, 200,
       lambda w, j, e: (a_link(w, j, e), {"note": "scope"})),
    Op("delete", "/api/v1/links/{record_id}", E, 204, lambda w, j, e: (a_link(w, j, e), None)),
    Op("post", "/api/v1/links/{record_id}/restore", E, 200, deleted(Link, a_link),
       if_match=False),
    Op("post", "/api/v1/verdicts", J, 201, new_verdict, if_match=False),
    Op("patch", "/api/v1/verdicts/{record_id}", J, 200,
       lambda w, j, e: (a_draft(w, j, e), {"rating_value": 3})),
    Op("delete", "/api/v1/verdicts/{record_id}", J, 204,
       lambda w, j, e: (a_draft(w, j, e), None)),
    Op("post", "/api/v1/verdicts/{record_id}/publish", E, 200,
       lambda w, j, e: (a_draft(w, j, e), None)),
    Op("post", "/api/v1/verdicts/{record_id}/correct", E, 200,
       lambda w, j, e: (a_published(w, j, e), {"reason": "New facts.", "rating_value": 4})),
    Op("post", "/api/v1/verdicts/{record_id}/withdraw", E, 200,
       lambda w, j, e: (a_published(w, j, e), {"reason": "Misread."})),
    Op("post", "/api/v1/verdicts/{record_id}/restore", E, 200, deleted(Verdict, a_draft),
       if_match=False),
    Op("post", "/api/v1/claims/{record_id}/repeats", J, 201,
       lambda w, j, e: (w.claim_ids[1], {"original_claim_id": w.claim_ids[0]}), if_match=False),
    Op("post", "/api/v1/aliases", J, 201,
       lambda w, j, e: (None, {"source_id": w.source_id, "name": "S", "alias": f"S{w.event_id}"}),
       if_match=False),
]


@pytest.fixture(autouse=True)
def _with_site(site):
    global SITE
    SITE = site


@pytest.fixture
def accounts() -> dict[Role, tuple]:
    """A user and bearer-token headers per role (no passwords: no slow hashing)."""
    made = {}
    for role in Role:
        user = user_service.create_user(f"{role.value}@roles.example", role.value.title(), role)
        _, token = user_service.issue_token(user, "matrix")
        made[role] = (user, {"Authorization": f"Bearer {token}"})
    return made


def test_the_walk_covers_every_write_operation_of_the_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    writes = {(method, path) for path, item in spec["paths"].items()
              for method, operation in item.items()
              if method in ("post", "patch", "put", "delete")}
    assert writes == {(op.method, op.path) for op in OPS}
    for op in OPS:
        operation = spec["paths"][op.path][op.method]
        assert operation["security"] == [{"bearerAuth": []}]
        assert {"401", "403"} <= set(operation["responses"])
        names = {p["name"] for p in operation.get("parameters", [])}
        assert ("If-Match" in names) is op.if_match, (op.method, op.path)


@pytest.mark.parametrize("op", OPS, ids=lambda op: f"{op.method} {op.path}")
def test_every_role_on_every_write(client, accounts, op):
    journalist, _ = accounts[Role.JOURNALIST]
    editor, editor_headers = accounts[Role.EDITOR]
    for role in ROLES:
        # Given a fresh target for this attempt (an earlier role's success changed the last)
        record_id, body = op.setup(fresh(journalist), journalist, editor)
        url = op.path.replace("{record_id}", str(record_id))
        headers = dict(accounts[role][1]) if role else {}
        if op.if_match:  # with the record's current ETag: only the role can stop it
            read = client.get(op.path.split("{record_id}")[0] + str(record_id),
                              headers=editor_headers)
            assert read.status_code == 200, (url, read.get_json())
            headers["If-Match"] = read.headers["ETag"]
        # When this role tries the operation
        response = getattr(client, op.method)(url, json=body, headers=headers)
        # Then it is done for roles high enough, 401 without a token, 403 otherwise
        allowed = role is not None and role.at_least(op.role)
        expected = op.success if allowed else (401 if role is None else 403)
        assert response.status_code == expected, (role, op.path, response.get_json())
        if expected == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        if expected in (401, 403):
            assert response.get_json()["error"]["status"] == expected


_counter = iter(range(10**6))


def fresh(actor) -> World:
    """A new event, sources, document, dispute with two claims and a quote."""
    n = next(_counter)
    event = event_service.create_event(actor=actor, slug=f"ev-{n}", title="E")
    source = source_service.create_source(actor=actor, slug=f"src-{n}", name="S",
                                          kind=SourceKind.PERSON)
    other = source_service.create_source(actor=actor, slug=f"oth-{n}", name="O",
                                         kind=SourceKind.OUTLET)
    document = documents.create_document(actor=actor, title=f"Doc {n}", text="a few words here")
    dispute = disputes.log_dispute(
        actor=actor, event_id=event.id, slug=f"dis-{n}", question="Q?",
        claims=[{"claimant_id": source.id, "statement": "A.", "kind": ClaimKind.DENIAL,
                 "sourcing_level": SourcingLevel.ON_RECORD,
                 "quotes": [{"speaker_id": source.id, "document_id": document.id,
                             "exact": "few words"}]},
                {"claimant_id": other.id, "statement": "B.",
                 "kind": ClaimKind.DENIAL, "sourcing_level": SourcingLevel.ON_RECORD}])
    claims = dispute.claims
    world = World(event.id, source.id, other.id, document.id, dispute.id, [c.id for c in claims])
    world.quote_id = claims[0].quotes[0].id
    # Records nothing uses, which may be deleted (one in use may not: 409)
    world.spare_event_id = event_service.create_event(actor=actor, slug=f"spare-{n}", title="S").id
    world.spare_source_id = source_service.create_source(actor=actor, slug=f"spare-{n}", name="S",
                                                   kind=SourceKind.PERSON).id
    world.spare_document_id = documents.create_document(actor=actor, title=f"Spare {n}").id
    return world

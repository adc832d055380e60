"""Disputes over HTTP: logging with claims, the whole dispute in one read (in a constant
number of queries), search by words, and state changes by editors."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import ClaimKind, Dispute, SourcingLevel
from app.services import disputes as service
from app.services import links as link_service
from app.services import verdicts
from tests.api.conftest import counting_queries, etag, with_if_match

URL = "/api/v1/disputes"


def _seeded_id(slug: str) -> int:
    return db.session.scalar(sa.select(Dispute.id).where(Dispute.slug == slug))


def test_search_by_words_finds_the_seeded_sacked_dispute(client, seeded):
    response = client.get(URL + "?q=sacked")
    assert response.status_code == 200
    slugs = [d["slug"] for d in response.get_json()]
    assert "biden-warned-kyiv-could-be-sacked" in slugs
    assert client.get(URL + "?q=zzzyzzy").get_json() == []


def test_the_detail_shows_the_nsc_denial_linked_to_the_cnn_claim(client, seeded):
    response = client.get(f"{URL}/{_seeded_id('biden-warned-kyiv-could-be-sacked')}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["event"]["slug"] == "biden-zelensky-call-2022-01-27"
    claims = {c["id"]: c for c in body["claims"]}
    cnn = next(c for c in body["claims"] if c["claimant"]["name"] == "An unnamed Ukrainian source")
    assert [a["source"]["name"] for a in cnn["attribution_chain"]] == ["CNN"]
    assert cnn["sourcing_level"] == "anonymous"
    assert {q["exact"]: q["integrity"] for q in cnn["quotes"]}["sacked"] == "verbatim"
    horne = [c for c in body["claims"] if c["claimant"]["name"] == "Emily Horne"]
    assert horne and horne[0]["claimant"]["affiliation"][0]["name"] == "National Security Council"
    denial = [link for link in body["links"]
              if link["to_claim_id"] == cnn["id"] and link["type"] == "denies"
              and claims[link["from_claim_id"]]["claimant"]["name"] == "Emily Horne"]
    assert denial, body["links"]
    scoped = [link for link in denial if link["scope"] == "quote"]
    assert scoped and scoped[0]["scope_quote_exact"] == "sacked"
    assert response.headers["ETag"].startswith(f'"{body["lock_version"]}-')


def test_drafts_show_in_the_detail_for_staff_only(client, seeded, journalist):
    url = f"{URL}/{_seeded_id('attack-certain-once-ground-freezes')}"
    public = client.get(url).get_json()
    staff = client.get(url, headers=journalist.headers)
    assert staff.headers["Cache-Control"] == "private, no-store"
    public_states = {c["verdict"]["state"] for c in public["claims"] if c["verdict"]}
    staff_states = {c["verdict"]["state"] for c in staff.get_json()["claims"] if c["verdict"]}
    assert "draft" not in public_states and "draft" in staff_states


def _dispute_with(n: int, world, journalist) -> int:
    claims = [{"claimant_id": world.source_id, "statement": f"Account {i}.",
               "kind": ClaimKind.FACTUAL_ASSERTION, "sourcing_level": SourcingLevel.ON_RECORD,
               "first_appearance_id": world.document_id,
               "attributions": [{"source_id": world.other_source_id}],
               "appearances": [{"document_id": world.document_id}],
               "quotes": [{"speaker_id": world.source_id, "document_id": world.document_id,
                           "exact": "could be sacked"}]}
              for i in range(n)]
    dispute = service.log_dispute(actor=journalist.user, event_id=world.event_id, slug=f"d{n}",
                                  question=f"{n} accounts?", claims=claims)
    ids = [c.id for c in dispute.claims]
    for a, b in zip(ids, ids[1:], strict=False):
        link_service.link_claims(a, b, "contradicts", actor=journalist.user)
    for claim_id in ids:
        verdicts.draft_verdict(claim_id, 2, "Misleading.",
                               [{"document_id": world.document_id,
                                 "stance": "refutes"}], actor=journalist.user)
    return dispute.id


def test_the_detail_costs_the_same_queries_for_3_and_30_claims(client, world, journalist):
    small, large = (_dispute_with(n, world, journalist) for n in (3, 30))
    client.get("/api/v1/ratings", headers=journalist.headers)  # the token's first use is a write
    counts = {}
    for dispute_id in (small, large):
        db.session.expunge_all()
        with counting_queries() as statements:
            response = client.get(f"{URL}/{dispute_id}", headers=journalist.headers)
        assert response.status_code == 200
        claims = response.get_json()["claims"]
        assert all(c["verdict"]["state"] == "draft" for c in claims)
        counts[len(claims)] = len(statements)
    assert counts[3] == counts[30], counts
    # token (2), dispute, event, claims, attributions, appearances, quotes, verdicts,
    # links, the quotes links are scoped to, sources with their parents, documents
    assert counts[30] <= 13, counts


def test_logging_a_dispute_with_claims_is_all_or_nothing(client, world, journalist):
    body = {"event_id": world.event_id, "slug": "new", "question": "Who said it?",
            "claims": [{"claimant_id": world.source_id, "statement": "I did.",
                        "kind": "denial", "sourcing_level": "on_record"},
                       {"claimant_id": 999999, "statement": "No.",
                        "kind": "denial", "sourcing_level": "on_record"}]}
    response = client.post(URL, json=body, headers=journalist.headers)
    assert response.status_code == 422
    assert "claimant_id" in response.get_json()["error"]["fields"]
    assert client.get(URL + "?q=who").get_json() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dispute)) == 1

    body["claims"][1]["claimant_id"] = world.other_source_id
    created = client.post(URL, json=body, headers=journalist.headers)
    assert created.status_code == 201, created.get_json()
    detail = client.get(created.headers["Location"]).get_json()
    assert [c["statement"] for c in detail["claims"]] == ["I did.", "No."]


def test_nested_bad_input_names_the_nested_field(client, world, journalist):
    body = {"event_id": world.event_id, "slug": "new", "question": "Q?",
            "claims": [{"claimant_id": world.source_id, "statement": "",
                        "kind": "rumour", "sourcing_level": "on_record"}]}
    response = client.post(URL, json=body, headers=journalist.headers)
    assert response.status_code == 422
    assert {"claims.0.statement", "claims.0.kind"} <= set(response.get_json()["error"]["fields"])


def test_editors_change_the_state_with_if_match(client, world, journalist, editor):
    url = f"{URL}/{world.dispute_id}"
    tag = etag(client, url)
    denied = client.post(url + "/state", json={"state": "contested", "reason": "denied"},
                         headers=with_if_match(journalist.headers, tag))
    assert denied.status_code == 403
    assert client.post(url + "/state", json={"state": "contested", "reason": "denied"},
                       headers=editor.headers).status_code == 428
    # a state change says why (readers are shown it)
    unexplained = client.post(url + "/state", json={"state": "contested"},
                              headers=with_if_match(editor.headers, tag))
    assert unexplained.status_code == 422
    assert "reason" in unexplained.get_json()["error"]["fields"]
    changed = client.post(url + "/state", json={"state": "contested", "reason": "denied"},
                          headers=with_if_match(editor.headers, tag))
    assert changed.status_code == 200 and changed.get_json()["state"] == "contested"
    stale = client.post(url + "/state", json={"state": "resolved", "reason": "settled"},
                        headers=with_if_match(editor.headers, tag))
    assert stale.status_code == 412
    assert client.get(URL + "?state=contested").get_json()[0]["id"] == world.dispute_id


def test_a_journalist_cannot_set_the_state_when_logging(client, world, journalist, editor):
    # a dispute's state is an editor's call, when logging it as later (the pages agree)
    response = client.post(URL, json={"event_id": world.event_id, "slug": "x",
                                      "question": "Q?", "state": "resolved"},
                           headers=journalist.headers)
    assert response.status_code == 403
    assert "editors" in response.get_json()["error"]["message"]
    opened = client.post(URL, json={"event_id": world.event_id, "slug": "y", "question": "Q?"},
                         headers=journalist.headers)
    assert opened.status_code == 201 and opened.get_json()["state"] == "open"
    resolved = client.post(URL, json={"event_id": world.event_id, "slug": "z",
                                      "question": "Q?", "state": "resolved"},
                           headers=editor.headers)
    assert resolved.status_code == 201 and resolved.get_json()["state"] == "resolved"


def test_deleting_a_dispute_hides_its_claims(client, world, editor):
    url = f"{URL}/{world.dispute_id}"
    claim_url = f"/api/v1/claims/{world.claim_ids[0]}"
    assert client.get(claim_url).status_code == 200
    response = client.delete(url, headers=with_if_match(editor.headers, etag(client, url)))
    assert response.status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(claim_url).status_code == 404
    assert client.get("/api/v1/claims").get_json() == []
    assert client.get("/api/v1/quotes").get_json() == []

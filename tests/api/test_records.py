"""Sources, documents, claims, quotes and links over HTTP: what each resource adds to
the common life tested in test_events.py."""

from __future__ import annotations

from tests.api.conftest import etag, with_if_match


def test_sources_refuse_affiliation_cycles(client, journalist):
    def create(slug, parent=None):
        response = client.post("/api/v1/sources", json={
            "slug": slug, "name": slug.title(), "kind": "organisation", "parent_id": parent},
            headers=journalist.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    white_house = create("white-house")
    nsc = create("nsc", white_house)
    url = f"/api/v1/sources/{white_house}"
    cycle = client.patch(url, json={"parent_id": nsc},
                         headers=with_if_match(journalist.headers, etag(client, url)))
    assert cycle.status_code == 422 and "parent_id" in cycle.get_json()["error"]["fields"]
    children = client.get(f"/api/v1/sources?parent_id={white_house}").get_json()
    assert [s["slug"] for s in children] == ["nsc"]
    assert client.get("/api/v1/sources?kind=person").get_json() == []


def test_a_document_with_an_unknown_publisher_is_422(client, journalist):
    response = client.post("/api/v1/documents", json={"title": "T", "publisher_id": 77},
                           headers=journalist.headers)
    assert response.status_code == 422
    assert "publisher_id" in response.get_json()["error"]["fields"]


def test_changing_a_documents_text_rechecks_its_quotes(client, world, journalist):
    quotes = client.get(f"/api/v1/quotes?document_id={world.document_id}").get_json()
    assert [q["integrity"] for q in quotes] == ["verbatim"]
    url = f"/api/v1/documents/{world.document_id}"
    before = client.get(url)
    changed = client.patch(url, json={"text": "He said nothing of the kind."},
                           headers=with_if_match(journalist.headers, before.headers["ETag"]))
    assert changed.status_code == 200
    assert changed.get_json()["text_sha256"] != before.get_json()["text_sha256"]
    quote = client.get(f"/api/v1/quotes/{quotes[0]['id']}").get_json()
    # the words were in version 1 and are not in version 2: removed, not merely not found
    assert quote["integrity"] == "removed"
    assert (quote["checked_version"], quote["last_seen_version"]) == (2, 1)
    assert client.get("/api/v1/quotes?integrity=verbatim").get_json() == []


def test_claims_with_attribution_chains(client, world, journalist):
    response = client.post("/api/v1/claims", json={
        "dispute_id": world.dispute_id, "claimant_id": world.source_id,
        "statement": "Two people familiar said so.", "kind": "factual_assertion",
        "sourcing_level": "anonymous", "independent_sources": 2,
        "attributions": [{"source_id": world.other_source_id, "relation": "citing"}],
        "appearances": [{"document_id": world.document_id, "note": "para 3"}],
        "stated_at": "2022-01-27T21:00:00",
    }, headers=journalist.headers)
    assert response.status_code == 201, response.get_json()
    claim = response.get_json()
    assert claim["stated_at"].startswith("2022-01-27T21:00:00") and claim["position"] == 2
    assert [(a["position"], a["source_id"]) for a in claim["attributions"]] == [
        (0, world.other_source_id)]
    url = response.headers["Location"]
    changed = client.patch(url, json={"attributions": [{"source_id": world.source_id},
                                                       {"source_id": world.other_source_id}]},
                           headers=with_if_match(journalist.headers, response.headers["ETag"]))
    assert changed.status_code == 200
    assert [a["source_id"] for a in changed.get_json()["attributions"]] == [
        world.source_id, world.other_source_id]
    assert changed.get_json()["lock_version"] == 2
    by_event = client.get(f"/api/v1/claims?event_id={world.event_id}&claimant_id="
                          f"{world.source_id}").get_json()
    assert [c["id"] for c in by_event] == [world.claim_ids[0], claim["id"]]
    moved = client.patch(url, json={"dispute_id": 1},
                         headers=with_if_match(journalist.headers, changed.headers["ETag"]))
    assert moved.status_code == 422 and "dispute_id" in moved.get_json()["error"]["fields"]


def test_quotes_get_their_integrity_computed(client, world, journalist):
    def add(exact):
        response = client.post("/api/v1/quotes", json={
            "claim_id": world.claim_ids[1], "speaker_id": world.other_source_id,
            "document_id": world.document_id, "exact": exact}, headers=journalist.headers)
        assert response.status_code == 201, response.get_json()
        return response

    assert add("sacked soon").get_json()["integrity"] == "verbatim"
    typed = add("could be razed")
    assert typed.get_json()["integrity"] in ("altered", "not_found")
    url = typed.headers["Location"]
    fixed = client.patch(url, json={"exact": "could be sacked"},
                         headers=with_if_match(journalist.headers, typed.headers["ETag"]))
    assert fixed.status_code == 200 and fixed.get_json()["integrity"] == "verbatim"
    forged = client.post("/api/v1/quotes", json={
        "claim_id": world.claim_ids[1], "speaker_id": world.source_id, "exact": "x",
        "integrity": "verbatim"}, headers=journalist.headers)
    assert forged.status_code == 422 and "integrity" in forged.get_json()["error"]["fields"]


def test_quotes_carry_their_differences_classified(client, world, journalist):
    # Given a document with a minister's words
    document = client.post("/api/v1/documents", json={
        "title": "Budget speech", "text": "She said the plan was ready. “We will not raise "
        "taxes this year,” she added."}, headers=journalist.headers).get_json()

    def add(exact):
        response = client.post("/api/v1/quotes", json={
            "claim_id": world.claim_ids[1], "speaker_id": world.other_source_id,
            "document_id": document["id"], "exact": exact}, headers=journalist.headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # When one quote clarifies a pronoun in brackets and another drops the "not"
    clarified = add("[The minister] said the plan was ready")
    dropped = add("We will … raise taxes this year")

    # Then each says what differs, and whether it changes the meaning
    assert clarified["integrity"] == "verbatim"
    assert clarified["differences"] == [
        {"kind": "editorial", "detail": "bracket_replacement", "quote": "[The minister]",
         "text": "She", "changes_meaning": False, "meaning": [], "words": []}]
    assert dropped["integrity"] == "altered"
    assert dropped["differences"] == [
        {"kind": "omission", "detail": "ellipsis", "quote": "…", "text": "not",
         "changes_meaning": True, "meaning": ["negation"], "words": ["not"]}]
    assert client.get(f"/api/v1/quotes/{dropped['id']}").get_json()["differences"] == (
        dropped["differences"])
    # and the whole dispute shows them with its quotes
    detail = client.get(f"/api/v1/disputes/{world.dispute_id}").get_json()
    shown = {q["exact"]: q["differences"] for c in detail["claims"] for q in c["quotes"]}
    assert shown == {"could be sacked": [], clarified["exact"]: clarified["differences"],
                     dropped["exact"]: dropped["differences"]}
    # and the OpenAPI document names the kinds a consumer will meet
    spec = client.get("/api/v1/openapi.json").get_json()
    difference = spec["components"]["schemas"]["Difference"]["properties"]
    assert difference["kind"]["enum"] == ["cosmetic", "editorial", "omission", "substitution",
                                          "insertion", "reordering"]


def test_links_scoped_to_a_quote(client, world, journalist):
    quote_id = client.get(f"/api/v1/quotes?claim_id={world.claim_ids[0]}").get_json()[0]["id"]
    base = {"from_claim_id": world.claim_ids[1], "to_claim_id": world.claim_ids[0],
            "type": "denies"}
    missing = client.post("/api/v1/links", json={**base, "scope": "quote"},
                          headers=journalist.headers)
    assert missing.status_code == 422
    assert "scope_quote_id" in missing.get_json()["error"]["fields"]
    itself = client.post("/api/v1/links", json={**base, "to_claim_id": world.claim_ids[1]},
                         headers=journalist.headers)
    assert itself.status_code == 422 and "to_claim_id" in itself.get_json()["error"]["fields"]
    created = client.post("/api/v1/links", json={**base, "scope": "quote",
                                                 "scope_quote_id": quote_id, "note": "the word"},
                          headers=journalist.headers)
    assert created.status_code == 201, created.get_json()
    for claim_id in world.claim_ids:
        listed = client.get(f"/api/v1/links?claim_id={claim_id}").get_json()
        assert [link["scope_quote_id"] for link in listed] == [quote_id]
    retype = client.patch(created.headers["Location"], json={"type": "contradicts"},
                          headers=with_if_match(journalist.headers, created.headers["ETag"]))
    assert retype.status_code == 200 and retype.get_json()["type"] == "contradicts"
    rewire = client.patch(created.headers["Location"], json={"to_claim_id": 1},
                          headers=with_if_match(journalist.headers, retype.headers["ETag"]))
    assert rewire.status_code == 422


def test_pages_and_link_headers(client, journalist):
    for i in range(5):
        client.post("/api/v1/events", json={"slug": f"e{i}", "title": f"E{i}"},
                    headers=journalist.headers)
    response = client.get("/api/v1/events?per_page=2&page=2&q=E")
    assert [e["slug"] for e in response.get_json()] == ["e2", "e3"]
    assert response.headers["X-Total-Count"] == "5"
    links = {rel: url for url, rel in
                 (part.split("; rel=") for part in response.headers["Link"].split(", "))}
    assert set(links) == {'"first"', '"prev"', '"next"', '"last"'}
    assert "page=3" in links['"next"'] and "per_page=2" in links['"next"']
    assert "q=E" in links['"next"'] and "page=3" in links['"last"']
    last = client.get(links['"last"'].strip("<>"))
    assert [e["slug"] for e in last.get_json()] == ["e4"]
    assert 'rel="next"' not in last.headers["Link"]


def test_what_is_in_use_cannot_be_deleted(client, world, editor):
    def delete(url):
        return client.delete(url, headers=with_if_match(editor.headers, etag(client, url)))

    source = delete(f"/api/v1/sources/{world.source_id}")
    assert source.status_code == 409
    assert any("claimant" in p for p in source.get_json()["error"]["fields"]["in_use"])
    assert delete(f"/api/v1/documents/{world.document_id}").status_code == 409
    assert delete(f"/api/v1/events/{world.event_id}").status_code == 409

    assert delete(f"/api/v1/claims/{world.claim_ids[1]}").status_code == 204

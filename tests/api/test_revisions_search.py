"""The revision log (read only, filtered by who asks) and full-text search."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import counting_queries, etag, with_if_match


def test_every_api_change_writes_a_revision_with_the_acting_user(client, world, editor):
    url = f"/api/v1/events/{world.event_id}"
    client.patch(url, json={"title": "Renamed"}, headers=with_if_match(editor.headers,
                                                                       etag(client, url)))
    revisions = client.get(f"/api/v1/revisions?entity_type=events&entity_id={world.event_id}")
    assert revisions.status_code == 200
    newest = revisions.get_json()[0]
    assert newest["action"] == "update" and newest["actor"]["name"] == "Editor Example"
    assert (newest["before"], newest["after"]) == ({"title": "The call"}, {"title": "Renamed"})
    one = client.get(f"/api/v1/revisions/{newest['id']}")
    assert one.status_code == 200 and one.get_json() == newest
    assert client.post("/api/v1/revisions", json={}).status_code == 405


def test_readers_see_public_revisions_only(client, world, journalist, admin, editor):
    client.post("/api/v1/verdicts", json={"claim_id": world.claim_ids[0], "rating_value": 1,
                                          "rationale": "A draft's secret rationale."},
                headers=journalist.headers)
    spare = client.post("/api/v1/sources", json={"slug": "spare", "name": "Spare",
                                                 "kind": "person"}, headers=journalist.headers)
    spare_id = spare.get_json()["id"]
    deleted = client.delete(spare.headers["Location"],
                            headers=with_if_match(editor.headers, spare.headers["ETag"]))
    assert deleted.status_code == 204

    def types(headers=None, query=""):
        response = client.get(f"/api/v1/revisions?per_page=100{query}", headers=headers or {})
        assert response.status_code == 200
        return {(r["entity_type"], r["entity_id"]) for r in response.get_json()}

    public = types()
    assert ("events", world.event_id) in public and ("claims", world.claim_ids[0]) in public
    assert not {t for t, _ in public} & {"verdicts", "verdict_versions", "users", "api_tokens"}
    assert ("sources", spare_id) not in public  # deleted now
    staff = types(journalist.headers)
    assert {"verdicts", "verdict_versions"} <= {t for t, _ in staff}
    # deleted records (and their change log) are for editors, as everywhere
    assert ("sources", spare_id) not in staff
    assert ("sources", spare_id) in types(editor.headers)
    assert not {t for t, _ in staff} & {"users", "api_tokens"}
    assert "users" in {t for t, _ in types(admin.headers, "&entity_type=users")}
    verdict_revision = client.get("/api/v1/revisions?entity_type=verdicts",
                                  headers=journalist.headers).get_json()[0]["id"]
    assert client.get(f"/api/v1/revisions/{verdict_revision}").status_code == 404


def test_search_finds_disputes_claims_quotes_and_sources(client, seeded):
    response = client.get("/api/v1/search?q=sacked")
    assert response.status_code == 200
    hits = response.get_json()
    assert {h["kind"] for h in hits} >= {"dispute", "claim", "quote"}
    ranks = [h["rank"] for h in hits]
    assert ranks == sorted(ranks, reverse=True)
    for hit in hits[:5]:
        assert client.get(hit["url"]).status_code == 200, hit
    quotes = client.get("/api/v1/search?q=sacked&kind=quote").get_json()
    assert quotes and {h["kind"] for h in quotes} == {"quote"}
    sources = client.get("/api/v1/search?q=Horne&kind=source").get_json()
    assert sources[0]["title"] == "Emily Horne"
    page = client.get("/api/v1/search?q=sacked&limit=1")
    assert len(page.get_json()) == 1 and "offset=1" in page.headers["Link"]


@pytest.mark.parametrize("url", ["/api/v1/search?q=sacked", "/api/v1/search?q=troops&limit=3",
                                 "/api/v1/search?q=Kiev&kind=claim&kind=quote",
                                 "/api/v1/search?q=Horne&offset=1"])
def test_search_hits_are_what_the_schema_dumps(client, seeded, url):
    """The view writes the hits itself: exactly SearchHitSchema's dump of the service's
    hits, field for field and in its order, each with its resource's URL."""
    from dataclasses import asdict

    from flask import url_for

    from app.api.search import ENDPOINTS
    from app.schemas.search import SearchHitSchema
    from app.services.search import search

    response = client.get(url)
    assert response.status_code == 200
    got = json.loads(response.data)  # keeps the order of the keys
    args = response.request.args
    with client.application.test_request_context(url):
        hits = search(args["q"], kinds=set(args.getlist("kind")) or None,
                      limit=int(args.get("limit", 20)), offset=int(args.get("offset", 0)))
        expected = SearchHitSchema(many=True).dump(
            [{**asdict(hit), "url": url_for(ENDPOINTS[hit.kind], record_id=hit.id)}
             for hit in hits])
    assert got and got == expected
    assert [list(hit) for hit in got] == [list(hit) for hit in expected]


@pytest.mark.parametrize("query", ["", "q=", "q=%20%20", "q=" + "x" * 201, "q=a&kind=verdict",
                                   "q=a&limit=0"])
def test_bad_searches_are_422(client, query):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"]


LISTS = ["/api/v1/events?per_page=", "/api/v1/disputes?per_page=", "/api/v1/claims?per_page=",
         "/api/v1/sources?per_page=", "/api/v1/documents?per_page=", "/api/v1/quotes?per_page=",
         "/api/v1/links?per_page=", "/api/v1/verdicts?limit=", "/api/v1/revisions?per_page=",
         "/api/v1/search?q=biden&limit="]


@pytest.mark.parametrize("url", LISTS)
def test_lists_cost_the_same_queries_for_1_and_100_items(client, seeded, journalist, url):
    """No N+1: a page of many rows costs the queries of a page of one."""
    client.get("/api/v1/ratings", headers=journalist.headers)  # the token's first use writes
    # what a process reads once per generation (search: the aliases) is read here
    client.get(f"{url}1", headers=journalist.headers)
    counts = {}
    for size in (1, 100):
        page = f"{url}{size}"
        with counting_queries() as statements:
            response = client.get(page, headers=journalist.headers)
        assert response.status_code == 200, response.get_json()
        counts[len(response.get_json())] = len(statements)
    assert len(counts) == 2, f"the seeds should give more than one row: {counts}"
    small, large = counts.values()
    assert small == large, counts

"""HTTP contracts every endpoint keeps: one error envelope (ours, not flask-smorest's),
405 with Allow, 413, ids out of range, 401 with WWW-Authenticate, bad JSON and unknown
parameters; a valid OpenAPI 3 document; docs served from local files only."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

ERROR_KEYS = {"status", "code", "message", "fields"}


def envelope(response, status: int) -> dict:
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    return body["error"]


def test_405_has_allow_and_the_envelope(client):
    error = envelope(client.put("/api/v1/events"), 405)
    assert error["code"] == "method_not_allowed"
    response = client.put("/api/v1/events")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_413_over_max_content_length(app, client, journalist):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/api/v1/events", data=b"{" + b" " * size + b"}",
                           content_type="application/json", headers=journalist.headers)
    envelope(response, 413)


@pytest.mark.parametrize("url", [
    "/api/v1/events/99999999999999999999999999",
    "/api/v1/verdicts/9223372036854775808/history",
    "/api/v1/revisions/9223372036854775808",
    "/api/v1/events/2147483648",  # just past PostgreSQL's INTEGER
    "/api/v1/disputes/2147483648",
    "/api/v1/verdicts/2147483648/claimreview",
    "/api/v1/disputes/0",
    "/api/v1/claims/-1",
    "/api/v1/nothing-here",
])
def test_ids_out_of_range_and_unknown_paths_are_404(client, url):
    envelope(client.get(url), 404)


def test_a_bad_token_is_401_even_on_a_read(client):
    response = client.get("/api/v1/events", headers={"Authorization": "Bearer cc_nope"})
    error = envelope(response, 401)
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and re.search(r'error="?invalid_token"?', challenge)
    assert error["code"] == "unauthorized"
    basic = client.get("/api/v1/events", headers={"Authorization": "Basic dTpw"})
    envelope(basic, 401)


def test_a_revoked_token_stops_working(client, journalist):
    from app.services import users

    assert client.get("/api/v1/events", headers=journalist.headers).status_code == 200
    token_id = journalist.user.tokens[0].id
    users.revoke_token(token_id)
    envelope(client.post("/api/v1/events", json={"slug": "x", "title": "X"},
                         headers=journalist.headers), 401)


def test_bad_json_and_wrong_types_are_4xx_naming_the_problem(client, journalist):
    bad = client.post("/api/v1/events", data=b"{not json", content_type="application/json",
                      headers=journalist.headers)
    assert envelope(bad, 400)["fields"]
    array = client.post("/api/v1/events", json=[1, 2], headers=journalist.headers)
    assert envelope(array, 422)["fields"]
    typed = client.post("/api/v1/sources", json={"slug": 5, "name": "N", "kind": "x"},
                        headers=journalist.headers)
    assert set(envelope(typed, 422)["fields"]) == {"slug", "kind"}


def test_strings_the_databases_cannot_store_are_4xx(client, journalist):
    for title in (r"nul\u0000byte", r"two\nlines"):
        response = client.post("/api/v1/events", data=f'{{"slug": "e", "title": "{title}"}}',
                               content_type="application/json", headers=journalist.headers)
        assert "title" in envelope(response, 422)["fields"], title
    # A lone surrogate is not Unicode text: the body is not valid (I-)JSON at all
    lone = client.post("/api/v1/events", data='{"slug": "e", "title": "lone \\ud800"}',
                       content_type="application/json", headers=journalist.headers)
    assert "surrogate" in envelope(lone, 400)["fields"]["json"][0]
    huge = client.post("/api/v1/claims", data='{"dispute_id": 18446744073709551616, '
                       '"claimant_id": 1, "statement": "s", "kind": "denial", '
                       '"sourcing_level": "on_record"}',
                       content_type="application/json", headers=journalist.headers)
    assert "dispute_id" in envelope(huge, 422)["fields"]
    far = client.post("/api/v1/documents", json={"title": "D",
                                                 "published_at": "9999-12-31T23:59:59-23:59"},
                      headers=journalist.headers)
    assert "published_at" in envelope(far, 422)["fields"]


def test_ids_past_the_integer_columns_are_422_in_bodies_and_queries(client, journalist):
    body = client.post("/api/v1/verdicts", json={"claim_id": 2**31, "rating_value": 1,
                                                 "rationale": "x"}, headers=journalist.headers)
    assert "claim_id" in envelope(body, 422)["fields"]
    query = client.get("/api/v1/claims?dispute_id=2147483648")
    assert "dispute_id" in envelope(query, 422)["fields"]


def test_unknown_query_parameters_are_422(client):
    response = client.get("/api/v1/claims?disput_id=3")
    assert "disput_id" in envelope(response, 422)["fields"]
    assert "per_page" in envelope(client.get("/api/v1/events?per_page=1000"), 422)["fields"]


def test_a_failed_write_changes_nothing(client, world, journalist):
    before = client.get("/api/v1/revisions", headers=journalist.headers)
    response = client.post("/api/v1/claims", json={
        "dispute_id": world.dispute_id, "claimant_id": world.source_id, "statement": "S.",
        "kind": "denial", "sourcing_level": "on_record",
        "quotes": [{"speaker_id": world.source_id, "exact": "ok"},
                   {"speaker_id": 424242, "exact": "no such speaker"}]},
        headers=journalist.headers)
    assert "quotes.1.speaker_id" in envelope(response, 422)["fields"]
    after = client.get("/api/v1/revisions", headers=journalist.headers)
    assert after.headers["X-Total-Count"] == before.headers["X-Total-Count"]
    assert len(client.get(f"/api/v1/claims?dispute_id={world.dispute_id}").get_json()) == 2


def test_the_openapi_document_is_valid_and_complete(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    operations = [(path, method, op) for path, item in spec["paths"].items()
                  for method, op in item.items() if method != "parameters"]
    for path, method, op in operations:
        assert op.get("security"), (method, path)
        assert "default" in op["responses"] and "401" in op["responses"], (method, path)
        if "{record_id}" in path:
            assert "404" in op["responses"], (method, path)
        if method == "get":
            assert "304" in op["responses"], (method, path)
    required = ["/api/v1/events", "/api/v1/disputes", "/api/v1/claims", "/api/v1/sources",
                "/api/v1/documents", "/api/v1/quotes", "/api/v1/links", "/api/v1/verdicts",
                "/api/v1/revisions", "/api/v1/search", "/api/v1/verdicts/{record_id}/claimreview",
                "/api/v1/verdicts/{record_id}/history", "/api/v1/disputes/{record_id}",
                "/api/v1/documents/{record_id}/captures", "/api/v1/documents/{record_id}/versions",
                "/api/v1/documents/{record_id}/versions/{number}",
                "/api/v1/documents/{record_id}/versions/{number}/archive"]
    assert set(required) <= set(spec["paths"])
    # 58 resource operations + track-record + export + capture and three version reads
    # + known claims (matches, a claim's matches and repeats, reviews, a review, aliases)
    assert len(operations) == 71


def test_the_docs_page_is_served_from_local_files_only(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.search(r"(https?:)?//[\w.-]+\.\w", html), "an external URL in the page"
    assert "<script>" not in html  # no inline script: a strict CSP can allow the page
    local = re.findall(r'(?:src|href|data-spec-url)="([^"]+)"', html)
    assert len(local) >= 5
    for url in local:
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
    init = client.get("/api/docs/init.js").get_data(as_text=True)
    assert "validatorUrl: null" in init and "http" not in init
    assert client.get("/api/docs/assets/../../config.py").status_code == 404


def test_api_writes_need_no_csrf_token_when_csrf_protection_is_on(database_url, journalist):
    """The web pages turn CSRF protection on for the whole app; bearer-token API
    blueprints are exempt (a cookie-less token cannot be ridden by another site)."""
    from app import create_app
    from app.extensions import csrf
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True

    app = create_app(Config)
    if "csrf" not in app.extensions:
        csrf.init_app(app)
    with app.test_client() as client:
        response = client.post("/api/v1/events", json={"slug": "csrf", "title": "C"},
                               headers=journalist.headers)
        assert response.status_code == 201, response.get_json()


def test_a_flood_of_writes_gets_429_per_account(database_url, journalist, editor):
    """A runaway script holding a token gets 429s (in the envelope, with Retry-After)
    once it passes the per-account write limit; other accounts and reads go on."""
    from app import create_app
    from config import TestingConfig

    class Limited(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        API_WRITE_RATE_LIMIT = "3 per minute"

    client = create_app(Limited).test_client()
    # Given three writes of one account, to different resources
    statuses = [
        client.post("/api/v1/events", json={"slug": "e1", "title": "One"},
                    headers=journalist.headers).status_code,
        client.post("/api/v1/sources", json={"slug": "s1", "name": "S", "kind": "person"},
                    headers=journalist.headers).status_code,
        client.post("/api/v1/events", json={"slug": "e2", "title": "Two"},
                    headers=journalist.headers).status_code,
    ]
    assert statuses == [201, 201, 201]

    # When it writes once more, then it is refused, and nothing is written
    flood = client.post("/api/v1/events", json={"slug": "e3", "title": "Three"},
                        headers=journalist.headers)
    error = envelope(flood, 429)
    assert error["code"] == "too_many_requests"
    assert int(flood.headers["Retry-After"]) > 0
    assert client.get("/api/v1/events?slug=e3").get_json() == []

    # while another account writes and anyone reads
    assert client.post("/api/v1/events", json={"slug": "e4", "title": "Four"},
                       headers=editor.headers).status_code == 201
    assert client.get("/api/v1/events").status_code == 200

"""One error vocabulary: whatever refused a request, its answer's `code` is one of
app.errors.ERROR_CODES, in the one voice — every 422 `validation_error` with a message
naming the field(s), malformed JSON `invalid_json`, another content type
`unsupported_media_type` — and no framework's stock sentence. The codes are listed in
the OpenAPI description. And the Atom feed, the CSV export and public pages carry one
`Date` header, counted on the server `flask run` uses (it adds its own)."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from app.errors import ERROR_CODES
from app.services.fetching import FAILURES

EVENTS = "/api/v1/events"
# werkzeug's and webargs' stock sentences, which no answer of ours may carry
STOCK = ("The browser (or proxy)", "well-formed but was unable", "semantic errors",
         "The server could not", "The requested URL", "The method is not allowed")


def envelope(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] in ERROR_CODES
    assert not any(sentence in error["message"] for sentence in STOCK), error["message"]
    return error


@pytest.mark.parametrize(("url", "field", "words"), [
    ("/api/v1/verdicts?cursor=not*a*cursor", "cursor", "Not a cursor this API handed out"),
    ("/api/v1/verdicts?cursor=bm90LWEtY3Vyc29y", "cursor", "Not a cursor this API handed out"),
    ("/api/v1/verdicts?updated_since=yesterday", "updated_since", "Not a valid datetime"),
    ("/api/v1/verdicts?limit=0", "limit", "less than or equal to 100"),
    (f"{EVENTS}?disput_id=1", "disput_id", "Unknown field"),
    ("/api/v1/ratings?page=1", "page", "Unknown field"),
])
def test_every_bad_query_is_a_validation_error_naming_the_field(client, url, field, words):
    error = envelope(client.get(url), 422)
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == [field]
    assert error["message"].startswith(f"{field}: ") and words in error["message"]


def test_every_bad_body_is_a_validation_error_naming_the_fields(client, journalist):
    # a missing field, an unknown one, a wrong type: one code, one voice
    for body, fields in (
        ({"title": "The call"}, ["slug"]),
        ({"title": "The call", "slug": "the-call", "bogus": 1}, ["bogus"]),
        ({"title": 5, "slug": "the-call"}, ["title"]),
        ({}, ["slug", "title"]),
    ):
        error = envelope(client.post(EVENTS, json=body, headers=journalist.headers), 422)
        assert error["code"] == "validation_error"
        assert sorted(error["fields"]) == fields
        for name in fields:
            assert f"{name}: " in error["message"]


def test_a_rule_of_a_service_is_a_validation_error_too(client, journalist):
    # the same code whether the schema or the service refused it
    created = client.post(EVENTS, json={"title": "The call", "slug": "the-call"},
                          headers=journalist.headers)
    assert created.status_code == 201
    again = client.post(EVENTS, json={"title": "Again", "slug": "the-call"},
                        headers=journalist.headers)
    assert again.status_code in (409, 422)
    error = envelope(again, again.status_code)
    assert "slug" in error["fields"]


@pytest.mark.parametrize("body", ['{"title":', "{'title': 'x'}", "[" * 2000, '{"a": 1e999}'])
def test_malformed_json_is_invalid_json(client, journalist, body):
    response = client.post(EVENTS, data=body, content_type="application/json",
                           headers=journalist.headers)
    error = envelope(response, 400)
    assert error["code"] == "invalid_json"
    assert error["message"].startswith("The request body is not valid JSON")


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "text/plain", "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_json_is_unsupported_media_type(client, journalist, content_type):
    response = client.post(EVENTS, data='{"title": "x", "slug": "x"}',
                           content_type=content_type, headers=journalist.headers)
    error = envelope(response, 415)
    assert error["code"] == "unsupported_media_type"
    assert "application/json" in error["message"]
    assert content_type.split(";")[0] in error["message"]
    # a write with no body at all is judged by its schema, not refused for its type
    empty = client.post(EVENTS, headers=journalist.headers)
    assert envelope(empty, 422)["code"] == "validation_error"


def test_other_http_errors_speak_plainly(client):
    assert envelope(client.get("/api/v1/nowhere"), 404)["code"] == "not_found"
    assert envelope(client.put(EVENTS), 405)["code"] == "method_not_allowed"
    assert envelope(client.post(EVENTS, json={}), 401)["code"] == "unauthorized"


def test_the_error_codes_are_documented(client):
    description = client.get("/api/v1/openapi.json").get_json()["info"]["description"]
    for code, (status, _) in ERROR_CODES.items():
        assert f"`{code}` ({status})" in description
    for reason in FAILURES:
        assert f"`capture_{reason}`" in description


# -- Date, once ------------------------------------------------------------------------

@pytest.fixture
def dev_server(app):
    """The app behind werkzeug's development server, as `flask run` (`make run`) serves
    it, on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def _raw_headers(base: str, path: str) -> tuple[int, list[tuple[str, str]]]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheaders()  # every header line, repeats kept
    finally:
        connection.close()


def test_feeds_exports_and_pages_send_one_date_header(dev_server, seeded):
    # werkzeug's make_conditional (Atom, CSV, public pages) set a Date, and the server
    # sent its own too
    for path in ("/feeds/verdicts.atom", "/exports/verdicts.csv", "/", "/api/v1/verdicts"):
        status, headers = _raw_headers(dev_server, path)
        assert status == 200, path
        dates = [value for name, value in headers if name.lower() == "date"]
        assert len(dates) == 1, (path, dates)

"""Hostile input on every surface gets a 4xx in the usual shape — the API's envelope, the
site's error page — never a 500, and never changes anything: bodies nested past any
sense, numbers of thousands of digits, non-ASCII digits where an id or a number goes."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.extensions import db
from app.models import Event
from tests.api.conftest import with_if_match
from tests.api.test_contracts import envelope

DEEP = "[" * 10_000
HUGE = "9" * 5_000


def arabic(number: int) -> str:
    """`number` in Arabic-Indic digits, URL-quoted: int() reads "٣" as 3."""
    return quote("".join(chr(0x0660 + int(d)) for d in str(number)))


def events() -> int:
    return db.session.query(Event).count()


# -- JSON bodies ----------------------------------------------------------------------


@pytest.mark.parametrize(("body", "reason"), [
    (DEEP, "depth limit exceeded"),
    ('{"slug": "e", "title": ' + DEEP + "}", "depth limit exceeded"),
    ('{"slug": "e", "title": "t", "date_precision": ' + HUGE + "}", "number"),
    ("-" + HUGE, "number"),
    ('{"slug": "e", "title": 1e999}', "number"),
    ('{"slug": "e", "title": NaN}', "unexpected character"),
    ('{"slug": "e", "title": "t"', "unexpected end of data"),
    ('{"slug": "e", "title": "t"} trailing', "unexpected content after document"),
], ids=["deep", "deep-in-a-field", "5000-digits", "-5000-digits", "1e999", "NaN",
        "unterminated", "trailing"])
def test_json_bodies_that_cannot_be_read_are_400(client, journalist, body, reason):
    response = client.post("/api/v1/events", data=body, content_type="application/json",
                           headers=journalist.headers)
    error = envelope(response, 400)
    assert reason in error["fields"]["json"][0] and "not valid JSON" in error["message"]
    assert events() == 0


def test_bytes_that_are_not_utf8_are_400_not_an_empty_body(client, journalist):
    response = client.post("/api/v1/events", data=b'{"slug": "e", "title": "\xff"}',
                           content_type="application/json", headers=journalist.headers)
    assert "UTF-8" in envelope(response, 400)["fields"]["json"][0]


def test_a_deep_body_on_a_change_changes_nothing(client, world, journalist):
    url = f"/api/v1/events/{world.event_id}"
    tag = client.get(url).headers["ETag"]
    response = client.patch(url, data='{"title": ' + DEEP + "}",
                            content_type="application/json",
                            headers=with_if_match(journalist.headers, tag))
    envelope(response, 400)
    assert client.get(url).headers["ETag"] == tag


def test_integers_past_64_bits_in_a_body_are_422_naming_the_field(client, world, journalist):
    for number in ("18446744073709551616", "-9223372036854775809", "1" + "0" * 300):
        response = client.post("/api/v1/verdicts", data=f'{{"claim_id": {number}, '
                               '"rating_value": 1, "rationale": "r"}',
                               content_type="application/json", headers=journalist.headers)
        assert "claim_id" in envelope(response, 422)["fields"], number


def test_an_empty_body_is_a_missing_body_and_whitespace_is_bad_json(client, journalist):
    empty = client.post("/api/v1/events", data=b"", content_type="application/json",
                        headers=journalist.headers)
    assert envelope(empty, 422)["fields"]
    blank = client.post("/api/v1/events", data=b"  ", content_type="application/json",
                        headers=journalist.headers)
    envelope(blank, 400)


# -- numbers in paths and query strings ------------------------------------------------


def test_non_ascii_digits_in_a_path_are_no_record(client, world, journalist):
    url = f"/api/v1/events/{world.event_id}"
    tag = client.get(url).headers["ETag"]
    other = f"/api/v1/events/{arabic(world.event_id)}"
    assert envelope(client.get(other), 404)["code"] == "not_found"
    response = client.patch(other, json={"title": "Changed through another spelling"},
                            headers=with_if_match(journalist.headers, tag))
    envelope(response, 404)
    assert client.get(url).get_json()["title"] == "The call"
    envelope(client.get(f"/api/v1/disputes/{arabic(world.dispute_id)}"), 404)
    envelope(client.get(f"/api/v1/events/{'%EF%BC%91'}"), 404)  # full-width "１"


@pytest.mark.parametrize("query", [
    f"page={arabic(3)}", f"per_page={arabic(20)}", f"page={HUGE}", "page=1_0", "page=+2",
    "page=%202",
], ids=["arabic-3", "arabic-20", "5000-digits", "1_0", "+2", "space-2"])
def test_numbers_in_query_strings_are_ascii_digits(client, query):
    name = query.partition("=")[0]
    assert name in envelope(client.get(f"/api/v1/events?{query}"), 422)["fields"]


def test_ids_in_query_strings_are_ascii_digits(client, world):
    for query in (f"dispute_id={arabic(world.dispute_id)}", f"claim_id={HUGE}"):
        name = query.partition("=")[0]
        assert name in envelope(client.get(f"/api/v1/verdicts?{query}"), 422)["fields"]
    assert client.get(f"/api/v1/claims?dispute_id={world.dispute_id}").status_code == 200


def test_a_nul_in_any_query_parameter_is_422_naming_it(client, editor):
    """Every query parameter the document lists, on every GET, with a NUL (PostgreSQL
    refuses one in a text value: the revision log's entity_type filter was a 500)."""
    spec = client.get("/api/v1/openapi.json").get_json()
    tried = 0
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            name = parameter["name"]
            response = client.get(f"{path}?{name}=%00", headers=editor.headers)
            fields = envelope(response, 422)["fields"]
            assert name in fields or f"{name}.0" in fields, (path, parameter)
            tried += 1
    assert tried > 50


def test_a_change_needs_whole_list_items(client, world, journalist):
    """A PATCH may leave out any field, not half an item of a list it replaces (each was
    a KeyError, a 500, when marshmallow's partial reached into the items)."""
    from app.services import verdicts

    draft = verdicts.draft_verdict(world.claim_ids[0], 2, "Misleading.", actor=journalist.user)
    cases = [(f"/api/v1/claims/{world.claim_ids[0]}", {"appearances": [{"note": "x"}]},
              "appearances.0.document_id"),
             (f"/api/v1/claims/{world.claim_ids[0]}", {"attributions": [{"relation": "x"}]},
              "attributions.0.source_id"),
             (f"/api/v1/verdicts/{draft.id}", {"evidence": [{"claim_id": world.claim_ids[1]}]},
              "evidence.0.stance")]
    for url, body, field in cases:
        tag = client.get(url, headers=journalist.headers).headers["ETag"]
        response = client.patch(url, json=body, headers=with_if_match(journalist.headers, tag))
        assert field in envelope(response, 422)["fields"], body
        assert client.get(url, headers=journalist.headers).headers["ETag"] == tag

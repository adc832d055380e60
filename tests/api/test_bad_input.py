"""Hostile input on every surface gets a 4xx in the usual shape — the API's envelope, the
site's error page — never a 500, and never changes anything: bodies nested past any
sense, numbers of thousands of digits, non-ASCII digits where an id or a number goes."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Event
from tests.api.conftest import with_if_match
from tests.api.test_contracts import envelope

DEEP = "[" * 10_000
HUGE = "9" * 5_000
ARABIC_THREE = "%D9%A3"  # "٣", which Python's int() reads as 3


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
])
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

"""Query parameters nobody reads (app/query_args.py): a page or feed redirects them away,
the API refuses them — and in neither case does one make the server rebuild a read."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Dispute, Event, Source, Verdict, VerdictState
from tests.perf.sql import captured

EXPORTS = ["/exports/verdicts.csv", "/feeds/verdicts.atom"]


def junk() -> str:
    return uuid.uuid4().hex


def a(model, *where) -> int:
    return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))


@pytest.mark.parametrize("url", EXPORTS)
def test_a_random_parameter_cannot_make_an_export_be_rebuilt(client, seeded, url):
    # Given the export kept by the read cache
    first = client.get(url)
    assert first.status_code == 200
    for query in (f"utm_source=newsletter&utm_medium=email&r={junk()}", f"{junk()}=1", "&&"):
        # When a client asks with parameters the export does not read
        with captured(db.engine) as statements:
            moved = client.get(f"{url}?{query}")
            # Then it is sent to the canonical URL, which is answered from the cache:
            # not one SQL statement for either request
            again = client.get(moved.headers["Location"])
        assert moved.status_code == 301, query
        assert moved.headers["Location"] == url
        assert again.status_code == 200 and again.data == first.data
        assert statements == [], query


def test_pages_keep_the_parameters_they_read_and_drop_the_rest(client, seeded):
    dispute = a(Dispute)
    moved = client.get(f"/disputes/{dispute}?utm_campaign=ukraine&fbclid={junk()}")
    assert moved.status_code == 301 and moved.headers["Location"] == f"/disputes/{dispute}"
    assert "public" in moved.headers["Cache-Control"]
    listing = client.get("/disputes?utm_source=x&state=open&page=1")
    assert listing.status_code == 301
    assert listing.headers["Location"] == "/disputes?state=open&page=1"
    search = client.get("/search?q=sacked&gclid=1")
    assert search.headers["Location"] == "/search?q=sacked"


@pytest.mark.parametrize("url", [
    "/disputes?state=open&page=1", "/verdicts?rating=2&state=published&page=1",
    "/events?page=1", "/sources?kind=person&page=1", "/documents?page=1",
    "/search?q=sacked&kind=claim&page=1", "/sign-in?next=/disputes",
])
def test_parameters_a_page_reads_are_not_redirected(client, seeded, url):
    assert client.get(url).status_code == 200, url


def test_a_control_character_in_a_parameter_a_page_reads_is_422(client, seeded):
    # a NUL reached the search on PostgreSQL (a 500) before
    for url in ("/search?q=%00", "/search?q=sacked%1B", "/disputes?state=open%00"):
        page = client.get(url)
        assert page.status_code == 422 and page.mimetype == "text/html", url


def test_forms_posted_to_a_url_with_parameters_are_not_redirected(client, seeded):
    response = client.post("/sign-in?utm_source=x", data={"email": "", "password": ""})
    assert response.status_code != 301


@pytest.mark.parametrize("path", [
    "/api/v1/disputes/{dispute}", "/api/v1/verdicts/{verdict}/claimreview",
    "/api/v1/verdicts/{verdict}/history", "/api/v1/ratings",
    "/api/v1/sources/{source}/track-record",
])
def test_the_api_refuses_parameters_an_operation_does_not_declare(client, seeded, path):
    url = path.format(dispute=a(Dispute), source=a(Source),
                      verdict=a(Verdict, Verdict.state == VerdictState.PUBLISHED))
    assert client.get(url).status_code == 200, url
    name = f"x{junk()}"
    with captured(db.engine) as statements:
        response = client.get(f"{url}?{name}=1")
    assert response.status_code == 422
    body = response.get_json()["error"]
    assert body["fields"] == {name: ["Unknown field."]}
    assert statements == []  # refused before any work


def test_declared_api_parameters_still_work(client, seeded):
    assert client.get(f"/api/v1/events/{a(Event)}?include_deleted=false").status_code == 200
    assert client.get(f"/api/v1/claims?dispute_id={a(Dispute)}").status_code == 200

"""Hostile input on the pages: a 4xx on the site's error page or on the form's field,
never a 500 and never a record reached by another spelling of its number."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Claim, Dispute, Document, Event, Source, Verdict
from tests.api.test_bad_input import HUGE, arabic
from tests.web.conftest import csrf_token, field_error, submit
from tests.web.test_forms import account, new_dispute_form


def arabic_raw(number: int) -> str:
    """As a form field holds it (unquoted)."""
    return "".join(chr(0x0660 + int(d)) for d in str(number))


def first(model) -> int:
    return db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))


def test_non_ascii_digits_in_a_page_path_are_404(client, seeded):
    for path, model in (("/events/{}", Event), ("/disputes/{}", Dispute),
                        ("/claims/{}", Claim)):
        record = first(model)
        assert client.get(path.format(record)).status_code == 200
        page = client.get(path.format(arabic(record)))
        assert page.status_code == 404 and page.mimetype == "text/html"


@pytest.mark.parametrize("query", [f"page={HUGE}", f"page={arabic(2)}", "page=1_0",
                                   "page=-1", "page=0"],
                         ids=["5000-digits", "arabic-2", "1_0", "-1", "0"])
def test_page_numbers_are_ascii_digits_or_422(client, seeded, query):
    for path in ("/disputes", "/verdicts", "/events", "/sources", "/documents"):
        page = client.get(f"{path}?{query}")
        assert page.status_code == 422, (path, query)
        assert page.mimetype == "text/html" and "page" in page.get_data(as_text=True)
    assert client.get(f"/search?q=sacked&{query}").status_code == 422


def test_form_ids_and_numbers_are_ascii_digits(as_journalist, seeded):
    event_id, source_id = first(Event), first(Source)
    before = db.session.scalar(sa.select(sa.func.count(Dispute.id)))
    form = new_dispute_form(
        arabic_raw(event_id),
        account(0, claimant_id=arabic_raw(source_id), statement="An account.",
                independent_sources=arabic_raw(2)),
    )
    response = submit(as_journalist, "/disputes/new", form)
    assert response.status_code == 422
    assert field_error(response, "event_id")
    assert field_error(response, "claims-0-claimant_id")
    assert "integer" in field_error(response, "claims-0-independent_sources")
    huge = submit(as_journalist, "/disputes/new", new_dispute_form(
        event_id, account(0, claimant_id=HUGE, statement="x", independent_sources=HUGE)))
    assert huge.status_code == 422 and field_error(huge, "claims-0-claimant_id")
    assert db.session.scalar(sa.select(sa.func.count(Dispute.id))) == before


def test_a_rating_in_other_digits_is_refused(as_journalist, seeded):
    claim = db.session.scalar(sa.select(Claim.id).where(~Claim.verdicts.any()).limit(1))
    before = db.session.scalar(sa.select(sa.func.count(Verdict.id)))
    response = submit(as_journalist, f"/claims/{claim}/verdicts/new",
                      {"rating_value": arabic_raw(2), "rationale": "Because."})
    assert response.status_code == 422 and field_error(response, "rating_value")
    assert db.session.scalar(sa.select(sa.func.count(Verdict.id))) == before


@pytest.mark.parametrize("bad", ["nul\x00byte", "pasted\x0bline", "escape\x1b[0m"],
                         ids=["nul", "vertical-tab", "escape"])
def test_control_characters_in_a_form_are_the_fields_error(as_journalist, bad):
    before = db.session.scalar(sa.select(sa.func.count(Event.id)))
    response = submit(as_journalist, "/events/new", {
        "title": bad, "slug": "", "summary": f"Summary with {bad}", "date_precision": "day",
        "occurred_on": ""})
    assert response.status_code == 422
    assert field_error(response, "title") == "must not contain control characters"
    assert field_error(response, "summary") == "must not contain control characters"
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == before


def test_control_characters_in_a_sign_in_are_the_fields_error(client):
    response = submit(client, "/sign-in", {"email": "ed\x00@example.org", "password": "x" * 12})
    assert response.status_code == 422 and field_error(response, "email")


def test_a_pasted_address_is_stored_as_the_uri_the_api_takes(as_journalist):
    """The forms and the API share one address rule (URIs); what people paste from a
    browser's address bar — international names, spaces — is converted, not refused."""
    response = submit(as_journalist, "/documents/new", {
        "title": "Bericht", "url": " https://bücher.de/Außen ministerium?q=ü ", "text": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    stored = db.session.scalar(sa.select(Document.url).where(Document.title == "Bericht"))
    assert stored == "https://xn--bcher-kva.de/Au%C3%9Fen%20ministerium?q=%C3%BC"
    for bad in ("ftp://example.org/", "https://user:pw@example.org/", "javascript:alert(1)",
                "example.org"):
        refused = submit(as_journalist, "/documents/new", {"title": "T", "url": bad})
        assert refused.status_code == 422, bad
        assert "not a web address" in field_error(refused, "url")


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', '{"title": {"a": 1}}', '{"title": [1]}',
                                  "[" * 10_000, '{"title": "Fine", "slug": "fine"}'],
                         ids=["list", "string", "object-value", "list-value", "deep", "object"])
def test_a_page_takes_a_form_not_json(as_journalist, body):
    """Flask-WTF reads a JSON body into the form; a list or an object where it expects
    strings was a 500."""
    token = csrf_token(as_journalist, "/events/new")
    before = db.session.scalar(sa.select(sa.func.count(Event.id)))
    response = as_journalist.post("/events/new", data=body, content_type="application/json",
                                  headers={"X-CSRFToken": token})
    assert response.status_code == 415 and response.mimetype == "text/html"
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == before

"""Headers, escaping, CSRF, sign-in and its rate limit, error pages."""

from __future__ import annotations

import re
import statistics
import time

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Event
from app.services import disputes as dispute_service
from app.services import events as event_service
from app.services import sources as source_service
from app.services import users as user_service
from app.services.uow import transaction
from config import TestingConfig
from tests.web.conftest import PASSWORD, csrf_token, dispute_id, sign_in, submit, text

HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(2)>'


def test_security_headers_on_pages_and_json(client, seeded):
    for url in ("/", "/disputes", "/sign-in", "/healthz", "/no/such/page", "/api/v1/nothing"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert script_src.strip() == "'self'", url
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_or_styles(client, seeded, editor):
    sign_in(client, editor)
    for url in ("/", "/disputes/1", "/disputes/new", "/sources/1", "/claims/1"):
        body = client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script\b([^>]*)>", body)
        assert all('type="application/ld+json"' in attrs for attrs in scripts), url
        assert not re.search(r"\son[a-z]+=", body), url  # no inline event handlers
        assert " style=" not in body, url  # CSP forbids inline styles too


def test_user_input_is_escaped_everywhere(client, seeded, journalist):
    source = source_service.create_source(actor=journalist.user, slug="evil", name=HOSTILE,
                                           kind="person", title=HOSTILE)
    event = event_service.create_event(actor=journalist.user, slug="x", title=HOSTILE,
                                         summary=HOSTILE)
    dispute = dispute_service.log_dispute(
        actor=journalist.user, event_id=event.id, slug="evil-dispute", question=HOSTILE,
        summary=HOSTILE,
        claims=[{"claimant_id": source.id, "statement": HOSTILE, "kind": "denial",
                 "sourcing_level": "on_record",
                 "quotes": [{"speaker_id": source.id, "exact": HOSTILE}]}],
    )
    claim = dispute.claims[0]
    for url in ("/", f"/disputes/{dispute.id}", f"/claims/{claim.id}", f"/sources/{source.id}",
                f"/events/{event.id}", "/disputes", "/sources", "/search?q=pwned"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, url
    body = client.get(f"/disputes/{dispute.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in body


def test_forms_refuse_posts_without_a_valid_csrf_token(client, journalist):
    sign_in(client, journalist)
    response = client.post("/events/new", data={"title": "No token"})
    assert response.status_code == 400 and "CSRF" in text(response)
    response = client.post("/events/new", data={"title": "Bad token", "csrf_token": "forged"})
    assert response.status_code == 400
    response = client.post("/sign-out")
    assert response.status_code == 400


def test_sign_in_and_out(client, journalist):
    page = client.get("/sign-in")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.get_data(
        as_text=True)
    # a wrong password: one message for both mistakes, the email kept, no session
    response = submit(client, "/sign-in", {"email": journalist.user.email, "password": "nope"})
    assert response.status_code == 401
    assert "That email and password do not match an account." in text(response)
    assert f'value="{journalist.user.email}"' in response.get_data(as_text=True)
    assert client.get("/events/new").status_code == 302
    # the right one
    response = submit(client, "/sign-in", {"email": "JOURNALIST@example.org ",
                                           "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/events/new").status_code == 200
    assert "Journalist Example" in text(client.get("/"))
    # out again, by POST with the token only
    assert client.get("/sign-out").status_code == 405
    token = csrf_token(client, "/")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/events/new").status_code == 302


def test_sign_in_goes_back_where_it_was_asked_but_never_off_site(client, journalist):
    response = client.get("/events/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/events/new"
    response = submit(client, "/sign-in?next=/events/new",
                      {"email": journalist.user.email, "password": PASSWORD,
                       "next": "/events/new"})
    assert response.headers["Location"] == "/events/new"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
        response = submit(client, "/sign-in", {"email": journalist.user.email,
                                               "password": PASSWORD, "next": evil})
        assert response.headers["Location"] == "/", evil


def test_inactive_accounts_cannot_sign_in_and_lose_their_sessions(client, journalist):
    sign_in(client, journalist)
    assert client.get("/events/new").status_code == 200
    with transaction(actor=None, reason="deactivated"):
        journalist.user.active = False
    assert client.get("/events/new").status_code == 302
    response = submit(client, "/sign-in", {"email": journalist.user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_a_refused_sign_in_takes_as_long_whether_or_not_the_address_has_an_account(
        client, journalist):
    # Given an address of every kind a refusal can meet
    no_password = user_service.create_user("nopw@example.org", "No Password", "editor")
    inactive = user_service.create_user("gone@example.org", "Gone", "editor", PASSWORD)
    user_service.deactivate(inactive, actor=None)
    addresses = {"account, wrong password": journalist.user.email,
                 "no account": "nobody@example.org", "not an address": "nobody",
                 "inactive account": inactive.email, "account without a password":
                 no_password.email}
    token = csrf_token(client)

    def refusal(email: str) -> float:
        started = time.perf_counter()
        response = client.post("/sign-in", data={"csrf_token": token, "email": email,
                                                  "password": "a wrong guess"})
        elapsed = time.perf_counter() - started
        assert response.status_code == 401, (email, response.status_code)
        return elapsed

    # When each is tried in turn, several times (the first round warms up)
    times: dict[str, list[float]] = {kind: [] for kind in addresses}
    for round_ in range(6):
        for kind, email in addresses.items():
            elapsed = refusal(email)
            if round_:
                times[kind].append(elapsed)

    # Then none is told apart by its time: each costs one password-hash check (an
    # address refused without one takes a small fraction of a known address's time)
    medians = {kind: statistics.median(ts) for kind, ts in times.items()}
    assert max(medians.values()) < 2 * min(medians.values()), medians


def test_bad_sign_in_input_is_a_4xx_naming_the_field(client):
    response = submit(client, "/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    response = submit(client, "/sign-in", {"email": "x" * 300 + "@example.org",
                                           "password": "p"})
    assert response.status_code == 422


@pytest.fixture
def limited_app(database_url):
    """A second app on the same database with the rate limiter switched on."""

    class Limited(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"

    return create_app(Limited)


def test_sign_in_is_rate_limited(limited_app, client, journalist):
    limited = limited_app.test_client()
    token = csrf_token(limited)
    statuses = [
        limited.post("/sign-in", data={"csrf_token": token, "email": journalist.user.email,
                                       "password": f"guess {i}"}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    response = limited.post("/sign-in", data={"csrf_token": token,
                                              "email": journalist.user.email,
                                              "password": PASSWORD})
    assert response.status_code == 429 and "Too many attempts" in text(response)
    assert limited.get("/sign-in").status_code == 200  # reading the form is not limited
    # the app whose configuration switches limits off is not affected
    for _ in range(12):
        sign_in(client, journalist)
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})


def test_signed_in_pages_are_never_public_and_anonymous_ones_stay_public(
        client, seeded, editor):
    drafts = f"/disputes/{dispute_id('attack-certain-once-ground-freezes')}"
    reading = ("/", "/disputes", drafts, "/claims/1", "/sources/1", "/search?q=sacked")
    for url in reading:
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response.cache_control
        assert cache.public and cache.max_age == 60 and not cache.private, url
        assert response.headers["ETag"], url

    # Signed in, the same pages show drafts and staff controls: private, not stored
    sign_in(client, editor)
    assert "Draft:" in text(client.get(drafts))
    for url in (*reading, "/deleted", "/events/new", "/no/such/page"):
        response = client.get(url)
        assert response.mimetype == "text/html", url
        cache = response.cache_control
        assert cache.private and cache.no_store, (url, response.headers.get("Cache-Control"))
        assert not cache.public and cache.max_age is None, url
        assert "ETag" not in response.headers, url
    # a conditional request gets the page again, never a 304 for a shared copy
    response = client.get(drafts, headers={"If-None-Match": "*"})
    assert response.status_code == 200 and response.cache_control.no_store

    # Signed out again, an anonymous visitor's pages are public again
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    client.get("/")  # the flashed "Signed out." is shown once (this page is private)
    response = client.get(drafts)
    assert response.cache_control.public and "Draft:" not in text(response)


def test_error_pages_use_the_site_layout_and_the_api_keeps_json(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "site.css" in body and "We could not find that page" in body
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_forbidden_pages_say_which_role_is_needed(client, reader):
    sign_in(client, reader)
    response = client.get("/events/new")
    assert response.status_code == 403
    assert "Only journalists and above may log and edit records" in text(response)
    assert "site.css" in response.get_data(as_text=True)


def test_oversized_bodies_get_413(client, journalist):
    sign_in(client, journalist)
    token = csrf_token(client, "/events/new")
    response = client.post("/events/new", data={"csrf_token": token,
                                                "summary": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0

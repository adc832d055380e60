"""The cache of public reads (app/cache.py): what it keeps, and that every change, made
by any worker or app server, is seen on the next request."""

from __future__ import annotations

import sqlalchemy as sa

from app import create_app
from app.cache import PublicReadCache, State
from app.extensions import db
from app.models import CacheKey, Dispute, User, Verdict, VerdictState
from app.services import verdicts
from app.services.interchange import export_lines, import_lines
from config import TestingConfig
from tests.dbutil import wipe
from tests.perf.sql import captured

FEED = "/feeds/verdicts.atom"  # public: Cache-Control: public, max-age=60, ETag


def generation() -> int:
    """The `any` key's generation: moved on by every write that names what it wrote."""
    return db.session.get(CacheKey, "any", populate_existing=True).generation


def published_verdict() -> Verdict:
    return db.session.scalars(
        sa.select(Verdict).where(Verdict.state == VerdictState.PUBLISHED)).first()


def test_a_public_read_is_answered_again_without_running_the_view(client, seeded):
    first = client.get(FEED)
    with captured(db.engine) as statements:
        again = client.get(FEED)
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert statements == []  # only the generation was read, on the cache's own connection


def test_if_none_match_gets_a_304_from_the_cache(client, seeded):
    etag = client.get(FEED).headers["ETag"]
    with captured(db.engine) as statements:
        answer = client.get(FEED, headers={"If-None-Match": etag})
    assert answer.status_code == 304 and answer.data == b""
    assert answer.headers["ETag"] == etag and "public" in answer.headers["Cache-Control"]
    assert statements == []
    assert client.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_write_in_another_worker_is_seen_on_the_next_request(
        database_url, client, seeded, editor):
    # Given a feed cached by this app (one worker)
    before = client.get(FEED)

    # When another app on the same database (another worker or server) withdraws a verdict
    class Other(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    other = create_app(Other)
    verdict_id, editor_id = published_verdict().id, editor.user.id
    with other.app_context():
        verdicts.withdraw(db.session.get(Verdict, verdict_id),
                          actor=db.session.get(User, editor_id), reason="The source recanted.")
        db.session.remove()
        db.engine.dispose()
    # Then this app's next answer has it, and the old ETag no longer gets a 304
    after = client.get(FEED, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and b"Withdrawn:" in after.data


def test_every_committed_write_moves_the_generation_and_a_rollback_does_not(seeded, editor):
    start = generation()
    verdicts.withdraw(published_verdict(), actor=editor.user, reason="Misattributed.")
    after_orm = generation()
    assert after_orm > start
    # Core statements through the session count too
    db.session.execute(sa.update(Verdict).where(Verdict.id == -1).values(rationale="x"))
    db.session.commit()
    assert generation() > after_orm
    # A transaction that is rolled back leaves no trace
    current = generation()
    published_verdict().rationale = "never saved"
    db.session.flush()
    db.session.rollback()
    assert generation() == current


def test_private_and_credentialed_reads_are_never_kept(client, seeded):
    # /healthz is not public: it runs every time
    client.get("/healthz")
    with captured(db.engine) as statements:
        client.get("/healthz")
    assert statements
    # a request with credentials or a cookie is passed to the app untouched
    client.get(FEED)
    with captured(db.engine) as statements:
        client.get(FEED, headers={"Authorization": "Bearer nope"})
    assert statements
    client.set_cookie("session", "x")
    with captured(db.engine) as statements:
        client.get(FEED)
    assert statements


def test_the_cache_is_bounded(app, seeded):
    def view(environ, start_response):
        body = environ["PATH_INFO"].encode() * 100
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Cache-Control", "public, max-age=60")])
        return [body]

    class Fixed:
        def read(self, keys=()):
            return State(everything=1, current=7, newest=0)

    cache = PublicReadCache(view, Fixed(), max_bytes=20_000)
    for i in range(50):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/item/{i:03}",
                   "wsgi.url_scheme": "http", "HTTP_HOST": "localhost"}
        assert b"".join(cache(environ, lambda status, headers: None)).startswith(b"/item/")
    assert cache.bytes <= 20_000 and 0 < len(cache.entries) < 50
    assert list(cache.entries)[-1][3] == "/item/049"  # the newest stay



def test_an_import_through_the_driver_moves_the_generation(seeded):
    # Given an export, and an emptied database (another writer: it moves the generation)
    lines = list(export_lines())
    db.session.remove()
    wipe(db.engine, db.metadata)
    before = generation()
    # When the import writes it back with driver-level executemany (no ORM flush)
    import_lines(lines)
    # Then cached reads made before it are stale
    assert generation() > before


def test_pages_read_anonymously_are_public_and_kept(client, seeded):
    dispute = db.session.scalars(sa.select(Dispute.id)).first()
    first = client.get(f"/disputes/{dispute}")
    assert first.status_code == 200 and "public" in first.headers["Cache-Control"]
    assert first.headers.get("ETag") and "Set-Cookie" not in first.headers
    with captured(db.engine) as statements:
        again = client.get(f"/disputes/{dispute}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and statements == []


def test_pages_for_signed_in_staff_and_forms_are_not_public(app, seeded, journalist):
    from tests.web.conftest import RequestPerContextClient, sign_in

    browser = RequestPerContextClient(app, app.response_class, use_cookies=True)
    assert "public" not in browser.get("/sign-in").headers.get("Cache-Control", "")
    sign_in(browser, journalist)
    dispute = db.session.scalars(sa.select(Dispute.id)).first()
    page = browser.get(f"/disputes/{dispute}")
    assert page.status_code == 200 and "public" not in page.headers.get("Cache-Control", "")

"""Dependency keys (app/cache_keys.py): a write makes stale only the kept answers that show
what it changed — and every one of those — and tells a CDN in front which ones."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Claim, Dispute, Event, Source, Verdict, VerdictState
from config import TestingConfig
from tests.perf.sql import captured

PURGED: list[list[str]] = []  # what CACHE_PURGE_HOOK received (see purge_hook)


def etag(client, url: str) -> str:
    return client.get(url).headers["ETag"]


def with_if_match(headers: dict, tag: str) -> dict:
    return {**headers, "If-Match": tag}


def purge_hook(keys: list[str]) -> None:
    PURGED.append(keys)


def kept(client, url: str) -> bool:
    """Whether `url` is answered from the cache (the view did not run)."""
    with captured(db.engine) as statements:
        answer = client.get(url)
    assert answer.status_code == 200
    return statements == []


def published() -> list[Verdict]:
    return db.session.scalars(sa.select(Verdict).where(
        Verdict.state == VerdictState.PUBLISHED).order_by(Verdict.id)).all()


def dispute_of(verdict: Verdict) -> Dispute:
    return db.session.get(Claim, verdict.claim_id).dispute


def test_an_event_title_makes_stale_its_disputes_only(client, seeded, journalist):
    # Given verdicts, the feed and two disputes of different events, all kept
    verdicts = published()
    disputes = {dispute_of(v).id: dispute_of(v) for v in verdicts}
    by_event = {}
    for d in disputes.values():
        by_event.setdefault(d.event_id, d)
    (mine, other), events = list(by_event.values())[:2], list(by_event)[:1]
    urls = [f"/api/v1/verdicts/{v.id}" for v in verdicts] + [
        "/api/v1/verdicts", f"/api/v1/disputes/{mine.id}", f"/api/v1/disputes/{other.id}"]
    for url in urls:
        client.get(url)
    assert all(kept(client, url) for url in urls)

    # When a journalist renames the first dispute's event through the API
    url = f"/api/v1/events/{events[0]}"
    changed = client.patch(url, json={"title": "Renamed in the newsroom"},
                           headers=with_if_match(journalist.headers, etag(client, url)))
    assert changed.status_code == 200

    # Then that dispute is read again, and shows the new title
    answer = client.get(f"/api/v1/disputes/{mine.id}")
    assert answer.get_json()["event"]["title"] == "Renamed in the newsroom"
    # while the other dispute, every verdict and the feed are still answered from the cache
    assert kept(client, f"/api/v1/disputes/{other.id}")
    assert all(kept(client, u) for u in urls if u != f"/api/v1/disputes/{mine.id}")


def test_what_a_dispute_shows_makes_it_stale(client, seeded, editor):
    verdict = published()[0]
    dispute = dispute_of(verdict)
    url = f"/api/v1/disputes/{dispute.id}"
    body = client.get(url).get_json()
    claimant_id = body["claims"][0]["claimant"]["id"]

    # a claimant renamed (a source, changed through the ORM)
    source = db.session.get(Source, claimant_id)
    source.name = "Renamed source"
    db.session.commit()
    assert client.get(url).get_json()["claims"][0]["claimant"]["name"] == "Renamed source"

    # a verdict withdrawn (a new version, the feed's stamp in commit order)
    from app.services import verdicts as service

    client.get(url)
    client.get(f"/api/v1/verdicts/{verdict.id}")
    service.withdraw(db.session.get(Verdict, verdict.id), actor=editor.user, reason="Recanted.")
    claims = client.get(url).get_json()["claims"]
    assert verdict.id not in [c["verdict"]["id"] for c in claims if c["verdict"]
                              and c["verdict"]["state"] == "published"]
    assert client.get(f"/api/v1/verdicts/{verdict.id}").get_json()["state"] == "withdrawn"


def test_a_write_whose_rows_are_not_known_makes_every_reader_of_its_table_stale(
        client, seeded):
    verdict = published()[0]
    dispute = dispute_of(verdict)
    url = f"/api/v1/disputes/{dispute.id}"
    client.get(url)
    assert kept(client, url)
    # a Core UPDATE (rows not named) of claims
    db.session.execute(sa.update(Claim).where(Claim.dispute_id == dispute.id)
                       .values(statement=Claim.statement + " (updated)"))
    db.session.commit()
    assert not kept(client, url)
    # a driver-level statement on a table the app cannot name: everything is stale
    client.get(url)
    db.session.connection().exec_driver_sql(
        "UPDATE claims SET statement = statement WHERE id IN "
        "(WITH x AS (SELECT id FROM claims) SELECT id FROM x)")
    db.session.commit()
    assert not kept(client, url)


def test_public_answers_carry_their_keys_for_a_cdn(client, seeded):
    verdict = published()[0]
    answer = client.get(f"/api/v1/verdicts/{verdict.id}")
    surrogate = answer.headers["Surrogate-Key"].split(" ")
    assert {"all", f"verdict:{verdict.id}", f"claim:{verdict.claim_id}",
            f"dispute:{dispute_of(verdict).id}", "verdicts!"} <= set(surrogate)
    assert answer.headers["Cache-Tag"].split(",") == surrogate
    # the feed depends on whole tables
    feed = client.get("/api/v1/verdicts").headers["Surrogate-Key"].split(" ")
    assert "verdicts" in feed and "events" not in feed
    # a private answer carries none
    assert "Surrogate-Key" not in client.get("/healthz").headers


class Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}/purge"
    server.shutdown()
    server.server_close()


def test_each_commit_sends_its_keys_to_the_purge_url_and_hook(database_url, seeded, receiver,
                                                              journalist):
    class Purging(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CACHE_PURGE_URL = receiver
        CACHE_PURGE_HOOK = "tests.test_cache_keys:purge_hook"

    app = create_app(Purging)
    client = app.test_client()
    event_id = db.session.scalars(sa.select(Event.id)).first()
    PURGED.clear()
    with app.app_context():
        url = f"/api/v1/events/{event_id}"
        tag = client.get(url).headers["ETag"]
        changed = client.patch(url, json={"title": "Purged title"},
                               headers=with_if_match(journalist.headers, tag))
        assert changed.status_code == 200
        db.engine.dispose()
    [(content_type, body)] = [r for r in Receiver.received if f"event:{event_id}" in r[1]["keys"]]
    assert content_type == "application/json"
    assert {"any", "events", f"event:{event_id}"} <= set(body["keys"])
    assert any(f"event:{event_id}" in keys for keys in PURGED)


def test_a_failing_purge_url_does_not_fail_the_write(database_url, seeded, journalist):
    class Unreachable(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CACHE_PURGE_URL = "http://127.0.0.1:9/purge"  # discard port: refused
        CACHE_PURGE_TIMEOUT = 0.5

    app = create_app(Unreachable)
    client = app.test_client()
    event_id = db.session.scalars(sa.select(Event.id)).first()
    with app.app_context():
        url = f"/api/v1/events/{event_id}"
        tag = client.get(url).headers["ETag"]
        changed = client.patch(url, json={"title": "Still saved"},
                               headers=with_if_match(journalist.headers, tag))
        db.engine.dispose()
    assert changed.status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, event_id).title == "Still saved"

"""Past one machine: two app servers (gunicorn each, 2 workers, their own read caches) on
one database and one Redis. What one commits, the other shows on the next read; sign-in
attempts and API writes are counted across both (RATELIMIT_STORAGE_URI=redis://...).

Redis is required, not optional: `.ci/run` starts Debian's redis-server as it starts
PostgreSQL (TEST_REDIS_URL, default redis://127.0.0.1:6379/0)."""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import Dispute
from tests.live import live_gunicorn
from tests.web.conftest import PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} cannot be reached ({exc}); .ci/run starts it")
    return REDIS_URL


@pytest.fixture
def two_servers(database_url, redis_url, tmp_path: Path):
    """Servers A and B, sharing the database and, for rate limits, Redis (a prefix of
    this test's own, so earlier runs' counts do not carry over)."""
    env = {"RATELIMIT_STORAGE_URI": redis_url,
           "RATELIMIT_KEY_PREFIX": f"cc-test-{uuid.uuid4().hex[:12]}",
           "API_WRITE_RATE_LIMIT": "6 per minute"}
    with contextlib.ExitStack() as stack:
        yield tuple(stack.enter_context(live_gunicorn(database_url, tmp_path / f"{n}.log",
                                                      env=env)) for n in "ab")


def test_a_write_through_one_server_is_read_through_the_other(two_servers, seeded,
                                                              journalist):
    a, b = two_servers
    dispute = db.session.scalars(sa.select(Dispute).order_by(Dispute.id)).first()
    url = f"/api/v1/disputes/{dispute.id}"
    # B has the dispute in its cache, on both workers (several reads)
    for _ in range(4):
        first = requests.get(b.url + url, timeout=10)
        assert first.status_code == 200
    event_url = f"/api/v1/events/{dispute.event_id}"
    tag = requests.get(a.url + event_url, timeout=10).headers["ETag"]
    changed = requests.patch(a.url + event_url, json={"title": "Renamed through A"},
                             headers={**journalist.headers, "If-Match": tag}, timeout=10)
    assert changed.status_code == 200, changed.text
    # the very next reads through B, whichever worker answers, show it
    for _ in range(4):
        again = requests.get(b.url + url, timeout=10)
        assert again.json()["event"]["title"] == "Renamed through A"
        assert again.headers["ETag"] != first.headers["ETag"]


def test_api_writes_are_counted_across_servers(two_servers, seeded, journalist):
    a, b = two_servers
    dispute = db.session.scalars(sa.select(Dispute).order_by(Dispute.id)).first()
    url = f"/api/v1/events/{dispute.event_id}"
    statuses = []
    for i in range(8):  # alternately through A and B: 6 per minute in all
        server = (a, b)[i % 2]
        tag = requests.get(server.url + url, timeout=10).headers["ETag"]
        statuses.append(requests.patch(server.url + url, json={"title": f"Title {i}"},
                                       headers={**journalist.headers, "If-Match": tag},
                                       timeout=10).status_code)
    assert statuses == [200] * 6 + [429] * 2


def test_sign_in_attempts_are_counted_across_servers(two_servers, journalist):
    a, b = two_servers
    browser = requests.Session()  # one session cookie; both servers share SECRET_KEY
    statuses = []
    for i in range(12):  # 10 per minute per address, whichever server is asked
        server = (a, b)[i % 2]
        token = _TOKEN.search(browser.get(server.url + "/sign-in", timeout=10).text).group(1)
        statuses.append(browser.post(
            server.url + "/sign-in", timeout=10, allow_redirects=False,
            data={"csrf_token": token, "email": journalist.user.email,
                  "password": PASSWORD + "-wrong"}).status_code)
    assert 429 not in statuses[:10] and statuses[10:] == [429, 429]

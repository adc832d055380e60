"""Fixtures of the query guards."""

from __future__ import annotations

import pytest


@pytest.fixture
def uncached(app):
    """A test client that reaches the views: the public-read cache (app/cache.py) is
    taken off, so that what is counted or explained is what the views run."""
    wrapped = app.wsgi_app
    app.wsgi_app = getattr(wrapped, "app", wrapped)
    try:
        yield app.test_client()
    finally:
        app.wsgi_app = wrapped

"""While the database schema is not the one the code needs, the API and the pages answer
503 `schema_outdated` naming both revisions and the fix, and /healthz reports them —
tested by downgrading a throw-away database under the app. The check is cheap: the
database's revision is read once per interval, not on every request."""

from __future__ import annotations

import time

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.dbutil import throwaway_database

SCRIPT = ScriptDirectory("migrations")
HEAD = SCRIPT.get_current_head()
PREVIOUS = SCRIPT.get_revision(HEAD).down_revision


def make_app(url: str, interval: float):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SCHEMA_CHECK_SECONDS = interval

    return create_app(Config)


@pytest.fixture
def database(tmp_path):
    with throwaway_database(tmp_path, "schema") as url:
        yield url


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_schema_behind_the_code_is_named_with_its_fix(database):
    # Given a database one revision behind the code
    app = make_app(database, interval=0)
    try:
        with app.app_context():
            upgrade()
            downgrade(revision="-1")
        client = app.test_client()
        message = (f"the database schema is at {PREVIOUS}, the app needs {HEAD}: "
                   "run flask db upgrade")

        # When a consumer, a reader and a writer call, then each is told what is wrong
        for response in (client.get("/api/v1/events"), client.get("/api/v1/verdicts"),
                         client.post("/api/v1/events", json={"title": "x", "slug": "x"})):
            assert response.status_code == 503
            error = response.get_json()["error"]
            assert (error["code"], error["message"]) == ("schema_outdated", message)
            assert "not reachable" not in error["message"]
        page = client.get("/")
        assert page.status_code == 503 and page.mimetype == "text/html"
        assert message in page.get_data(as_text=True)
        # /healthz reports both revisions (and is not ready)
        health = client.get("/healthz")
        assert health.status_code == 503
        body = health.get_json()
        assert (body["status"], body["schema_revision"], body["schema_expected"]) == (
            "schema_outdated", PREVIOUS, HEAD)

        # When the admin runs the upgrade, then everything answers again, without a restart
        with app.app_context():
            upgrade()
        assert client.get("/api/v1/events").status_code == 200
        assert client.get("/").status_code == 200
        body = client.get("/healthz").get_json()
        assert (body["status"], body["schema_revision"], body["schema_expected"]) == (
            "ok", HEAD, HEAD)
    finally:
        _dispose(app)


def test_the_database_revision_is_read_once_per_interval(database):
    app = make_app(database, interval=3600)
    try:
        with app.app_context():
            upgrade()
        client = app.test_client()
        check = app.extensions["schema_check"]
        for _ in range(20):
            assert client.get("/api/v1/events").status_code == 200
        assert check.reads == 1  # not one query per request
    finally:
        _dispose(app)


def test_a_schema_dropped_under_a_running_app_is_named_not_called_unreachable(database):
    # Given an app that checked the schema (fine) and will not check again for an hour
    app = make_app(database, interval=3600)
    try:
        with app.app_context():
            upgrade()
        client = app.test_client()
        assert client.get("/api/v1/events").status_code == 200
        # When the database is downgraded to nothing under it
        with app.app_context():
            db.session.remove()
            downgrade(revision="base")
        time.sleep(1.1)  # a failing query checks again if the last check is a second old
        # Then the failing query is explained by the schema, not as an unreachable database
        response = client.get("/api/v1/events")
        assert response.status_code == 503, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "schema_outdated"
        assert error["message"] == (f"the database schema is at no revision (an empty "
                                    f"database), the app needs {HEAD}: run flask db upgrade")
    finally:
        _dispose(app)

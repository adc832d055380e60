"""Shared fixtures: one migrated throw-away database per test run, emptied after
each test; users of every role with API tokens; the seeded disputes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Role, User
from app.services import users as user_service
from config import TestingConfig
from tests.dbutil import server_url, throwaway_database, wipe


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + server_url() if server_url() else 'SQLite (temp file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("db"), "app") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _context(app):
    """Every test runs in an app context and leaves the database empty."""
    with app.app_context():
        yield
        db.session.remove()
        wipe(db.engine, db.metadata)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@dataclass
class Account:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_account(role: Role) -> Account:
    user = user_service.create_user(
        f"{role.value}@example.org", f"{role.value.title()} Example", role, "correct horse battery"
    )
    _, token = user_service.issue_token(user, "tests")
    return Account(user, token)


@pytest.fixture
def reader() -> Account:
    return make_account(Role.READER)


@pytest.fixture
def journalist() -> Account:
    return make_account(Role.JOURNALIST)


@pytest.fixture
def editor() -> Account:
    return make_account(Role.EDITOR)


@pytest.fixture
def admin() -> Account:
    return make_account(Role.ADMIN)


@pytest.fixture
def seeded():
    from seeds.loader import load_all

    return load_all()


@pytest.fixture(scope="session")
def _site():
    from tests.sites import Site

    with Site() as site:
        yield site


@pytest.fixture
def site(_site):
    """A real local web site (tests/sites.py) for captures: no pages up, no requests
    remembered."""
    _site.pages.clear()
    _site.requests.clear()
    _site.most_at_once.clear()
    return _site

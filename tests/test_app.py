"""The factory, configuration and health check."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from app import create_app
from config import ProductionConfig, TestingConfig, normalise_database_url


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    head = ScriptDirectory("migrations").get_current_head()
    assert body["status"] == "ok" and body["schema_revision"] == head


def test_healthz_reports_an_unreachable_database(tmp_path):
    class Unreachable(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 1}}

    response = create_app(Unreachable).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)

    class Prod(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] is True and not app.debug


@pytest.mark.parametrize("given, expected", [
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_select_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_unknown_pages_get_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and b"404" in response.data


def test_database_connection_settings(app):
    """SQLite runs in WAL mode with foreign keys on; PostgreSQL goes through psycopg 3."""
    from app.extensions import db

    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert db.engine.dialect.driver == "psycopg"
            assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"

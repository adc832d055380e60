"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    config_class.validate()

    app = Flask(__name__, instance_relative_config=False,
                template_folder="web/templates", static_folder="web/static")
    app.config.from_object(config_class)

    from app.digits import IntConverter

    # Before any route is added (a rule binds its converters then): `<int:...>` in every
    # path, API and pages alike, takes ASCII digits only.
    app.url_map.converters["int"] = IntConverter

    _ensure_sqlite_dir(app.config["SQLALCHEMY_DATABASE_URI"])
    from app.extensions import db, install_sqlite_transactions, migrate

    install_sqlite_transactions()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))

    from app import models  # noqa: F401  (register every table on the metadata)

    install_session_hooks()

    from app.errors import register_error_handlers
    from app.feeds import bp as feeds_bp
    from app.health import bp as health_bp

    register_error_handlers(app)
    # first registered, so it runs after every other after_request (Flask runs them last
    # registered first): the pages' mark_public makes answers conditional too
    app.after_request(leave_date_to_server)

    from app import schema_check

    schema_check.install(app)  # 503 schema_outdated while the database is behind the code
    app.register_blueprint(health_bp)
    app.register_blueprint(feeds_bp)  # /feeds/verdicts.atom, /exports/verdicts.csv

    from app.api import register_api
    from app.web import register_web

    register_api(app)  # /api/v1 (flask-smorest)
    register_web(app)  # HTML pages, sign-in, CSRF, rate limits, security headers
    from app.extensions import CookieSessions, limit_writes_only

    limit_writes_only(app)  # the limiter's request hooks run for writes alone
    app.session_interface = CookieSessions()

    from app.cli import register_cli

    register_cli(app)

    from app.cache import install_read_cache

    install_read_cache(app)  # public reads kept per worker until the next write
    return app


def leave_date_to_server(response):
    """Drop the `Date` that werkzeug's make_conditional adds (feeds, exports, public
    pages): the server stamps each answer when it sends it, and `flask run`'s server
    (http.server's send_response) adds its own whatever the app sent, so answers carried
    two; a cached answer replayed a stale one. (gunicorn drops the app's.)"""
    response.headers.pop("Date", None)
    return response


def install_session_hooks() -> None:
    """Every ORM session's hooks, installed here in the order they run (each once per
    process; Flask-SQLAlchemy's sessions, CLI commands' and tests' plain ones alike):

    1. visibility (`services.policy`): soft-deleted rows stay out of every ORM query
       unless it asks for them;
    2. audit (`services.audit`): each flush writes the Revisions of what it changed;
    3. feed order (`services.feed_order`): the verdicts a transaction touched are stamped
       just before it commits, in commit order;
    4. read cache (`app.cache_keys`): a transaction that wrote anything — the three
       above included — moves the keys of what it wrote on, last, before it commits.
    """
    from app.cache import install_generation
    from app.services import audit, feed_order, policy

    policy.install()
    audit.install()
    feed_order.install()
    install_generation()


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"


def _ensure_sqlite_dir(uri: str) -> None:
    """SQLite creates the file but not its folder (instance/ on a fresh clone)."""
    if uri.startswith("sqlite:///") and len(uri) > len("sqlite:///"):
        Path(uri[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)

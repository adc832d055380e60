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

    _ensure_sqlite_dir(app.config["SQLALCHEMY_DATABASE_URI"])
    from app.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))

    from app import models  # noqa: F401  (register every table on the metadata)
    from app.errors import register_error_handlers
    from app.feeds import bp as feeds_bp
    from app.health import bp as health_bp

    register_error_handlers(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(feeds_bp)  # /feeds/verdicts.atom, /exports/verdicts.csv

    from app.api import register_api
    from app.web import register_web

    register_api(app)  # /api/v1 (flask-smorest)
    register_web(app)  # HTML pages, sign-in, CSRF, security headers

    from app.cli import register_cli

    register_cli(app)

    from app.cache import install_read_cache

    install_read_cache(app)  # public reads kept per worker until the next write
    return app


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"


def _ensure_sqlite_dir(uri: str) -> None:
    """SQLite creates the file but not its folder (instance/ on a fresh clone)."""
    if uri.startswith("sqlite:///") and len(uri) > len("sqlite:///"):
        Path(uri[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)

"""Configuration classes, read from the environment.

`create_app(config_class)` takes one of these; tests subclass `TestingConfig`.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
_DEV_SECRET = "dev-only-not-secret"


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and select psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'counterclaim.db'}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or default_sqlite_url()
    )
    # A ping before each checkout is a round trip per request (on PostgreSQL, as much as
    # a one-row read): off unless DATABASE_PRE_PING=1; connections are recycled after
    # DATABASE_POOL_RECYCLE seconds instead (before a server or proxy drops idle ones).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_pre_ping": os.environ.get("DATABASE_PRE_PING", "0") == "1",
        "pool_recycle": int(os.environ.get("DATABASE_POOL_RECYCLE", 1800)),
    }
    # Bodies above this are refused with 413 before any view runs.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))
    # How often each app server reads the database's schema revision (app/schema_check.py).
    SCHEMA_CHECK_SECONDS = float(os.environ.get("SCHEMA_CHECK_SECONDS", 5))
    JSON_SORT_KEYS = False

    # flask-smorest / OpenAPI
    API_TITLE = "Counterclaim API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"  # the document is served at /api/v1/openapi.json
    OPENAPI_JSON_PATH = "openapi.json"
    # Cache-Control max-age (seconds) of anonymous reads; authenticated reads are private.
    API_PUBLIC_MAX_AGE = int(os.environ.get("API_PUBLIC_MAX_AGE", 60))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Flask-Login's "keep me signed in" cookie: same rules as the session cookie.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # memory:// counts per worker process; redis://host:6379/0 counts across workers and
    # app servers (README, Production). Keys start with the prefix (servers sharing one
    # Redis for several sites).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    # Per-worker cache of public reads, invalidated by every write (app/cache.py); 0: off.
    # ClaimReviews per page of /feeds/claimreview.json (the next page: a Link header)
    CLAIMREVIEW_FEED_PAGE = int(os.environ.get("CLAIMREVIEW_FEED_PAGE", 500))
    READ_CACHE_MAX_BYTES = int(os.environ.get("READ_CACHE_MAX_BYTES", 32 * 1024 * 1024))
    # A CDN or Varnish in front: the keys each commit touched are POSTed to this URL as
    # {"keys": [...]} and/or handed to this "module:function" (app/cache_keys.py).
    CACHE_PURGE_URL = os.environ.get("CACHE_PURGE_URL", "")
    CACHE_PURGE_HOOK = os.environ.get("CACHE_PURGE_HOOK", "")
    CACHE_PURGE_TIMEOUT = float(os.environ.get("CACHE_PURGE_TIMEOUT", 2))
    RATELIMIT_HEADERS_ENABLED = True
    # API writes per account (a runaway script gets 429s, not the database); bulk loads
    # go through `flask import`.
    API_WRITE_RATE_LIMIT = os.environ.get("API_WRITE_RATE_LIMIT", "300 per minute")

    # Captures of documents' URLs (app/services/captures.py): hosts that may resolve to
    # internal addresses (comma-separated; none by default), one deadline per fetch, the
    # largest body kept, redirects followed, the pause between two requests to one host
    # in `flask documents recheck`, and the User-Agent the sites see.
    CAPTURE_ALLOWED_HOSTS = os.environ.get("CAPTURE_ALLOWED_HOSTS", "")
    CAPTURE_TIMEOUT = float(os.environ.get("CAPTURE_TIMEOUT", 20))
    CAPTURE_MAX_BYTES = int(os.environ.get("CAPTURE_MAX_BYTES", 10 * 1024 * 1024))
    CAPTURE_MAX_REDIRECTS = int(os.environ.get("CAPTURE_MAX_REDIRECTS", 10))
    CAPTURE_HOST_DELAY = float(os.environ.get("CAPTURE_HOST_DELAY", 2))
    CAPTURE_USER_AGENT = os.environ.get(
        "CAPTURE_USER_AGENT", "Counterclaim/1.0 (newsroom evidence capture)")
    # The BCP-47 language of claims, verdicts and imported reviews that name none.
    DEFAULT_LANGUAGE = os.environ.get("DEFAULT_LANGUAGE", "en")

    @classmethod
    def validate(cls) -> None:
        """Raise if the configuration cannot run safely. Called by the factory."""


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    )
    RATELIMIT_ENABLED = False
    CAPTURE_ALLOWED_HOSTS = "127.0.0.1"  # the tests' own local HTTP server
    CAPTURE_TIMEOUT = 3.0
    CAPTURE_MAX_BYTES = 256 * 1024
    CAPTURE_HOST_DELAY = 0.0


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == _DEV_SECRET or len(key) < 32:
            raise RuntimeError(
                "ProductionConfig needs SECRET_KEY set to a random value of at least "
                "32 characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        cls.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("COUNTERCLAIM_ENV", "development").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"COUNTERCLAIM_ENV={name!r} is not one of {', '.join(CONFIGS)}"
        ) from None

"""Server-rendered pages: reading pages, sign-in, and the journalists' forms."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Bind Flask-Login, CSRF, the rate limiter and security headers; register pages."""
    from app.extensions import csrf, limiter
    from app.web import auth, caching, fragments, limits, security, templating, wording
    from app.web.blueprint import bp
    from app.web.views import register_views

    csrf.init_app(app)
    limiter.init_app(app)
    auth.init_login(app)
    security.init_app(app)
    templating.init_app(app)
    wording.init_app(app)
    fragments.init_app(app)
    register_views()
    limits.register(bp)
    app.register_blueprint(bp)
    # pages anonymous visitors read: public, ETag; signed-in users' pages: private
    app.after_request(caching.set_cache_control)

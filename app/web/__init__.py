"""Server-rendered pages: reading pages, sign-in, and the journalists' forms."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Bind Flask-Login, CSRF, the rate limiter and security headers; register pages."""

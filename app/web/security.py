"""Security headers on every response, pages and JSON alike.

The Content-Security-Policy allows only the app's own files: no inline script, no
`eval`, no framing. JSON-LD `<script type="application/ld+json">` blocks are data, which
browsers never execute, so they need no exception.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# The interactive API docs (served from local files) set element styles from their own
# script files; they get inline *styles* only, never inline scripts.
CSP_API_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


# In the order they are added, each unless the answer set its own.
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_NAMES = frozenset(name.lower() for name, _ in HEADERS)


def security_headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name, _ in headers} & _NAMES
    for name, value in HEADERS:
        if name.lower() not in present:
            if value is CSP and request.path.startswith("/api/docs"):
                value = CSP_API_DOCS
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        # Production is served over HTTPS only: tell browsers to never try plain HTTP.
        @app.after_request
        def hsts(response: Response) -> Response:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
            return response

"""Cache-Control of pages.

Reading pages are the same for every visitor who is not signed in: they are marked
`Cache-Control: public` with an ETag, so the shared read cache (app/cache.py) and any
CDN may keep them, and a browser's If-None-Match gets a 304.

Only what is the same for everyone is marked: a GET answered 200 with HTML, to a visitor
not signed in, that did not start a session (a sign-in form's CSRF token or a flashed
message writes one: those pages stay private).

A signed-in user's pages show drafts, staff controls and their name: every HTML answer
to them is `private, no-store`, so no shared cache keeps it and the browser does not
show it again from its history after they sign out.
"""

from __future__ import annotations

from flask import Response, current_app, request, session
from flask_login import current_user

DEFAULT_MAX_AGE = 60


def set_cache_control(response: Response) -> Response:
    """after_request of the app: private for signed-in users, else public if it may be."""
    if response.mimetype == "text/html" and current_user.is_authenticated:
        return mark_private(response)
    return mark_public(response)


def mark_private(response: Response) -> Response:
    cache_control = response.cache_control
    cache_control.public = False
    cache_control.max_age = None
    cache_control.s_maxage = None
    cache_control.private = True
    cache_control.no_store = True
    return response


def mark_public(response: Response) -> Response:
    if (request.blueprint == "web" and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and response.mimetype == "text/html" and not response.cache_control.private
            and not current_user.is_authenticated and not session.modified
            and "Set-Cookie" not in response.headers):
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config.get(
            "API_PUBLIC_MAX_AGE", DEFAULT_MAX_AGE)
        response.add_etag()
        response.make_conditional(request)
    return response

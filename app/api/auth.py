"""Bearer-token authentication for the API.

Reads are public; a request may still carry a token (staff then see drafts). A token
that is given but unknown, revoked or malformed is a 401 even on a read, so a consumer
with a broken token finds out instead of silently getting the public view.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.models import User
from app.services import policy
from app.services.users import user_for_token

REALM = "counterclaim"


def _unauthorized(message: str, error: str | None = None) -> Unauthorized:
    params = {"realm": REALM}
    if error:
        params["error"] = error
    return Unauthorized(message, www_authenticate=WWWAuthenticate("Bearer", params))


def load_user() -> None:
    """before_request of every API blueprint: resolve the bearer token, if any."""
    g.api_user = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("Use 'Authorization: Bearer <token>'.", "invalid_request")
    user = user_for_token(token)
    if user is None:
        raise _unauthorized("The token is unknown or revoked, or its user is inactive.",
                            "invalid_token")
    g.api_user = user


def current_user() -> User | None:
    return g.get("api_user")


def viewer(*, include_deleted: bool = False) -> policy.Viewer:
    """Who is asking (the policy's Viewer); asking for deleted records without an
    editor's token is a 401 (no token) or 403."""
    if include_deleted and current_user() is None:
        raise _unauthorized("Deleted records are for editors: send an editor's bearer token.")
    return policy.viewer(current_user(), include_deleted=include_deleted)


def require(action: policy.Action) -> User:
    """401 without a token, 403 when the token's role may not do `action`."""
    user = current_user()
    if user is None:
        raise _unauthorized("This needs a bearer token (Authorization: Bearer <token>).")
    return policy.require(user, action)

"""Bearer-token authentication for the API.

Reads are public; a request may still carry a token (staff then see drafts). A token
that is given but unknown, revoked or malformed is a 401 even on a read, so a consumer
with a broken token finds out instead of silently getting the public view.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.models import Role, User
from app.services.errors import PermissionDenied
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


def is_staff() -> bool:
    """Journalists and up see drafts; readers and anonymous callers do not."""
    user = current_user()
    return user is not None and user.can(Role.JOURNALIST)


def require(role: Role) -> User:
    """401 without a token, 403 when the token's role is not enough."""
    user = current_user()
    if user is None:
        raise _unauthorized("This needs a bearer token (Authorization: Bearer <token>).")
    if not user.can(role):
        raise PermissionDenied(f"This needs the {role.value} role or higher.")
    return user


def include_deleted(requested: bool) -> bool:
    """Soft-deleted records are shown only to editors who ask for them."""
    if requested:
        require(Role.EDITOR)
    return requested

"""Sign-in plumbing for the pages: Flask-Login's user loader, what happens to visitors
who are not signed in, and the role check for the working pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from app.errors import wants_json
from app.extensions import db, login_manager
from app.models import Role, User
from app.models.user import parse_session_id
from app.services.errors import PermissionDenied

STAFF = Role.JOURNALIST


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session or "keep me signed in" cookie names (User.get_id: id and
    session version), or None: signing out, a password reset and deactivation move
    the version on, so every cookie made before them stops working, on every device."""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    user = db.session.get(User, parsed[0])
    if user is None or not user.active or user.session_version != parsed[1]:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        abort(401)
    return redirect(url_for("web.login", next=request.full_path.rstrip("?")))


def actor() -> User:
    """The signed-in user as a plain model object (services want a User, not a proxy)."""
    return current_user._get_current_object()


def is_staff() -> bool:
    return current_user.is_authenticated and current_user.can(STAFF)


def role_required(role: Role) -> Callable:
    """Sign-in required, then at least `role`; otherwise a 403 page saying which role."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.can(role):
                raise PermissionDenied(
                    f"This page needs the {role.value} role; you are signed in as a "
                    f"{current_user.role.value}."
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never bounce a fresh sign-in to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target

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
from app.models import User
from app.models.user import parse_session_id
from app.services import policy


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


def signed_in() -> User | None:
    """The signed-in user, or None for a visitor."""
    return actor() if current_user.is_authenticated else None


def viewer(*, include_deleted: bool = False) -> policy.Viewer:
    """Who is looking at a page (the policy's Viewer)."""
    return policy.viewer(signed_in(), include_deleted=include_deleted)


def requires(action: policy.Action) -> Callable:
    """Sign-in required, then a role that may do `action` (the policy's rules);
    otherwise a 403 page saying who may."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            policy.require(actor(), action)
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

"""The pages' answers when a limit is hit: what the limit is and what to do next.

A form too large (413) says the most a form may send and leads back to it; too many
sign-in attempts (429) say in plain words when to try again, and send Retry-After.
The API keeps its JSON envelope (app/errors.py): these handlers are the web
blueprint's only.
"""

from __future__ import annotations

import math
import time

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from app.extensions import limiter


def plain_size(size: int) -> str:
    """1048576 -> "1 MB"; 1500 -> "1.5 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def plain_wait(seconds: int) -> str:
    """45 -> "45 seconds"; 61 -> "2 minutes"; 3600 -> "1 hour"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def retry_after_seconds() -> int:
    """Seconds until the limit that refused this request lets one through again."""
    current = limiter.current_limit
    if current is None:
        return 60
    # as Flask-Limiter counts it for the Retry-After header it sets too
    return max(1, int(current.reset_at - time.time()))


def _page(status: int, message: str, *, back: str | None = None, headers=None):
    body = render_template("error.html", status=status, message=message, fields={},
                           back=back)
    return body, status, headers or {}


def too_large(exc: HTTPException):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _page(413, f"A form may send at most {plain_size(limit)}; this one was larger. "
                      "Long texts have their own limits, shown under each field: shorten "
                      "what you pasted and send it again.", back=request.path)


def too_many(exc: HTTPException):
    seconds = retry_after_seconds()
    return _page(429, f"Too many attempts from here in a short time. Try again in "
                      f"{plain_wait(seconds)}.", back=request.path,
                 headers={"Retry-After": str(seconds)})



def register(blueprint: Blueprint) -> None:
    """The pages' 413 and 429 (the API's stay in its JSON envelope); once, as the
    blueprint's routes are (a blueprint takes no handlers after its first app)."""
    if 413 in blueprint.error_handler_spec.get(None, {}):
        return
    blueprint.register_error_handler(413, too_large)
    blueprint.register_error_handler(429, too_many)

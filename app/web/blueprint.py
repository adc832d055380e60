"""The one blueprint every page hangs on (endpoints are `web.<name>`).

One blueprint, several modules under app/web/views/, so that endpoint names never
clash with the API's per-resource blueprints.
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import UnsupportedMediaType

from app.query_args import canonical_query

bp = Blueprint("web", __name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def forms_only() -> None:
    """Pages take HTML forms. Flask-WTF would also read a JSON body into a form, and a
    list, a string or a number where it expects an object of strings was a 500."""
    if request.method == "POST" and request.mimetype and request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType("Pages take HTML forms; the API under /api/v1 takes JSON.")


# Query parameters a page does not read are redirected away (app/query_args.py).
bp.before_request(canonical_query)
bp.before_request(forms_only)

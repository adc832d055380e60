"""The one blueprint every page hangs on (endpoints are `web.<name>`).

One blueprint, several modules under app/web/views/, so that endpoint names never
clash with the API's per-resource blueprints.
"""

from __future__ import annotations

from flask import Blueprint

from app.query_args import canonical_query

bp = Blueprint("web", __name__)
# Query parameters a page does not read are redirected away (app/query_args.py).
bp.before_request(canonical_query)

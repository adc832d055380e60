"""The one blueprint every page hangs on (endpoints are `web.<name>`).

One blueprint, several modules under app/web/views/, so that endpoint names never
clash with the API's per-resource blueprints.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__)

"""The framework's ceiling: a bare Flask app returning a small JSON dict.

Served by the harness under exactly the gunicorn settings of the real app, so the
ratio of an endpoint's req/s to this one's says how much of Flask's own capacity on
this machine the endpoint keeps.
"""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify({"id": 123, "state": "published", "rating": {"value": 1, "label": "False"}})

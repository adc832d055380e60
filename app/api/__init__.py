"""The JSON API under /api/v1: one blueprint module per resource."""

from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    """Bind flask-smorest and register every API blueprint (the one list of them)."""

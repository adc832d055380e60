"""The page views, one module per area, all on the `web` blueprint."""

from __future__ import annotations


def register_views() -> None:
    """Import the view modules so their routes attach to the blueprint (once)."""
    from app.web.views import (  # noqa: F401
        account,
        claims,
        disputes,
        documents,
        events,
        home,
        known,
        records,
        sources,
        verdicts,
    )

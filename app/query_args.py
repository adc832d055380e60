"""Which query parameters a public read takes, and what becomes of the others.

The read cache (app/cache.py) keys an answer on its whole URL, query string included. A
parameter nobody reads would still make a new key: `/exports/verdicts.csv?x=<random>`
would miss every time and rebuild the export of every verdict. So no read answers a
parameter it does not read:

- Pages, the Atom feed and the CSV export (`canonical_query`, installed on their
  blueprints) redirect, 301, to the same URL without the parameters the view does not
  read. Links into a newsroom tool come from newsletters and social networks carrying
  `utm_*`, `fbclid`, `gclid`...: a 400 would break them for readers, the redirect costs
  no database work, and the URL it leads to is answered from the cache. Parameters the
  view does read keep their values, which must hold no control characters (a 422 page
  names the parameter).
- The API (`ApiBlueprint`) answers 422 naming each parameter an operation does not
  declare: its callers are programs written against the OpenAPI document, for whom an
  unknown parameter is a mistake worth hearing about (`?disput_id=` is a typo, not
  an empty filter).

A view lists what it reads with `@query_args("page", "state")`, below its route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from app.models.base import CONTROL_CHARACTERS
from app.services.errors import ValidationError

F = TypeVar("F", bound=Callable)

_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")

# A kept redirect would outlive a parameter the view learns to read later: bounded.
REDIRECT_MAX_AGE = 86_400


def query_args(*names: str) -> Callable[[F], F]:
    """The query parameters a page or feed view reads; any other is redirected away."""

    def mark(view: F) -> F:
        view.query_args = frozenset(names)  # type: ignore[attr-defined]
        return view

    return mark


def canonical_query() -> Response | None:
    """before_request of the pages and the feeds: the 301 to the URL without the
    parameters the view does not read, or a 422 for a control character in one it does."""
    if (request.method not in ("GET", "HEAD") or not request.query_string
            or request.endpoint is None):
        return None
    view = current_app.view_functions[request.endpoint]
    known: frozenset[str] = getattr(view, "query_args", frozenset())
    for name, value in request.args.items(multi=True):
        if name in known and _CONTROL.search(value):
            raise ValidationError(f"The {name} must not contain control characters.",
                                  {name: ["must not contain control characters"]})
    # (A query string of separators only, `?&&`, reads as no parameters: redirected too.)
    if request.args and all(name in known for name in request.args):
        return None
    kept = {name: request.args.getlist(name) for name in request.args if name in known}
    response = redirect(url_for(request.endpoint, **(request.view_args or {}), **kept), 301)
    response.cache_control.public = True
    response.cache_control.max_age = REDIRECT_MAX_AGE
    return response

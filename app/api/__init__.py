"""The JSON API under /api/v1: one blueprint module per resource."""

from __future__ import annotations

from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from werkzeug.exceptions import HTTPException

API_DESCRIPTION = """\
Competing accounts of the same event, the exact words at issue, and editorial verdicts.

**Auth.** Reads of published material are public. Every write needs
`Authorization: Bearer <token>` (`flask tokens issue EMAIL`); the token's role decides
what it may do: journalist (log and draft), editor (publish, correct, withdraw, change
dispute state, restore), admin. A token on a read shows staff what readers do not see
(drafts; with `include_deleted=true`, editors see soft-deleted records).

**Versions.** Every read has an `ETag`; send it back as `If-None-Match` for a 304, and
as `If-Match` on every change (428 without it, 412 when someone changed the record
since you read it).

**Lists** are ordered by id and paginated (`page`, `per_page` ≤ 100) with `Link` and
`X-Total-Count` headers. **The verdict feed** (`GET /api/v1/verdicts`) is ordered by
(updated_at, id) and paged by an opaque `cursor` and `limit` (`Link: rel="next"`,
`X-Next-Cursor`); corrections and withdrawals move a verdict to the end of the feed.
Why not pages: the feed is for syncing while editors write. A page number counts rows
from the start, so a verdict corrected during your walk moves to the end and shifts
every later page — you skip one verdict and see another twice. A cursor is a position
in the (updated_at, id) order (a keyset): what changes behind it comes round again after
it, nothing is skipped or repeated, and the cursor you keep is where the next sync starts.
Each verdict carries its claim's `statement`, the absolute `url` of the verdict on its
claim's page (the ClaimReview's `url`) and its `dispute_url`: no other call is needed to
show it.

**Errors** are always `{"error": {"status", "code", "message", "fields"}}`: `code` is
one of those below, `message` a plain sentence, `fields` what is wrong with each field
(every 422 is `validation_error`, whatever the field: a body's, a query's, a cursor).
"""


def schema_name(schema) -> str:
    """OpenAPI component names: `Claim`, and `ClaimPatch` for the partial (PATCH) input."""
    cls = resolve_schema_cls(schema)
    cls = cls[0] if isinstance(cls, list) else cls
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    if getattr(schema, "partial", False) and not name.endswith("Patch"):
        name += "Patch"
    return name


def register_api(app: Flask) -> None:
    """Bind flask-smorest and register every API blueprint (the one list of them)."""
    from app.api import (
        claims,
        disputes,
        docs,
        documents,
        events,
        exports,
        links,
        matches,
        quotes,
        ratings,
        reviews,
        revisions,
        search,
        sources,
        verdicts,
    )
    from app.api.json import OrjsonProvider
    from app.api.openapi import Plugin
    from app.errors import error_codes_markdown, handle_http_exception
    from app.extensions import api, csrf
    from app.schemas.common import ErrorSchema

    app.json = OrjsonProvider(app)
    app.json.sort_keys = app.config.get("JSON_SORT_KEYS", False)

    api.ERROR_SCHEMA = ErrorSchema  # document our envelope for every error response
    api.init_app(app, spec_kwargs={
        "marshmallow_plugin": Plugin(schema_name_resolver=schema_name),
        "info": {"description": API_DESCRIPTION + "\n" + error_codes_markdown()},
    })
    # flask-smorest's init_app registers its own HTTPException handler (another body
    # shape); put ours back so every error, API and HTTP alike, has the one envelope.
    app.register_error_handler(HTTPException, handle_http_exception)
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "An API token: `flask tokens issue EMAIL --name NAME` prints it once.",
    })

    for module in (events, disputes, claims, sources, documents, quotes, links, verdicts,
                   ratings, revisions, search, exports, matches, reviews):
        api.register_blueprint(module.blp)
        csrf.exempt(module.blp)  # bearer tokens, not cookies: no CSRF to defend against
    app.register_blueprint(docs.bp)

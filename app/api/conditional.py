"""ETags, If-None-Match / If-Match and Cache-Control, in one place.

An ETag is `"<version>-<digest>"` for a record (its `lock_version`, then a digest of
the body) and `"<digest>"` for a list:

- the digest changes with anything the response shows, so `If-None-Match` → 304 is
  always right, whatever related records a representation embeds;
- the version changes only when the record itself changes, so `If-Match` (required on
  every change: 428 without it) compares the version: a write conflicts with writes of
  the same record (412), never with, say, a claim added to the dispute meanwhile.
  The services re-check the version inside their transaction, so two writers racing
  past the header check still cannot both win.

Anonymous reads are `Cache-Control: public` with a short max-age; a read made with a
token may contain drafts or deleted records, so it is `private, no-store`.
"""

from __future__ import annotations

import hashlib
import re

from flask import current_app, g, request
from flask.wrappers import Response
from werkzeug.exceptions import PreconditionRequired

from app.api.auth import current_user
from app.services.errors import StaleVersion

_VERSION = re.compile(r"^(\d{1,18})(?:-[0-9a-f]+)?$")
CONDITIONAL_TYPES = ("application/json", "application/ld+json")


def etag_version(version: int) -> None:
    """Tell the response which record version it represents (first part of the ETag)."""
    g.etag_version = version


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=10).hexdigest()


def make_etag(body: bytes, version: int | None) -> str:
    digest = _digest(body)
    return f"{version}-{digest}" if version is not None else digest


def require_if_match() -> None:
    """428 unless the request says which version it read."""
    if not request.headers.get("If-Match"):
        raise PreconditionRequired(
            "Send If-Match with the ETag of the version you read "
            "(GET the record, then If-Match: <its ETag>), so no one's change is lost."
        )


def expected_version(record) -> int | None:
    """The record version the If-Match header vouches for; 412 when none is current.

    Returns the version to hand to the service (which re-checks it when it writes), or
    None for `If-Match: *` (any current version)."""
    require_if_match()
    if_match = request.if_match
    if if_match.star_tag:
        return None
    tags = [tag for tag in if_match.as_set() if isinstance(tag, str)]
    versions = {int(m.group(1)) for tag in tags if (m := _VERSION.match(tag))}
    if record.lock_version in versions:
        return record.lock_version
    raise StaleVersion(
        f"{type(record).__name__} {record.id} is now at version {record.lock_version}: "
        "someone changed it since you read it. GET it again and re-apply your change.",
    )


def finalize(response: Response) -> Response:
    """after_request of every API blueprint: ETag, 304, Cache-Control, Vary."""
    if response.status_code not in (200, 201) or response.direct_passthrough:
        return response
    if response.mimetype not in CONDITIONAL_TYPES:
        return response
    etag = make_etag(response.get_data(), g.get("etag_version"))
    response.set_etag(etag)
    if request.method not in ("GET", "HEAD"):
        return response
    headers = response.headers
    # Written as werkzeug's header objects write them, without parsing the headers
    # first when the view set none of them (every view so far).
    if "Vary" in headers:
        response.vary.add("Authorization")
    else:
        headers["Vary"] = "Authorization"
    public = current_user() is None
    if "Cache-Control" in headers:
        if public:
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["API_PUBLIC_MAX_AGE"]
        else:
            response.cache_control.private = True
            response.cache_control.no_store = True
    else:
        headers["Cache-Control"] = (
            f"public, max-age={current_app.config['API_PUBLIC_MAX_AGE']}" if public
            else "private, no-store")
    if ("HTTP_IF_NONE_MATCH" in request.environ
            and request.if_none_match.contains_weak(etag)):
        response.status_code = 304  # werkzeug sends no body (nor entity headers) with it
    return response

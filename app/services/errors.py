"""Domain errors raised by services; `app.errors` maps them to HTTP responses."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None, *,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}  # HTTP headers the answer carries (e.g. Link)


class ValidationError(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The record changed since the caller read it, or a uniqueness rule was broken."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    """The caller's copy is older than the stored record (HTTP: 412 with If-Match)."""

    code = "stale_version"


class Withdrawn(DomainError):
    """What was asked for was withdrawn: nothing of it is served any more, but its public
    history says what it was and why it went."""

    status = 410
    code = "withdrawn"


class InvalidTransition(DomainError):
    """The operation is not allowed in the record's current state."""

    status = 409
    code = "invalid_state"

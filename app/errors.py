"""Errors → one JSON envelope under /api, an HTML page elsewhere.

Envelope: {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {}}}

One vocabulary: every answer's `code` is one of ERROR_CODES (the OpenAPI description and
the README list them from here), and its message is ours, in plain words naming what is
wrong — never a framework's stock sentence. Every 422, whatever refused the input (a
schema, a query argument, a cursor, a service rule), is `validation_error`, its message
naming the field(s), and `fields` saying what is wrong with each.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.services.errors import DomainError, StaleVersion
from app.services.uow import integrity_error

# code -> (HTTP status, when it is answered). Capture failures add their own codes
# (`capture_<reason>`, app/services/fetching.py FAILURES).
ERROR_CODES: dict[str, tuple[int, str]] = {
    "bad_request": (400, "the request cannot be read (a malformed header or query, an "
                         "integer past a double's range...)"),
    "invalid_json": (400, "the body is not valid JSON (or nests deeper than 1,024 levels)"),
    "unauthorized": (401, "no bearer token, or an unknown or revoked one"),
    "forbidden": (403, "the token's role may not do this"),
    "not_found": (404, "no such record or path (or not visible to you)"),
    "method_not_allowed": (405, "the path does not take this method (see `Allow`)"),
    "conflict": (409, "the change collides with the records' rules or another change"),
    "stale_version": (409, "someone changed the record since you read it (412 when sent "
                           "as If-Match)"),
    "invalid_state": (409, "the record's state does not allow this (publishing a "
                           "withdrawn verdict...)"),
    "withdrawn": (410, "the verdict was withdrawn: no rating of it is published"),
    "precondition_failed": (412, "If-Match does not match the current version"),
    "request_entity_too_large": (413, "the body is larger than MAX_CONTENT_LENGTH"),
    "unsupported_media_type": (415, "a body that is not `application/json`"),
    "validation_error": (422, "a field is missing, unknown or invalid: `fields` names each"),
    "precondition_required": (428, "a change without If-Match"),
    "too_many_requests": (429, "past the rate limit (see `Retry-After`)"),
    "internal_error": (500, "a fault on our side (logged)"),
    "database_unavailable": (503, "the database is not reachable (see `Retry-After`)"),
    "schema_outdated": (503, "the database schema is behind the app: run flask db upgrade"),
}

# HTTP errors raised without a message of ours (werkzeug's stock sentences are about
# browsers and proxies): what each says instead.
_PLAIN = {
    400: "The request cannot be read.",
    401: "Sign in, or send 'Authorization: Bearer <token>'.",
    403: "You may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not take that method.",
    406: "This address cannot answer in a format the request accepts.",
    413: "The request body is too large.",
    415: "Send the body as JSON (Content-Type: application/json).",
    422: "The input is not valid.",
    428: "Send If-Match with the ETag you read.",
    429: "Too many requests; try again later.",
}


def error_codes_markdown() -> str:
    """ERROR_CODES, and the capture failures', as a Markdown list (the OpenAPI
    description)."""
    from app.services.fetching import FAILURES

    lines = [f"- `{code}` ({status}): {meaning}"
             for code, (status, meaning) in ERROR_CODES.items()]
    lines += [f"- `capture_{reason}` ({status}): a capture failed: {label}"
              for reason, (status, label) in FAILURES.items()]
    return "\n".join(lines)


def validation_message(fields: dict[str, list[str]], note: str = "") -> str:
    """One plain sentence naming each invalid field: "updated_since: Not a valid
    datetime." — the same voice whatever refused the input."""
    parts = [f"{name}: {' '.join(messages)}".rstrip(".") for name, messages in fields.items()
             if name != "_schema"]
    parts += [" ".join(fields["_schema"]).rstrip(".")] if "_schema" in fields else []
    message = "; ".join(parts) + "." if parts else _PLAIN[422]
    return f"{message} {note}" if note else message


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message,
                      "fields": fields or {}}}


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   headers: dict | None = None) -> Response:
    if wants_json():
        response = jsonify(error_body(status, code, message, fields))
    else:
        response = Response(
            render_template("error.html", status=status, code=code, message=message,
                            fields=fields or {}),
            mimetype="text/html",
        )
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _http_code(exc: HTTPException) -> str:
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and data.get("code") in ERROR_CODES:
        return data["code"]  # raised with one of ours (invalid_json, ...)
    if exc.code == 422:
        return "validation_error"
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages -> {"claims.0.statement": ["..."]}, one list per field."""
    fields: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(flatten_messages(value, name))
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        fields[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list | tuple):
        for item in messages:
            for key, value in flatten_messages(item, prefix).items():
                fields.setdefault(key, []).extend(value)
    else:
        fields[prefix or "_schema"] = [str(messages)]
    return fields


def handle_http_exception(exc: HTTPException):
    """Every werkzeug/webargs HTTP error (404, 405, 413, 422, 428...) in the envelope."""
    fields: dict[str, list[str]] = {}
    data = getattr(exc, "data", None)  # webargs / flask-smorest validation messages
    if isinstance(data, dict) and "messages" in data:
        for location, messages in data["messages"].items():
            if isinstance(messages, dict):
                fields.update(flatten_messages(messages))
            else:
                fields.update(flatten_messages(messages, location))
    exc_headers = exc.get_response().headers if exc.code in (401, 405) else {}
    headers = {k: v for k, v in exc_headers.items() if k in ("Allow", "WWW-Authenticate")}
    if exc.code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="counterclaim"')
    ours = data.get("message") if isinstance(data, dict) else None
    if exc.description and exc.description != type(exc).description:
        ours = ours or exc.description  # raised with a message (a rate limit's, ...)
    if exc.code == 422:  # named fields, in the voice of every other 422
        message = validation_message(fields, ours or "")
    else:
        message = ours or _PLAIN.get(exc.code or 500, exc.name)
    return error_response(exc.code or 500, _http_code(exc), message, fields, headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status = exc.status
        # Over HTTP, a stale If-Match is a failed precondition.
        if isinstance(exc, StaleVersion) and request.headers.get("If-Match"):
            status = 412
        return error_response(status, exc.code, exc.message, exc.fields, exc.headers)

    # flask-smorest's Api.init_app registers its own handler; app.api re-registers this
    # one after it so the envelope wins for every HTTP error.
    app.register_error_handler(HTTPException, handle_http_exception)

    @app.errorhandler(IntegrityError)
    def integrity(exc: IntegrityError):
        db.session.rollback()
        err = integrity_error(exc)
        return error_response(err.status, err.code, err.message, err.fields)

    @app.errorhandler(StaleDataError)
    def stale(exc: StaleDataError):
        db.session.rollback()
        err = StaleVersion("This record was changed by someone else since you loaded it.")
        return domain_error(err)

    def schema_outdated() -> Response | None:
        """After a database error: if the schema is not the code's, say that (a missing
        column is not an unreachable database)."""
        from app.schema_check import checker

        state = checker().state_now(max_age=1.0)
        if state is None or state.ok:  # unreachable indeed, or another fault
            return None
        return error_response(503, "schema_outdated", state.message,
                              headers={"Retry-After": "30"})

    @app.errorhandler(OperationalError)
    def database_down(exc: OperationalError):
        db.session.rollback()
        app.logger.error("database error: %s", exc)
        return schema_outdated() or error_response(
            503, "database_unavailable",
            "The database is not reachable right now; try again shortly.",
            headers={"Retry-After": "5"})

    @app.errorhandler(ProgrammingError)
    def database_refused(exc: ProgrammingError):
        # PostgreSQL's answer to a missing table or column
        db.session.rollback()
        app.logger.exception("database error")
        return schema_outdated() or error_response(500, "internal_error",
                                                   "Something went wrong on our side.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")

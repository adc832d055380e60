"""Errors → one JSON envelope under /api, an HTML page elsewhere.

Envelope: {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {}}}
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.services.errors import DomainError, StaleVersion
from app.services.uow import integrity_error


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
    message = exc.description or exc.name
    if data and isinstance(data, dict) and data.get("message"):
        message = data["message"]
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

    @app.errorhandler(OperationalError)
    def database_down(exc: OperationalError):
        db.session.rollback()
        app.logger.error("database error: %s", exc)
        return error_response(503, "database_unavailable",
                              "The database is not reachable right now; try again shortly.",
                              headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")

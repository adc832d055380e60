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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status = exc.status
        # Over HTTP, a stale If-Match is a failed precondition.
        if isinstance(exc, StaleVersion) and request.headers.get("If-Match"):
            status = 412
        return error_response(status, exc.code, exc.message, exc.fields)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        fields = {}
        data = getattr(exc, "data", None)  # webargs / flask-smorest validation messages
        if isinstance(data, dict) and "messages" in data:
            for location, messages in data["messages"].items():
                if isinstance(messages, dict):
                    fields.update(messages)
                else:
                    fields[location] = messages
        headers = dict(exc.get_response().headers) if exc.code == 405 else {}
        headers = {k: v for k, v in headers.items() if k in ("Allow",)}
        if exc.code == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="counterclaim"'
        message = exc.description or exc.name
        if data and isinstance(data, dict) and data.get("message"):
            message = data["message"]
        return error_response(exc.code or 500, _http_code(exc), message, fields, headers)

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

"""The API blueprint class: authentication, caching and their OpenAPI description.

Every resource module makes one `ApiBlueprint`; it authenticates bearer tokens before
each request, adds ETag / Cache-Control after it, and documents — from the same
decorators that enforce them — each operation's security, its If-Match header and
its error responses.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps

from flask import current_app, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import abort

from app.api import auth, conditional
from app.api.json import JsonBodyParser
from app.extensions import limiter
from app.services.policy import RULES, Action

BEARER = "bearerAuth"
DOC_KEY = "counterclaim"

IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The ETag of the version you read (GET it first). 428 without it, "
                   "412 when the record changed since.",
    "schema": {"type": "string", "minLength": 1, "pattern": "[!-~]"},  # not blank
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag you hold: 304 Not Modified when it is still current.",
    "schema": {"type": "string"},
}
READ_HEADERS = {
    "ETag": {"description": '"<version>-<digest>" for a record, "<digest>" for a list.',
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "public, max-age=… for anonymous reads; "
                                     "private, no-store with a token.",
                      "schema": {"type": "string"}},
}
WRITE_HEADERS = {
    "ETag": {"description": "The new version's ETag, for the next If-Match.",
             "schema": {"type": "string"}},
}


def _write_limit() -> str:
    return current_app.config["API_WRITE_RATE_LIMIT"]


def _writer_key() -> str:
    """Writes count against the token's account (against the address without one)."""
    user = auth.current_user()
    return f"user:{user.id}" if user is not None else get_remote_address()


def _limits_off() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def _mark(func: Callable, **info) -> None:
    func._apidoc = deepcopy(getattr(func, "_apidoc", {}))
    func._apidoc.setdefault(DOC_KEY, {}).update(info)


def refuse_undeclared_query() -> None:
    """An operation that declares no query arguments takes none: a 422 naming each one
    given, as the schemas of the others do (app/query_args.py says why)."""
    if not request.args or request.endpoint is None:
        return
    view = current_app.view_functions[request.endpoint]
    method = "get" if request.method == "HEAD" else request.method.lower()
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, method, None) if view_class is not None else view
    if handler is None:  # OPTIONS and the like: Flask answers them
        return
    declared = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if any(argument["in"] in ("query", "querystring") for argument in declared):
        return
    abort(422, message="This operation takes no query parameters.",
          messages={"query": {name: ["Unknown field."] for name in request.args}})


def refuse_other_bodies() -> None:
    """A body must be JSON: another content type (a form post, text/plain) is a 415
    saying so, rather than a 422 listing every field as missing — the body was there,
    it was only never read."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if not request.content_length and not request.get_data(cache=True):
        return  # no body: the operation's schema decides whether one was needed
    if not core.is_json(request.mimetype):
        given = request.mimetype or "no Content-Type"
        abort(415, code="unsupported_media_type",
              message=f"Send the body as JSON (Content-Type: application/json), not {given}.")


class ApiBlueprint(Blueprint):
    # unknown=None: each schema's own Meta.unknown (RAISE) holds in every location, so an
    # unknown query parameter (a typo such as `?disput_id=`) is a 422 naming it, not ignored.
    # Bodies are read by orjson (app/api/json.py): bad JSON of any kind is a 400.
    ARGUMENTS_PARSER = JsonBodyParser(unknown=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(auth.load_user)
        self.before_request(refuse_undeclared_query)
        self.before_request(refuse_other_bodies)
        self.after_request(conditional.finalize)
        self._prepare_doc_cbks.append(self._prepare_counterclaim_doc)

    # -- decorators -------------------------------------------------------------------

    def requires(self, action: Action, *, if_match: bool = False) -> Callable:
        """The operation needs a bearer token whose role may do `action` (401 / 403; the
        roles are the policy's), and, with `if_match`, an If-Match header (428; 412 is
        decided by the view). Writes are limited per account (API_WRITE_RATE_LIMIT; 429
        past it)."""

        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                auth.require(action)
                if if_match:
                    conditional.require_if_match()
                return func(*args, **kwargs)

            # one budget for all of an account's writes, whichever resource they touch
            limited = limiter.shared_limit(_write_limit, scope="api-writes",
                                           key_func=_writer_key,
                                           exempt_when=_limits_off)(wrapper)
            _mark(limited, role=RULES[action], if_match=if_match)
            return limited

        return decorator

    def restore_route(self, model: type, schema, summary: str, answer=None) -> None:
        """`POST /<id>/restore`: an editor brings back a soft-deleted record, with an
        optional reason for the revision log; answers the record as `schema` shows it —
        through `answer(record_id)` where the resource's GET is made by a read model (so
        the answer is what a GET gives)."""
        from app.api import resource
        from app.schemas.common import ReasonSchema

        def post(view, data, record_id):
            restored = resource.restore(model, record_id, data.get("reason", ""))
            return restored if answer is None else answer(restored.id)

        post.__doc__ = summary
        post = self.requires(Action.RESTORE)(
            self.arguments(ReasonSchema, required=False)(self.response(200, schema)(post)))
        view = type(f"{model.__name__}Restore", (MethodView,), {"post": post})
        self.route("/<int:record_id>/restore", endpoint="restore")(view)

    # -- OpenAPI ------------------------------------------------------------------------

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        super().add_url_rule(rule, endpoint, view_func, **options)
        if "<" in rule:  # operations on one record can answer 404
            name = endpoint or view_func.__name__
            for method_doc in self._docs[name].values():
                if isinstance(method_doc, dict):
                    method_doc.setdefault(DOC_KEY, {})["one_record"] = True

    @staticmethod
    def _prepare_counterclaim_doc(doc, doc_info, *, method, **kwargs):
        info = doc_info.get(DOC_KEY, {})
        responses = doc.setdefault("responses", {})
        parameters = doc.setdefault("parameters", [])
        success = [responses[code] for code in doc_info.get("success_status_codes", [])
                   if isinstance(responses.get(code), dict) and int(code) != 204]
        if info.get("one_record"):
            responses.setdefault(404, "NOT_FOUND")
        if info.get("role") is not None:
            role = info["role"]
            doc["security"] = [{BEARER: []}]
            note = f"Needs a bearer token with the **{role.value}** role or higher."
            doc["description"] = f"{doc.get('description', '')}\n\n{note}".strip()
            responses.setdefault(401, "UNAUTHORIZED")
            responses.setdefault(403, "FORBIDDEN")
            responses.setdefault(409, "CONFLICT")
            if method != "delete":
                responses.setdefault(413, "REQUEST_ENTITY_TOO_LARGE")
            for response in success:
                response.setdefault("headers", {}).update(deepcopy(WRITE_HEADERS))
        else:
            doc["security"] = [{}, {BEARER: []}]  # a token is optional on reads
            responses.setdefault(401, "UNAUTHORIZED")  # a token was given but is not valid
        if info.get("if_match"):
            parameters.append(deepcopy(IF_MATCH))
            responses.setdefault(412, "PRECONDITION_FAILED")
            responses.setdefault(428, "PRECONDITION_REQUIRED")
        if method == "get":
            parameters.append(deepcopy(IF_NONE_MATCH))
            responses.setdefault(304, "NOT_MODIFIED")
            for response in success:
                headers = response.setdefault("headers", {})
                headers.update(deepcopy(READ_HEADERS))
                headers.update(deepcopy(doc_info.get("counterclaim_paginated", {})))
        if not parameters:
            del doc["parameters"]
        return doc

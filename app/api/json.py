"""orjson as Flask's JSON encoder and as the parser of every JSON request body.

Encoding: serialising a page of 50 is over ten times faster than the standard library
(bench/README.md). Same output as Flask's default provider for the same values
(dates as HTTP dates, decimals and UUIDs as strings, dataclasses as objects).

Decoding: the standard library recurses once per nesting level (`[` x 10,000 is a
RecursionError) and builds integers of any size (5,000 digits fail later, in int()
limits or the database) — both were 500s. orjson stops at 1,024 levels, reads numbers
past a double's range, lone surrogates and invalid UTF-8 as errors: every one a
JSONDecodeError, which `JsonBodyParser` answers with a 400 naming the problem.
"""

from __future__ import annotations

import dataclasses
import decimal
import uuid
from datetime import date
from typing import Any

import orjson
from flask import Request, current_app
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema
from webargs import core
from webargs.flaskparser import FlaskParser, abort
from werkzeug.http import http_date

_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_DATETIME)


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, date):  # as Flask's default provider does
        return http_date(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        options = _OPTIONS
        if kwargs.pop("indent", None):
            options |= orjson.OPT_INDENT_2
        if kwargs.pop("sort_keys", False):
            options |= orjson.OPT_SORT_KEYS
        kwargs.pop("separators", None)
        kwargs.pop("ensure_ascii", None)
        kwargs.pop("default", None)
        if kwargs:  # anything orjson cannot honour: the standard library does it
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=_default, option=options).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:  # options only the standard library knows
            return super().loads(s, **kwargs)
        return orjson.loads(s)


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies with the app's provider (orjson) rather
    than webargs' own `json.loads`, so a body that cannot be read is a 400, never a 500.
    A schema given as a class (`@blp.arguments(FeedQuery, ...)`) is made once, not for
    every request: loading keeps no state in the schema."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[Schema], Schema] = {}

    def _get_schema(self, argmap: Any, req: Request) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def load_json(self, req: Request, schema: Schema) -> Any:
        if not core.is_json(req.mimetype):
            return core.missing
        data = req.get_data(cache=True)
        if not data:  # no body at all: the schema decides whether one was required
            return core.missing
        try:
            return current_app.json.loads(data)
        except ValueError as exc:  # orjson.JSONDecodeError is one
            abort(400, exc=exc, code="invalid_json",
                  message=f"The request body is not valid JSON: {exc}.",
                  messages={"json": [str(exc)]})

"""What the OpenAPI document says beyond apispec's own reading of the schemas.

Most rules reach the document by themselves: apispec copies each field's validators
(lengths, ranges, a Regexp's pattern), its metadata (the `pattern` of every Text, the
`format: uri` of a Url — app/schemas/common.py) and `additionalProperties: false` for
schemas that refuse unknown fields. What it cannot see is a rule between fields: a
link's scope decides whether it names a quote, an evidence item names a claim or a
document. A schema states such a rule as `OPENAPI_SHAPES`, the `oneOf` alternatives
an input takes (OpenAPI 3.0 has no `if`/`then`); the converter here writes them into
the schema's component. The service holds the same rule, and the tests hold the two
to each other.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from apispec.ext.marshmallow.openapi import OpenAPIConverter


class Converter(OpenAPIConverter):
    def schema2jsonschema(self, schema: Any) -> dict:
        jsonschema = super().schema2jsonschema(schema)
        cls = resolve_schema_cls(schema)
        shapes = getattr(cls[0] if isinstance(cls, list) else cls, "OPENAPI_SHAPES", None)
        properties = set(jsonschema.get("properties", {}))
        # Only where the schema has every field a shape names: a PATCH schema without
        # the scope fields (LinkPatch) takes no shape.
        if shapes and all(set(shape.get("properties", {})) <= properties for shape in shapes):
            jsonschema["oneOf"] = deepcopy(shapes)
        return jsonschema


class Plugin(MarshmallowPlugin):
    Converter = Converter

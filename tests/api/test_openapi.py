"""The OpenAPI document states the rules the server enforces, so a client built from it
does not send what gets a 422: unknown properties refused, the character rules of text,
URLs, date-times, enums, ranges, and the rules between fields (a link's scope, an
evidence item's target). Each rule is checked both ways: what the document says of a
value (read by an ECMAScript-regex JSON Schema validator, as clients read it) is what
the server does with it over HTTP."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from app.models import LinkType
from app.models.base import SLUG_PATTERN, URL_PATTERN
from app.schemas.common import LINE_PATTERN, TEXT_PATTERN
from app.services import verdicts
from tests.api.conftest import World

# --- the document, as a JSON Schema validator reads it ---------------------------------


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` in JSON Schema terms (the rest is shared)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def says_valid(spec: dict, component: str, instance: Any) -> bool:
    schema = {"$ref": f"#/components/schemas/{component}",
              "components": _json_schema(spec["components"])}
    return jsonschema_rs.Draft4Validator(schema, validate_formats=True).is_valid(instance)


def request_components(spec: dict) -> set[str]:
    """Every component a request body uses, nested ones included."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    walk(spec["components"]["schemas"][name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "requestBody" in op:
                walk(op["requestBody"])
    return found


def string_properties(schema: dict):
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "string" and not prop.get("readOnly"):
            yield name, prop
        elif (prop.get("type") == "array" and prop["items"].get("type") == "string"
              and not prop.get("readOnly")):
            yield name, prop["items"]


# --- what the document says ------------------------------------------------------------


def test_every_input_refuses_unknown_properties(spec):
    inputs = request_components(spec)
    assert {"Event", "Link", "Evidence", "Claim", "DisputeClaim", "QuoteFields"} <= inputs
    for name in inputs:
        assert spec["components"]["schemas"][name].get("additionalProperties") is False, name


def test_every_string_a_client_sends_has_a_rule(spec):
    """No input string is left as "any text": each has the character rule of its kind, an
    enum, or a date format (the server refuses the rest)."""
    parameters = [p["schema"] for item in spec["paths"].values() for op in item.values()
                  if isinstance(op, dict) for p in op.get("parameters", [])
                  if p["in"] == "query"]
    bodies = [prop for name in request_components(spec)
              for _, prop in string_properties(spec["components"]["schemas"][name])]
    strings = [s for s in parameters + bodies if s.get("type") == "string"]
    assert len(strings) > 60
    for schema in strings:
        assert (schema.get("pattern") or schema.get("enum")
                or schema.get("format") in ("date", "date-time")), schema


def test_the_rules_of_each_kind_of_field(spec):
    schemas = spec["components"]["schemas"]
    event = schemas["Event"]["properties"]
    assert event["title"]["pattern"] == LINE_PATTERN
    assert event["summary"]["pattern"] == TEXT_PATTERN
    assert event["slug"]["pattern"] == SLUG_PATTERN
    assert event["date_precision"] == {"type": "string", "default": "day",
                                       "enum": ["day", "month", "approximate"]}
    assert event["occurred_on"]["format"] == "date"
    url = schemas["Document"]["properties"]["url"]
    assert (url["format"], url["pattern"], url["maxLength"]) == ("uri", URL_PATTERN, 2000)
    stated = schemas["Claim"]["properties"]["stated_at"]
    assert stated["format"] == "date-time" and stated["pattern"].startswith("^(?!0000")
    rating = schemas["VerdictDraft"]["properties"]["rating_value"]
    assert (rating["type"], rating["minimum"], rating["maximum"]) == ("integer", 1, 5)
    per_page = next(p for p in spec["paths"]["/api/v1/events"]["get"]["parameters"]
                    if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 100
    if_match = next(p for p in spec["paths"]["/api/v1/events/{record_id}"]["patch"]
                    ["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] and if_match["schema"]["minLength"] == 1


def test_the_rules_between_fields_are_one_of_shapes(spec):
    schemas = spec["components"]["schemas"]
    link = schemas["Link"]["oneOf"]
    assert [shape["properties"]["scope"]["enum"] for shape in link] == [["claim"], ["quote"]]
    assert "scope_quote_id" in link[1]["required"]
    assert "oneOf" not in schemas["LinkPatch"]  # only type and note change
    assert [shape["required"] for shape in schemas["Evidence"]["oneOf"]] == [
        ["claim_id"], ["document_id"]]


# --- what the server does with what the document says ------------------------------------


URLS = [
    "https://www.cnn.com/2022/01/28/politics/biden-zelensky-call/index.html",
    "HTTP://EXAMPLE.ORG/X?q=a/b?c#f", "https://de.wikipedia.org/wiki/Au%C3%9Fenministerium",
    "http://127.0.0.1:8080/x", "https://xn--bcher-kva.de/", "https://example.org.",
    "https://bücher.de/", "https://de.wikipedia.org/wiki/Außenministerium",
    "https://user:secret@example.org/", "http://localhost/", "ftp://example.org/",
    "https://example.org/a b", "https://example.org/a|b", "https://example.org/%zz",
    "https://example.org\n", "https://example.org/#a#b", "https://example", "example.org",
    "",
]


def test_the_document_and_the_server_agree_on_urls(client, journalist, spec):
    for i, url in enumerate(URLS):
        body = {"slug": f"source-{i}", "name": "A source", "kind": "outlet", "url": url}
        response = client.post("/api/v1/sources", json=body, headers=journalist.headers)
        assert response.status_code in (201, 422), response.get_json()
        accepted = response.status_code == 201
        assert says_valid(spec, "Source", body) is accepted, url
        if not accepted:
            assert set(response.get_json()["error"]["fields"]) == {"url"}, url
    assert sum(says_valid(spec, "Source", {"slug": "s", "name": "n", "kind": "outlet",
                                           "url": url}) for url in URLS) == 6


TEXTS = ["Plain", "Ünïcödé — “quoted”", "two\nlines", "tab\there", "carriage\rreturn",
         "nul\x00", "bell\x07", "vertical\x0btab", "delete\x7f", "escape\x1b[0m", ""]


def test_the_document_and_the_server_agree_on_text(client, journalist, spec):
    for i, text in enumerate(TEXTS):
        body = {"slug": f"event-{i}", "title": text or "Title", "summary": text}
        if text:
            body["title"] = text
        response = client.post("/api/v1/events", json=body, headers=journalist.headers)
        assert response.status_code in (201, 422), response.get_json()
        assert says_valid(spec, "Event", body) is (response.status_code == 201), repr(text)


DATETIMES = ["2022-01-27T21:00:00Z", "2022-01-27t21:00:00z", "2022-01-27T21:00:00.123456+02:00",
             "0001-01-02T00:00:00+23:59", "0001-01-01T00:00:00+00:01", "0000-06-01T00:00:00Z",
             "9999-12-31T23:59:59-23:59", "2022-01-27T23:59:60Z", "2022-02-30T00:00:00Z"]


def test_the_document_and_the_server_agree_on_datetimes(client, journalist, spec):
    """For every RFC 3339 date-time (the server also reads a few other ISO forms)."""
    for value in DATETIMES:
        body = {"title": "A report", "published_at": value}
        response = client.post("/api/v1/documents", json=body, headers=journalist.headers)
        assert response.status_code in (201, 422), response.get_json()
        assert says_valid(spec, "Document", body) is (response.status_code == 201), value


def test_the_document_and_the_server_agree_on_the_link_scope(client, world: World, journalist,
                                                            spec):
    quote = client.get(f"/api/v1/quotes?claim_id={world.claim_ids[0]}").get_json()[0]["id"]
    cases = [{}, {"scope": "claim"}, {"scope": "claim", "scope_quote_id": None},
             {"scope": "claim", "scope_quote_id": quote}, {"scope": "quote"},
             {"scope": "quote", "scope_quote_id": None},
             {"scope": "quote", "scope_quote_id": quote}, {"scope_quote_id": quote}]
    outcomes = []
    for case, link_type in zip(cases, list(LinkType), strict=False):
        body = {"from_claim_id": world.claim_ids[1], "to_claim_id": world.claim_ids[0],
                "type": link_type.value, **case}
        response = client.post("/api/v1/links", json=body, headers=journalist.headers)
        assert response.status_code in (201, 422), response.get_json()
        accepted = response.status_code == 201
        assert says_valid(spec, "Link", body) is accepted, case
        outcomes.append(accepted)
    assert outcomes == [True, True, True, False, False, False, True, False]


def test_the_document_and_the_server_agree_on_evidence(client, world: World, journalist, spec):
    draft = verdicts.draft_verdict(world.claim_ids[0], 2, "Misleading.", actor=journalist.user)
    url = f"/api/v1/verdicts/{draft.id}"
    claim, document = world.claim_ids[1], world.document_id
    cases = [{"claim_id": claim}, {"document_id": document},
             {"claim_id": claim, "document_id": None}, {"claim_id": None, "document_id": None},
             {"claim_id": claim, "document_id": document}, {}]
    outcomes = []
    for case in cases:
        body = {"evidence": [{"stance": "refutes", **case}]}
        response = client.patch(url, json=body, headers={**journalist.headers, "If-Match": "*"})
        assert response.status_code in (200, 422), response.get_json()
        accepted = response.status_code == 200
        assert says_valid(spec, "VerdictDraftPatch", body) is accepted, case
        outcomes.append(accepted)
    assert outcomes == [True, True, True, False, False, False]

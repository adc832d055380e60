"""Schemathesis over the whole OpenAPI document, in-process against the WSGI app, with a
journalist's and an editor's token: no server error, and every response — status,
content type, headers and body — conforms to the document.

Bounded and repeatable: MAX_EXAMPLES generated cases per operation (all modes), plus
schemathesis's coverage phase over valid inputs (boundary values: longest strings,
largest ids...), derandomized, no example database. The cases alternate between the
two tokens. Path ids are folded onto the few records of the sample, and If-Match is
`*` half of the time, so writes reach the services instead of stopping at 404 or 412.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis

from app.services import verdicts
from tests.api.conftest import World

MAX_EXAMPLES = 20

CONFIG = schemathesis.Config.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}, "coverage": {"generation": {"mode": "positive"}}},
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
})
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance")


@pytest.fixture
def sample(world: World, journalist, editor):
    """The world of conftest plus a published verdict and a draft, and both tokens."""
    published = verdicts.draft_verdict(world.claim_ids[0], 2, "Misleading.",
                                       [{"claim_id": world.claim_ids[1],
                                         "stance": "refutes"}], actor=journalist.user)
    verdicts.publish(published, actor=editor.user)
    verdicts.draft_verdict(world.claim_ids[1], 4, "Mostly accurate.", actor=journalist.user)
    return {"journalist": journalist.headers, "editor": editor.headers}


@pytest.fixture
def api_schema(app, sample):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")
_checks = None


def checks():
    global _checks
    if _checks is None:
        from schemathesis import checks as available

        _checks = [getattr(available, name, None) or _openapi_check(name) for name in CHECKS]
    return _checks


def _openapi_check(name):
    from schemathesis.openapi import checks as openapi_checks

    return getattr(openapi_checks, name)


_sent = itertools.count()


@schema.parametrize()
def test_the_whole_api(case, sample):
    n = next(_sent)
    record_id = (case.path_parameters or {}).get("record_id")
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        case.path_parameters["record_id"] = 1 + record_id % 4
    if case.headers and "If-Match" in case.headers and n % 2:
        case.headers["If-Match"] = "*"
    token = sample["journalist"] if n % 4 < 2 else sample["editor"]
    case.call_and_validate(headers=token, checks=checks())

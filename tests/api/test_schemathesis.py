"""Schemathesis over the whole OpenAPI document, in-process against the WSGI app, with a
journalist's and an editor's token: no server error; every response — status, content
type, headers and body — conforms to the document; a request the document says is valid
is accepted, and one it says is invalid is refused.

Bounded and repeatable: MAX_EXAMPLES generated cases per operation (valid and invalid
ones), plus schemathesis's coverage phase over valid inputs (boundary values: longest
strings, largest ids...), derandomized, no example database. The cases alternate between
the two tokens. Path ids of valid cases are folded onto the few records of the sample,
and If-Match is `*` half of the time, so writes reach the services instead of stopping
at 404 or 412.

What counts as accepting valid data: 2xx/3xx, or what the state of the database
explains — 401/403 (the token's role), 404 (no such record), 409 (a conflict or a
transition the record's state forbids), 410 (the ClaimReview of a verdict withdrawn
meanwhile), 412 (a stale If-Match), 502/504 (a capture whose remote site failed or timed
out: this machine has no outside network) — and the 422s of
`STATE_RULES`: a referenced record that does not exist, or a rule between values that
JSON Schema cannot state and the document says in words. Any other 422 to a valid
request is a finding: the document or the server is wrong.
"""

from __future__ import annotations

import itertools
import re

import pytest
import schemathesis

from app.services import verdicts
from tests.api.conftest import World

MAX_EXAMPLES = 20

CONFIG = schemathesis.Config.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}, "coverage": {"generation": {"mode": "positive"}}},
    "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "410", "412", "502",
                              "504"]}},
})
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance",
          "negative_data_rejection")

# 422s to valid requests that the database's state, or a rule JSON Schema cannot state
# (each is in the document's descriptions), explains; by the message on the field.
STATE_RULES = re.compile("|".join([
    r"\w+ \d+ does not exist\.",  # a referenced record that is not there
    r"quote \d+ is not part of claim \d+",  # a link's quote belongs to its target claim
    r"would make a cycle",  # a source's chain of affiliations
    r"invalid cursor",  # an opaque cursor the API did not hand out
    r"Not a cursor this API handed out\.",  # the same, as said now
    r"same as the claim",  # a claim repeating itself
    r"same as name",  # an alias that is the name itself
    r"no URL to capture",  # a capture of a document logged without a URL
    r"same as from_claim_id",  # a link from a claim to itself
    r"listed twice",  # a claim's appearances name each document once
]))


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
        _checks.append(valid_data_is_accepted)
    return _checks


def refused_for_state(response) -> bool:
    """A service's 422 whose every message is one of STATE_RULES."""
    if response.status_code != 422:
        return False
    error = response.json()["error"]
    messages = [m for ms in error["fields"].values() for m in ms]
    return (error["code"] == "validation_error" and bool(messages)
            and all(STATE_RULES.fullmatch(m) for m in messages))


def valid_data_is_accepted(ctx, response, case):
    """schemathesis's positive_data_acceptance, but for STATE_RULES 422s."""
    from schemathesis import checks as available

    if refused_for_state(response):
        return None
    return available.positive_data_acceptance(ctx, response, case)


def _openapi_check(name):
    from schemathesis.openapi import checks as openapi_checks

    return getattr(openapi_checks, name)


_sent = itertools.count()


def _negated(case, location: str) -> bool:
    """Whether schemathesis made this part of the case invalid on purpose."""
    info = (case.meta.components if case.meta else {}).get(location)
    return info is not None and info.mode.is_negative


@schema.parametrize()
def test_the_whole_api(case, sample):
    n = next(_sent)
    # Help valid cases past 404 and 412 — never an invalid part, which would make the
    # request valid behind schemathesis's back (then "invalid data accepted" is ours).
    record_id = (case.path_parameters or {}).get("record_id")
    if (isinstance(record_id, int) and not isinstance(record_id, bool)
            and not _negated(case, "path")):
        case.path_parameters["record_id"] = 1 + record_id % 4
    headers_negated = _negated(case, "header")
    if case.headers and "If-Match" in case.headers and n % 2 and not headers_negated:
        case.headers["If-Match"] = "*"
    # A case whose headers are invalid (one left out, say) goes without our token too.
    token = {} if headers_negated else (
        sample["journalist"] if n % 4 < 2 else sample["editor"])
    case.call_and_validate(headers=token, checks=checks())

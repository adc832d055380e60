"""The ClaimReview read back as linked data, the way a search engine or a fact-check
aggregator reads it: expanded by a JSON-LD processor (PyLD) against schema.org's
context — a local excerpt of it (tests/data/schemaorg-context.jsonld, term for term as
schema.org defines them), served by a document loader, so no network is needed. A term
the context does not define is dropped by expansion, and the test fails on it; each
property must also be one schema.org gives the type it is used on (ALLOWED, from the
schema.org pages of ClaimReview, Claim, Rating, CreativeWork, Organization and Person,
inherited properties included) and hold the kind of value schema.org expects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from pyld import jsonld

from app.extensions import db
from app.models import Claim, Document, Verdict
from app.services import documents as document_service
from tests.web.conftest import claim_where

SCHEMA = "https://schema.org/"
CONTEXT = json.loads((Path(__file__).parent.parent / "data" / "schemaorg-context.jsonld")
                     .read_text())

# The properties schema.org lists for each type we emit (its own and inherited ones),
# restricted to those this test may meet, and what each must hold.
THING = {"name", "alternateName", "description", "url"}
CREATIVE_WORK = THING | {"author", "datePublished", "dateModified", "headline",
                         "inLanguage", "publisher"}
ALLOWED = {
    "ClaimReview": CREATIVE_WORK | {"claimReviewed", "itemReviewed", "reviewRating"},
    "Claim": CREATIVE_WORK | {"appearance", "firstAppearance"},
    "Rating": THING | {"ratingValue", "bestRating", "worstRating", "ratingExplanation",
                       "author"},
    "CreativeWork": CREATIVE_WORK,
    "Organization": THING,
    "Person": THING,
}
# property -> the types its value may have (schema.org's "expected type")
NODE_RANGES = {
    "author": {"Organization", "Person"},
    "publisher": {"Organization", "Person"},
    "itemReviewed": {"Claim"},
    "reviewRating": {"Rating"},
    "appearance": {"CreativeWork"},
    "firstAppearance": {"CreativeWork"},
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$")


def _local_schemaorg(url: str, options=None) -> dict:
    """The document loader: schema.org's context from the local file, nothing else."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the ClaimReview made the processor load {url}")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def expand(document: dict) -> dict:
    """The one node of `document`, expanded; fails on any term schema.org's context
    does not define."""
    dropped: list = []
    expanded = jsonld.expand(document, {"documentLoader": _local_schemaorg},
                             on_property_dropped=dropped.append)
    assert dropped == [], f"not schema.org terms: {dropped}"
    [node] = expanded
    return node


def check_node(node: dict, path: str = "ClaimReview") -> str:
    """Check one expanded node, then its children: a schema.org type, properties that
    schema.org gives that type, values of the expected kind. Returns its type."""
    [type_iri] = node["@type"]
    assert type_iri.startswith(SCHEMA), (path, type_iri)
    kind = type_iri.removeprefix(SCHEMA)
    assert kind in ALLOWED, (path, kind)
    for iri, values in node.items():
        if iri == "@type":
            continue
        assert iri.startswith(SCHEMA), (path, iri)
        name = iri.removeprefix(SCHEMA)
        assert name in ALLOWED[kind], f"{path}.{name} is not a property of {kind}"
        for value in values:
            where = f"{path}.{name}"
            if name in NODE_RANGES:
                assert check_node(value, where) in NODE_RANGES[name], where
            elif name == "url":
                assert set(value) == {"@id"} and value["@id"].startswith(("http://",
                                                                          "https://")), where
            elif name in ("datePublished", "dateModified"):
                assert value["@type"] == SCHEMA + "Date" and DATE.match(value["@value"]), where
            elif name in ("ratingValue", "bestRating", "worstRating"):
                assert isinstance(value["@value"], int), where
            else:
                assert isinstance(value["@value"], str) and value["@value"].strip(), where
    return kind


def one(node: dict, name: str):
    [value] = node[SCHEMA + name]
    return value


def text_of(node: dict, name: str) -> str:
    return one(node, name)["@value"]


def review_of(client, claim: Claim) -> dict:
    verdict = db.session.scalars(sa.select(Verdict).where(Verdict.claim_id == claim.id)).one()
    response = client.get(f"/api/v1/verdicts/{verdict.id}/claimreview")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.data)


def test_an_anonymous_sources_account_is_the_outlets_claim(client, seeded):
    # Given CNN's report citing an unnamed Ukrainian source, rated Unsupported after a
    # correction
    claim = claim_where("prepare for")
    review = review_of(client, claim)

    # When it is read as linked data
    node = expand(review)

    # Then every field is schema.org's, on the type schema.org puts it, with its kind
    # of value
    assert check_node(node) == "ClaimReview"
    assert one(node, "url")["@id"] == f"http://localhost/claims/{claim.id}#verdict-" \
        f"{review['url'].rsplit('-', 1)[1]}"
    rating = one(node, "reviewRating")
    assert [text_of(rating, f) for f in ("ratingValue", "bestRating", "worstRating")] == \
        [3, 5, 1]
    assert text_of(rating, "alternateName") == text_of(rating, "name") == "Unsupported"
    assert text_of(node, "datePublished") == "2022-01-29"  # the seed file's date
    # the claim is CNN's: an Organization, never an anonymous "Person"
    item = one(node, "itemReviewed")
    author = one(item, "author")
    assert author["@type"] == [SCHEMA + "Organization"]
    assert text_of(author, "name") == "CNN"
    assert "Person" not in json.dumps(review)
    assert text_of(item, "description").startswith(
        "CNN, citing an unnamed Ukrainian source: Biden warned Zelensky")
    # claimReviewed is cut where a reader stops, not inside a quotation
    assert review["claimReviewed"] == 'Biden warned Zelensky that Kyiv could be "sacked"…'
    # CNN's report has no URL here: the appearance is still a whole CreativeWork
    first = one(item, "firstAppearance")
    assert SCHEMA + "url" not in first
    assert text_of(first, "name").startswith("CNN report on the Biden–Zelensky call")
    assert text_of(one(first, "publisher"), "name") == "CNN"
    assert text_of(first, "datePublished") == "2022-01-27T21:00:00+00:00"


def test_a_quote_an_outlet_printed_is_the_outlets_claim(client, seeded):
    # Given the Daily Mail's "with 1000 troops", attributed to Milley
    claim = claim_where("with 1000 troops")
    node = expand(review_of(client, claim))
    assert check_node(node) == "ClaimReview"
    item = one(node, "itemReviewed")
    # Then the author is the outlet that printed it; the chain says whom it quoted
    assert one(item, "author")["@type"] == [SCHEMA + "Organization"]
    assert text_of(one(item, "author"), "name") == "DailyMail.com"
    assert text_of(item, "description").startswith("DailyMail.com, quoting Gen. Mark Milley: ")
    assert text_of(node, "claimReviewed") == 'Milley said: "Sure, with 1000 troops."'


def test_an_outlets_own_words_with_a_url_are_linked(client, seeded, journalist):
    # Given the Daily Mail's own headline, whose document has a URL
    claim = claim_where("go it alone")
    document = db.session.get(Document, claim.first_appearance_id)
    if not document.url:
        document_service.update_document(
            document, {"url": "https://www.dailymail.co.uk/news/a.html"}, actor=journalist.user)
    node = expand(review_of(client, claim))
    assert check_node(node) == "ClaimReview"
    item = one(node, "itemReviewed")
    assert text_of(one(item, "author"), "name") == "DailyMail.com"
    assert one(one(item, "firstAppearance"), "url")["@id"].startswith("https://")


@pytest.mark.parametrize("term", ["claimReviewd", "ratingValu"])
def test_the_reader_refuses_what_schema_org_does_not_define(client, seeded, term):
    # The check itself can fail: a misspelt term is dropped by expansion
    review = review_of(client, claim_where("prepare for"))
    review[term] = "x"
    with pytest.raises(AssertionError, match="not schema.org terms"):
        expand(review)

"""Sentences readers cannot misread: where a quote's words were found and who puts them
in whose mouth, who carries an account, how the accounts relate, the gist of a verdict.

Templates call these instead of stitching labels together, so that "✓ Verbatim — Joe
Biden" (which reads as "Biden said it, verified") becomes "found in Daily Mail’s stored
text · attributed to Joe Biden by an unnamed Ukrainian source".
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.models import Claim, SourceKind
from app.web.templating import _lower_first, passive, possessive

# Where the words stand against the stored text, by the quote's integrity. `{where}` is
# "Daily Mail’s stored text" or "the stored text of <title>".
FOUND = {
    "verbatim": "found in {where}",
    "altered": "differs from {where}",
    "not_found": "not found in {where}",
    "removed": "no longer in {where}",
    "unchecked": "not checked: no stored text",
}
ICONS = {"verbatim": "✓", "altered": "≠", "not_found": "⚠", "unchecked": "?", "removed": "⌫"}

# A sentence ends at . ! or ? (maybe followed by a closing quote) before a capital.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘(])|(?<=[.!?][”\"’)])\s+(?=[A-Z“\"‘(])")


def stored_text_name(document: Any) -> str:
    """"Daily Mail’s stored text": the publisher's when known, else the document's."""
    if document is None:
        return "the stored text"
    if document.publisher is not None:
        return f"{possessive(document.publisher.name)} stored text"
    return f"the stored text of “{document.title}”"


def quote_found(quote: Any) -> str:
    """Where the words were (or were not) found: "found in Daily Mail’s stored text"."""
    state = quote.integrity.value
    if quote.document is None:
        return FOUND["unchecked"]
    return FOUND[state].format(where=stored_text_name(quote.document))


def _who(source: Any) -> str:
    return _lower_first(source.name) if source.kind is SourceKind.ANONYMOUS else source.name


def quote_attribution(quote: Any, claim: Any = None) -> str:
    """Who attributes the words to whom: "attributed to Joe Biden by an unnamed Ukrainian
    source" (via CNN), or "Emily Horne’s own words" when the speaker is the claimant.
    `claim`: the quote's account when the caller has it (else `quote.claim`)."""
    claim = claim or quote.claim
    speaker = quote.speaker
    if speaker.id == claim.claimant_id:
        words = f"{possessive(speaker.name)} own words"
        if claim.attributions:
            words += f", as {claim.attributions[0].source.name} reports them"
        return words
    by = _who(claim.claimant)
    if claim.claimant.kind is SourceKind.ANONYMOUS and claim.attributions:
        by += f" (via {claim.attributions[0].source.name})"
    return f"attributed to {speaker.name} by {by}"


def carrier(claim: Claim) -> str:
    """Who carries the account in dispute: an account reported by an outlet is the
    outlet's report ("CNN, citing an unnamed Ukrainian source", "CNN, quoting Emily
    Horne"); an account with no chain is the claimant's own."""
    if not claim.attributions:
        return claim.claimant.name
    parts = [claim.attributions[0].source.name]
    for i, link in enumerate(claim.attributions):
        nxt = claim.attributions[i + 1].source if i + 1 < len(claim.attributions) \
            else claim.claimant
        parts.append(f"{link.relation} {_who(nxt)}")
    return ", ".join(parts)


def first_sentences(text: str, count: int = 2, limit: int = 320) -> str:
    """The first `count` sentences of a rationale, cut at a word near `limit`."""
    text = " ".join((text or "").split())
    sentences = _SENTENCE_END.split(text)
    gist = " ".join(sentences[:count])
    if len(gist) > limit:
        gist = gist[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return gist


def relations_of(claim: Claim, links: list[Any], letters: dict[int, str]) -> list[dict]:
    """How an account relates to the others, for its at-a-glance row: each link from it
    ("denies “sacked” in A") and to it ("denied by B, C")."""
    rows = []
    for link in links:
        words = (f"the words “{link.scope_quote.exact}” in "
                 if link.scope.value == "quote" and link.scope_quote else "")
        if link.from_claim_id == claim.id:
            rows.append({"verb": link.type.value, "words": words, "incoming": False,
                         "other": link.to_claim, "letter": letters.get(link.to_claim_id)})
        elif link.to_claim_id == claim.id:
            rows.append({"verb": passive(link.type).lower(), "incoming": True,
                         "words": f"(the words “{link.scope_quote.exact}”)" if words else "",
                         "other": link.from_claim, "letter": letters.get(link.from_claim_id)})
    return rows


def links_by_end(links: list[Any]) -> dict[str, dict[int, list[Any]]]:
    """The links from and to each account, in the links' order: `["from"][claim_id]`,
    `["to"][claim_id]` (each account's card lists both; one pass, not one per card)."""
    ends: dict[str, dict[int, list[Any]]] = {"from": {}, "to": {}}
    for link in links:
        ends["from"].setdefault(link.from_claim_id, []).append(link)
        ends["to"].setdefault(link.to_claim_id, []).append(link)
    return ends


def reason_text(reason: str, prefix: str) -> str:
    """A reason without a prefix it already starts with ("Withdrawn: Withdrawn: ...")."""
    reason = (reason or "").strip()
    if reason.lower().startswith(prefix.lower()):
        reason = reason[len(prefix):].lstrip(" :—-")
    return reason


def rated_claims(detail: Any) -> list[Claim]:
    """The accounts of a dispute that have a verdict the viewer may see, in page order."""
    return [c for c in detail.claims if detail.verdicts.get(c.id) is not None]


def owner_label(owner: Any) -> str:
    """What a deleted record belonged to, in words: "the dispute “Did Biden...?”"."""
    from app.models import Dispute, Event, Source

    if isinstance(owner, Dispute):
        return f"the dispute “{owner.question}”"
    if isinstance(owner, Claim):
        return f"{possessive(carrier(owner))} account “{_short(owner.statement)}”"
    if isinstance(owner, Event):
        return f"the event “{owner.title}”"
    if isinstance(owner, Source):
        return f"{owner.name} (publisher)"
    return str(owner)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _draft_return(draft: Any) -> str:
    from app.services.drafts import return_url

    return return_url(draft)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(first_sentences=first_sentences, reason_text=reason_text)
    app.jinja_env.globals.update(
        quote_found=quote_found, quote_attribution=quote_attribution, carrier=carrier,
        relations_of=relations_of, links_by_end=links_by_end, QUOTE_ICONS=ICONS,
        stored_text_name=stored_text_name, rated_claims=rated_claims,
        owner_label=owner_label, draft_return=_draft_return,
    )

"""What every template can use: readable labels for the vocabularies, dates, account
names ("CNN, citing an unnamed Ukrainian source"), and the signed-in viewer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, has_request_context, request, url_for
from flask_login import AnonymousUserMixin, current_user
from markupsafe import Markup, escape

from app.models import (
    RATING_SCALE,
    Claim,
    DatePrecision,
    Role,
    SourceKind,
    Verdict,
)
from app.services import lifecycle, policy
from app.services.claimreview import claimreview, has_claimreview, verdict_page_url

LABELS: dict[str, str] = {
    # sourcing levels
    "on_record": "On record",
    "on_background": "On background",
    "anonymous": "Anonymous",
    "documentary": "Documentary",
    # claim kinds
    "attributed_quote": "Attributed quote",
    "factual_assertion": "Factual assertion",
    "numeric_figure": "Numeric figure",
    "characterisation": "Characterisation",
    "denial": "Denial",
    # dispute states
    "open": "Open",
    "contested": "Contested",
    "conceded": "Conceded",
    "corrected": "Corrected",
    "resolved": "Resolved",
    "unresolvable": "Unresolvable",
    # quote integrity
    "verbatim": "Verbatim",
    "altered": "Altered",
    "not_found": "Not found",
    "unchecked": "Unchecked",
    "removed": "Removed",
    # document versions
    "manual": "Pasted by hand",
    "capture": "Captured",
    "first": "First",
    "changed": "Changed",
    "gone": "Gone",
    "back": "Back",
    "same": "Same text",
    # source kinds
    "person": "Person",
    "outlet": "News outlet",
    "organisation": "Organisation",
    "government_body": "Government body",
    "document": "Document",
    # verdict states and stances
    "draft": "Draft",
    "published": "Published",
    "withdrawn": "Withdrawn",
    "supports": "supports",
    "refutes": "refutes",
    # date precision
    "day": "Exact day",
    "month": "Month only",
    "approximate": "Approximate",
}

# What each state or level means, for the hover text and the key on the dispute page.
HINTS: dict[str, str] = {
    "on_record": "Named, speaking on the record.",
    "on_background": "Speaking on condition of not being named, but identified by role.",
    "anonymous": "An unnamed source, as the reporting described it.",
    "documentary": "From a document: a readout, statement, transcript or record.",
    "verbatim": "These words are in the stored text, or differ only as style allows "
                "(brackets, [sic], punctuation, an ellipsis that changes no meaning).",
    "altered": "The words differ from the stored text in a way that matters: see what differs.",
    "not_found": "These words are not in the stored text of the document.",
    "unchecked": "No stored text to check these words against.",
    "removed": "These words were in an earlier version of the document and are no longer "
               "where they were: the source changed them.",
    "open": "Accounts are being gathered.",
    "contested": "The accounts conflict and no side has withdrawn.",
    "conceded": "A side withdrew its account.",
    "corrected": "A publisher corrected its account.",
    "resolved": "The question has an answer the evidence supports.",
    "unresolvable": "The evidence cannot settle the question.",
}


# -- a quote's differences, in plain words (the data: app.services.differences) ----------

# What a change of meaning does, by what it touches and whether words are lost, added or
# changed.
_CONSEQUENCES = {
    "negation": ("the meaning is reversed",) * 3,
    "antonym": ("the meaning is reversed",) * 3,
    "number": ("a figure is lost", "a figure is added", "the figure changes"),
    "name": ("a name is lost", "a name is added", "who or what is named changes"),
    "hedge": ("a qualifier is lost", "a qualifier is added", "a qualifier changes"),
}
_COSMETIC = {"case": "case", "punctuation": "punctuation", "typography": "typography"}
# Sentences shorter than this quote the words; longer ones name the words that matter.
_SHORT_WORDS = 6
_MAX_COSMETIC_SHOWN = 4


def _q(words: str) -> str:
    return f"“{words}”"


def _gist(difference: dict, side: str) -> str:
    """The words of one side, or, when they run long, the meaning-bearing ones."""
    words = difference[side]
    if len(words.split()) <= _SHORT_WORDS or not difference["words"]:
        return _q(words)
    return ", ".join(_q(w) for w in difference["words"])


def _consequence(difference: dict) -> str:
    if not difference["changes_meaning"]:
        return ""
    kind, detail = difference["kind"], difference["detail"]
    if kind == "omission":
        column = 0
    elif kind == "insertion" or detail == "bracket_insertion":
        column = 1
    else:
        column = 2
    return ": " + _CONSEQUENCES[difference["meaning"][0]][column]


def describe_difference(difference: dict) -> str:
    """One difference in plain words: "Editor's clarification [The minister] for “She”",
    "The omission drops “not”: the meaning is reversed"."""
    kind, detail = difference["kind"], difference["detail"]
    quote, text = difference["quote"], difference["text"]
    if kind == "cosmetic":
        sentence = f"{_COSMETIC.get(detail, detail)}: {_q(quote)} for {_q(text)}"
    elif detail == "bracket_replacement":
        sentence = f"editor's clarification {quote} for {_q(text)}"
    elif detail == "bracket_insertion":
        sentence = f"editor's insertion {quote}"
    elif detail == "bracketed_letters":
        sentence = f"letters changed in brackets: {_q(quote)} for {_q(text)}"
    elif detail == "sic":
        sentence = f"[sic] after {_q(text)}: the slip is the original's, kept as it is"
    elif detail == "number_format":
        sentence = f"the same number written another way: {_q(quote)} for {_q(text)}"
    elif kind == "omission" and detail == "ellipsis":
        verb = "drops" if difference["changes_meaning"] else "leaves out"
        sentence = f"the omission {verb} {_gist(difference, 'text')}" if text else (
            "an ellipsis where nothing is left out")
    elif kind == "omission":
        sentence = f"{_gist(difference, 'text')} is left out, with no ellipsis to show it"
    elif kind == "substitution" and detail == "bracket":
        sentence = f"the brackets {quote} replace {_q(text)}, which they do not stand for"
    elif kind == "substitution":
        sentence = f"{_q(quote)} in place of {_q(text)}"
    elif kind == "insertion" and detail == "bracket":
        sentence = f"the editor's words {quote} say something of their own"
    elif kind == "insertion":
        sentence = f"{_gist(difference, 'quote')} is added: the text does not have it"
    else:
        sentence = f"the words come in another order: {_q(quote)} where the text has {_q(text)}"
    sentence += _consequence(difference)
    return sentence[:1].upper() + sentence[1:]


def _rank(difference: dict) -> tuple[int, int]:
    """Meaning-changing first (the most serious first), then other alterations, then
    accepted editing, cosmetic last."""
    from app.services.differences import MEANINGS, alters

    if difference["changes_meaning"]:
        return 0, MEANINGS.index(difference["meaning"][0])
    if alters(difference):
        return 1, 0
    return (3, 0) if difference["kind"] == "cosmetic" else (2, 0)


def differences_shown(quote: Any) -> list[dict[str, Any]]:
    """A quote's differences as its page lists them: each with its sentence and kind,
    meaning-changing ones first; the cosmetic ones together on one last line."""
    found = getattr(quote, "differences", None) or []
    ranked = sorted(found, key=_rank)
    shown = [{"sentence": describe_difference(d), "kind": d["kind"],
              "changes_meaning": d["changes_meaning"], "alters": _rank(d)[0] < 2}
             for d in ranked if d["kind"] != "cosmetic"]
    cosmetic = [d for d in ranked if d["kind"] == "cosmetic"]
    if cosmetic:
        parts = [describe_difference(d)[:1].lower() + describe_difference(d)[1:]
                 for d in cosmetic[:_MAX_COSMETIC_SHOWN]]
        more = len(cosmetic) - _MAX_COSMETIC_SHOWN
        if more > 0:
            parts.append(f"{more} more")
        shown.append({"sentence": "Cosmetic only — " + "; ".join(parts), "kind": "cosmetic",
                      "changes_meaning": False, "alters": False})
    return shown


PASSIVE = {
    "denies": "Denied by", "contradicts": "Contradicted by", "supports": "Supported by",
    "corroborates": "Corroborated by", "corrects": "Corrected by", "retracts": "Retracted by",
    "repeats": "Repeated by", "narrows": "Narrowed by",
}


def passive(value: Any) -> str:
    """"denies" -> "Denied by", for the link as seen from the account it targets."""
    key = getattr(value, "value", value)
    return PASSIVE.get(key, f"{key} by")


def label(value: Any) -> str:
    key = getattr(value, "value", value)
    return LABELS.get(key, str(key).replace("_", " ").capitalize())


def hint(value: Any) -> str:
    return HINTS.get(getattr(value, "value", value), "")


def fmt_datetime(value: datetime | None, precision: Any = None) -> str:
    if value is None:
        return "undated"
    return fmt_date(value, precision) if precision not in (None, DatePrecision.DAY, "day") \
        else value.strftime("%-d %b %Y, %H:%M UTC")


def fmt_date(value: date | datetime | None, precision: Any = DatePrecision.DAY) -> str:
    if value is None:
        return "undated"
    precision = getattr(precision, "value", precision)
    if precision == "month":
        return value.strftime("%B %Y")
    if precision == "approximate":
        return "around " + value.strftime("%B %Y")
    return value.strftime("%-d %B %Y")


def short_date(value: date | datetime | None) -> str:
    """"28 Jan 2022"."""
    return value.strftime("%-d %b %Y") if value is not None else "undated"


def _lower_first(text: str) -> str:
    """"An unnamed source" -> "an unnamed source"; leave acronyms ("US officials") alone."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def account_name(claim: Claim) -> str:
    """Whose account this is, in a few words: the outlet that carried an anonymous
    source, otherwise the claimant."""
    if claim.claimant.kind is SourceKind.ANONYMOUS and claim.attributions:
        return claim.attributions[0].source.name
    return claim.claimant.name


def account_title(claim: Claim) -> str:
    """"CNN, citing an unnamed Ukrainian source"; "Emily Horne"."""
    if claim.claimant.kind is SourceKind.ANONYMOUS and claim.attributions:
        parts = [claim.attributions[0].source.name]
        for i, link in enumerate(claim.attributions):
            nxt = claim.attributions[i + 1].source if i + 1 < len(claim.attributions) \
                else claim.claimant
            name = _lower_first(nxt.name) if nxt.kind is SourceKind.ANONYMOUS else nxt.name
            parts.append(f"{link.relation} {name}")
        return ", ".join(parts)
    return claim.claimant.name


def account_ref(claim: Claim, letters: dict[int, str] | None = None) -> Markup:
    """A link to an account, after its letter on this page when it has one: "<a
    class=letter>B</a> <a href=/claims/7>CNN</a>". (A function, not a macro: a dispute
    page names its accounts dozens of times, and a macro call costs more than this.)"""
    ref = (f'<a href="{escape(url_for_once("web.claim", claim_id=claim.id))}">'
           f"{escape(account_name(claim))}</a>")
    if letters and claim.id in letters:
        letter = escape(letters[claim.id])
        ref = (f'<a class="letter" href="#claim-{escape(claim.id)}" aria-label="account '
               f'{letter}">{letter}</a> {ref}')
    return Markup(ref)


def possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def rating_class(value: int | None) -> str:
    return f"rating-{value}" if value else "rating-none"


def claimreview_for(verdict: Verdict) -> dict | None:
    """The ClaimReview JSON-LD of a published verdict; None for a draft and for a
    withdrawn one (a retracted rating is embedded nowhere), and on every page but the
    verdict's own: a ClaimReview's `url` is the page hosting it, so the claim page alone
    embeds it (a list or dispute page embedding it would claim another page's review)."""
    if verdict is None or not has_claimreview(verdict):
        return None
    if request.endpoint != "web.claim" or \
            (request.view_args or {}).get("claim_id") != verdict.claim_id:
        return None
    return claimreview(verdict, url=verdict_page_url(verdict), base_url=request.url_root)


# An id no row has: a URL built once with it in place of an id is filled in per id (as
# `claimreview.PageUrls` does for feeds).
_MARK = 2147483647


def url_for_once(endpoint: str, **values: Any) -> str:
    """`url_for` for templates, built once per request for the same arguments: a page
    names the same account or document many times (its card, the at-a-glance table, the
    relations, the timeline), and building a URL is most of what naming it costs. A URL
    of one id (`claim_id=7`) is built once per endpoint and filled in for each id."""
    if not has_request_context():
        return url_for(endpoint, **values)
    req = request._get_current_object()  # per request, not per app context
    built = getattr(req, "_urls_built", None)
    if built is None:
        built = req._urls_built = {}
    if len(values) == 1:
        ((name, value),) = values.items()
        if type(value) is int and 0 <= value < _MARK:
            around = built.get((endpoint, name))
            if around is None:
                around = built[endpoint, name] = url_for(
                    endpoint, **{name: _MARK}).split(str(_MARK))
            if len(around) == 2:
                return f"{around[0]}{value}{around[1]}"
    key = (endpoint, *values.items())  # a call site passes its arguments in one order
    try:
        found = built.get(key)
    except TypeError:  # an unhashable value: build it every time
        return url_for(endpoint, **values)
    if found is None:
        found = built[key] = url_for(endpoint, **values)
    return found


def _viewer():
    """The signed-in user, or anonymous even when loading the user fails (an error page
    for a dead database must still render)."""
    try:
        user = current_user._get_current_object()
        _ = user.is_authenticated
        return user
    except Exception:
        return AnonymousUserMixin()


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        label=label, hint=hint, passive=passive, dt=fmt_datetime, date=fmt_date,
        possessive=possessive, rating_class=rating_class, short_date=short_date,
        differences_shown=differences_shown,
    )
    app.jinja_env.globals.update(
        account_name=account_name, account_title=account_title, account_ref=account_ref,
        claimreview_for=claimreview_for, RATING_SCALE=RATING_SCALE, Role=Role,
        url_for=url_for_once,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def viewer_context() -> dict[str, Any]:
        viewer = _viewer()
        user = viewer if viewer.is_authenticated else None

        def can(action: str, record: Any = None) -> bool:
            """What the viewer may do, as the policy says (`can('publish')`,
            `can('delete', claim)`): pages show only the buttons that will work."""
            if action == "delete" and record is not None:
                return policy.allowed(user, lifecycle.delete_action(record))
            return policy.allowed(user, policy.Action(action))

        return {"viewer": viewer, "can": can}

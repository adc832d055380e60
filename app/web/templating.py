"""What every template can use: readable labels for the vocabularies, dates, account
names ("CNN, citing an unnamed Ukrainian source"), and the signed-in viewer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request
from flask_login import AnonymousUserMixin, current_user

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
    "verbatim": "These exact words are in the stored text of the document.",
    "altered": "A close but different passage is in the stored text: see the difference.",
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


def possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def rating_class(value: int | None) -> str:
    return f"rating-{value}" if value else "rating-none"


def claimreview_for(verdict: Verdict) -> dict | None:
    """The ClaimReview JSON-LD of a published verdict; None for a draft and for a
    withdrawn one (a retracted rating is embedded nowhere)."""
    if verdict is None or not has_claimreview(verdict):
        return None
    return claimreview(verdict, url=verdict_page_url(verdict), base_url=request.url_root)


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
    )
    app.jinja_env.globals.update(
        account_name=account_name, account_title=account_title,
        claimreview_for=claimreview_for, RATING_SCALE=RATING_SCALE, Role=Role,
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

"""The small pieces of HTML that pages repeat per account and per quote — badges, a
quote with its checks, an account's chain and when-and-where line — built in Python.

They were Jinja macros; a dispute page calls them a hundred and more times, and a macro
call costs more than the few strings it joins. Each function returns `Markup` and
escapes every value it puts in exactly once (`escape`), as `{{ ... }}` did; the text
they produce is the macros' text to the byte (whitespace included), so pages read as
before. Templates call them as globals: `{{ quote_item(quote) }}`, `{{ rating_badge(v,
'large') }}`. Functions that show controls read `can` from the calling template's
context, as the macros (imported with context) did.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from jinja2 import pass_context
from jinja2.filters import do_truncate
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.web.templating import (
    account_name,
    account_ref,
    account_title,
    differences_shown,
    fmt_datetime,
    hint,
    label,
    passive,
    rating_class,
    short_date,
    url_for_once,
)
from app.web.wording import ICONS, quote_attribution, quote_found, relations_of


def _truncate(context_or_env: Any, text: str, length: int) -> str:
    env = getattr(context_or_env, "environment", context_or_env)
    return do_truncate(env, text, length)


def sourcing_badge(claim: Any) -> Markup:
    level = claim.sourcing_level
    if claim.independent_sources != 1:
        count = f" · {escape(claim.independent_sources)} sources"
    elif level.value in ("anonymous", "on_background"):
        count = " · one source"
    else:
        count = ""
    return Markup(f'<span class="badge sourcing sourcing-{escape(level.value)}" '
                  f'title="{escape(hint(level))}">{escape(label(level))}{count}</span>')


def kind_label(claim: Any) -> Markup:
    return Markup(f'<span class="kind">{escape(label(claim.kind))}</span>')


def rating_badge(verdict: Any, size: str = "") -> Markup:
    size = escape(size)
    if verdict is None:
        return Markup(f'<span class="badge rating rating-none {size}">No verdict yet</span>\n')
    state = verdict.state.value
    if state == "withdrawn":
        return Markup(f'<span class="badge rating rating-withdrawn {size}" title="This '
                      'verdict was withdrawn; see its history for why.">Verdict withdrawn'
                      '</span>\n')
    draft = state == "draft"
    return Markup(
        f'<span class="badge rating {escape(rating_class(verdict.rating_value))} {size}'
        f'{" is-draft" if draft else ""}" title="{escape(verdict.rating.description)}">'
        f'{"Draft: " if draft else ""}{escape(verdict.rating.label)}<span class="scale"> · '
        f'{escape(verdict.rating_value)}/5</span>\n</span>\n')


def verdict_line(verdict: Any, claim: Any) -> Markup:
    notes = ""
    if verdict is not None:
        state = verdict.state.value
        if verdict.current_version > 1 and state != "withdrawn":
            notes = f'<span class="muted">corrected · v{escape(verdict.current_version)}</span>'
        if state == "draft":
            notes += '<span class="muted">not public</span>'
    href = escape(url_for_once("web.claim", claim_id=claim.id))
    return Markup(f'<a class="verdict-line" href="{href}#verdicts">\n'
                  f'  <span class="verdict-label">Verdict</span>\n'
                  f'  {rating_badge(verdict)}\n{notes}</a>')


def integrity_badge(quote: Any) -> Markup:
    """Where the words were found, not a verdict on the speaker: "✓ found in Daily
    Mail’s stored text"."""
    state = quote.integrity
    found = escape(quote_found(quote))
    if quote.document:
        href = escape(url_for_once("web.document", document_id=quote.document.id))
        found = f'<a href="{href}">{found}</a>'
    return Markup(f'<span class="badge integrity integrity-{escape(state.value)}" '
                  f'title="{escape(hint(state))}"><span aria-hidden="true">'
                  f'{escape(ICONS[state.value])} </span>{found}</span>')


@pass_context
def when_where_line(context: Context, claim: Any) -> Markup:
    """When and where, on one line (the dispute page's cards; the claim page has the
    full list)."""
    if claim.stated_at:
        when = (f'<time datetime="{escape(claim.stated_at.isoformat())}">'
                f'{escape(fmt_datetime(claim.stated_at, claim.stated_precision))}</time>')
    else:
        when = "Undated"
    parts = [f'<p class="facts-line small">\n{when}']
    first = claim.first_appearance
    if first:
        parts.append(f' · first in <a href="{_document_url(first)}">'
                     f'{_document_name(context, first, 50)}</a>')
    if claim.appearances:
        parts.append(" · also in ")
        parts.append(", ".join(
            f'<a href="{_document_url(a.document)}">{_document_name(context, a.document, 40)}'
            f'</a>' for a in claim.appearances))
    parts.append("</p>")
    return Markup("".join(parts))


def _document_url(document: Any) -> Markup:
    return escape(url_for_once("web.document", document_id=document.id))


def _document_name(context: Context, document: Any, length: int) -> Markup:
    """The publisher's name, else the title cut to `length`."""
    if document.publisher:
        return escape(document.publisher.name)
    return escape(_truncate(context, document.title, length))


def chain(claim: Any) -> Markup:
    """Outermost carrier first, as the model documents it: "CNN, citing <claimant>"."""
    if not claim.attributions:
        return Markup("")
    links = "".join(
        f'<a href="{escape(url_for_once("web.source", source_id=a.source.id))}">'
        f'{escape(a.source.name)}</a>, <span class="relation">{escape(a.relation)}</span> '
        for a in claim.attributions)
    claimant = claim.claimant
    return Markup(
        f'<p class="chain"><span class="chain-label">Via</span>\n{links}'
        f'  <a href="{escape(url_for_once("web.source", source_id=claimant.id))}">'
        f'{escape(claimant.name)}</a>\n</p>\n')


def scope_words(link: Any) -> Markup:
    if link.scope.value == "quote" and link.scope_quote:
        return Markup(f"the words “{escape(link.scope_quote.exact)}” in")
    return Markup("")


def relation_sentence(link: Any, letters: dict[int, str]) -> Markup:
    """"A denies the words “…” in B’s account": a link in words, each end named."""
    kind = escape(link.type.value)
    return Markup(f'{account_ref(link.from_claim, letters)}\n<span class="rel rel-{kind}">'
                  f'{kind}</span>\n{scope_words(link)} {account_ref(link.to_claim, letters)}'
                  f'{"’s account" if link.scope.value == "claim" else ""}')


def card_relations(incoming: list[Any], outgoing: list[Any], letters: dict[int, str]) -> Markup:
    """An account card's links, from it then to it, as the card lists them (indented as
    in disputes/show.html)."""
    items = []
    for link in outgoing:
        kind = link.type.value
        items.append(f'        <li><span class="rel rel-{escape(kind)}">'
                     f'{escape(kind.capitalize())}</span> {scope_words(link)} '
                     f'{account_ref(link.to_claim, letters)}</li>\n')
    for link in incoming:
        words = (f' <span class="muted">(the words “{escape(link.scope_quote.exact)}”)</span>'
                 if link.scope.value == "quote" and link.scope_quote else "")
        items.append(f'        <li><span class="rel rel-{escape(link.type.value)}">'
                     f'{escape(passive(link.type))}</span> '
                     f'{account_ref(link.from_claim, letters)}{words}</li>\n')
    return Markup(f'      <ul class="card-relations">\n{"".join(items)}      </ul>\n')


def relations_cell(claim: Any, links: list[Any], letters: dict[int, str]) -> Markup:
    """How an account relates to the others, in its at-a-glance row."""
    relations = relations_of(claim, links, letters)
    if not relations:
        return Markup('<span class="muted">—</span>')
    items = []
    for r in relations:
        verb, words, letter = r["verb"], r["words"], r["letter"]
        if letter:
            other = (f'<a class="letter" href="#claim-{escape(r["other"].id)}" aria-label='
                     f'"account {escape(letter)}">{escape(letter)}</a>')
        else:
            other = escape(account_name(r["other"]))
        before = "" if r["incoming"] else escape(words)
        after = f" {escape(words)}" if r["incoming"] and words else ""
        items.append(f'<span class="relation-item"><span class="rel rel-{escape(verb.split()[0])}">'
                     f'{escape(verb)}</span> {before}{other}{after}</span>')
    return Markup("; ".join(items))


@pass_context
def quote_item(context: Context, quote: Any, show_claim: bool = False,
               show_document: bool = True) -> Markup:
    """A quote with where its words were found, who attributes them, what differs, and
    (for staff) its controls."""
    parts = [
        f'<li class="quote" id="quote-{escape(quote.id)}">\n'
        f'  <q class="words words-{escape(quote.integrity.value)}">{escape(quote.exact)}</q>\n'
        f'  <div class="quote-meta">\n'
        f'    {integrity_badge(quote)}\n'
        f'    <span class="attribution">{escape(quote_attribution(quote))}</span>\n'
    ]
    document = quote.document
    if document and show_document and not document.publisher:
        parts.append(f'<span class="muted">in <a href="{_document_url(document)}">'
                     f'{escape(_truncate(context, document.title, 60))}</a></span>')
    can = context["can"]
    if can("log"):
        href = escape(url_for_once("web.edit_quote", quote_id=quote.id))
        parts.append(f'<span class="edit"><a href="{href}">edit<span class="visually-hidden">'
                     f' quote</span></a>')
        if can("delete", quote):
            href = escape(url_for_once("web.delete_record", kind="quotes", record_id=quote.id))
            parts.append(f' · <a href="{href}">delete<span class="visually-hidden"> quote'
                         f'</span></a>')
        parts.append("</span>")
    parts.append(f"  </div>\n  {_source_change(quote)}\n  {_differences_view(quote)}\n"
                 f"  {_diff_view(quote)}\n")
    if show_claim:
        title = account_title(quote.claim)
        href = escape(url_for_once("web.claim", claim_id=quote.claim.id))
        parts.append(f'<p class="muted small">In <a href="{href}">{escape(title)}</a></p>')
    parts.append("</li>")
    return Markup("".join(parts))


def _source_change(quote: Any) -> str:
    """When the source itself changed the quoted words: who, when, and both versions."""
    v = quote.changed_in
    state = quote.integrity.value
    if not (v and quote.last_seen_version and state in ("removed", "altered")):
        return ""
    both = escape(url_for_once("web.document_version", document_id=quote.document_id,
                               number=v.number, against=quote.last_seen_version))
    when = (f'<time datetime="{escape(v.captured_at.isoformat())}">'
            f"{escape(short_date(v.captured_at))}</time>:")
    if v.kind.value == "capture":
        publisher = quote.document.publisher
        who = escape(publisher.name if publisher else "The publisher")
        said = f"{who} changed this report on {when}"
    else:
        said = f"The stored passage was replaced by hand on {when}"
    exact = escape(quote.exact)
    words = (f" the words “{exact}” no longer appear" if state == "removed"
             else f" the words “{exact}” now read differently")
    return (f'<p class="source-change" role="note">{said}{words} — <a href="{both}">see '
            f"both versions</a> (versions {escape(quote.last_seen_version)} and "
            f"{escape(v.number)}).</p>\n")


def _differences_view(quote: Any) -> str:
    shown = differences_shown(quote)
    if not shown:
        return ""
    items = []
    for d in shown:
        mark = (" changes-meaning" if d["changes_meaning"] else " alters" if d["alters"]
                else "")
        said = ('<span class="visually-hidden">Changes the meaning: </span>'
                if d["changes_meaning"] else "")
        items.append(f'<li class="difference difference-{escape(d["kind"])}{mark}">{said}'
                     f'{escape(d["sentence"])}</li>\n')
    return ('<ul class="differences" aria-label="What differs from the stored text">\n'
            f'{"".join(items)}</ul>\n')


def _op(op: dict, key: str) -> Markup | str:
    """`{{ op.key }}` of a diff operation: empty when missing."""
    return escape(op[key]) if key in op else ""


def _diff_view(quote: Any) -> str:
    if quote.diff:
        quoted, says = [], []
        for op in quote.diff:
            kind = op.get("op")
            if op.get("omission"):
                quoted.append(f'<span class="omission" title="{_op(op, "text")}">[…]</span>')
                says.append(f'<span class="omission">{_op(op, "text")}</span>')
            elif op.get("editorial"):
                quoted.append(f'<span class="editorial">{_op(op, "quote")}</span>')
                if op.get("text"):
                    says.append(f'<span class="editorial">{_op(op, "text")}</span>')
            else:
                if kind in ("replace", "delete"):
                    quoted.append(f"<del>{_op(op, 'quote')}</del>")
                elif kind == "equal":
                    quoted.append(_op(op, "quote"))
                if kind in ("replace", "insert"):
                    says.append(f"<ins>{_op(op, 'text')}</ins>")
                elif kind == "equal":
                    says.append(_op(op, "text"))
            quoted.append(" ")
            says.append(" ")
        return ('<div class="diff" role="group" aria-label="How the quote differs from the '
                'stored text">\n  <p><span class="diff-label">Quoted</span>\n'
                f'{"".join(quoted)}</p>\n  <p><span class="diff-label">Text says</span>\n'
                f'{"".join(says)}</p>\n</div>\n')
    if quote.integrity.value in ("altered", "not_found") and quote.closest_match:
        return (f'<p class="closest"><span class="diff-label">Closest passage</span> '
                f"“{escape(quote.closest_match)}”</p>\n")
    return ""


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        sourcing_badge=sourcing_badge, kind_label=kind_label, rating_badge=rating_badge,
        verdict_line=verdict_line, integrity_badge=integrity_badge,
        when_where_line=when_where_line, chain=chain, scope_words=scope_words,
        quote_item=quote_item, relation_sentence=relation_sentence,
        card_relations=card_relations, relations_cell=relations_cell,
    )

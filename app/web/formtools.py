"""Running a form through a service: choices for the record selects, the service's
field errors put back on the form's fields, and edits made from a stale copy merged
with what others saved meanwhile (`save`; the decisions are `app.services.merge`'s) —
or, where both changed a field, a conflict the user sees and answers, with everything
they typed still in the form."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import flash, render_template, request
from sqlalchemy.orm import joinedload
from wtforms import Field, Form
from wtforms.fields import (
    BooleanField,
    FieldList,
    FormField,
    SelectFieldBase,
    SelectMultipleField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.models import Claim, Document, Event, Revision, RevisionAction, Source
from app.reads import listings
from app.services.errors import DomainError, PermissionDenied, StaleVersion
from app.services.merge import Choice, Merge, canonical_text, changed_since, digest, merge
from app.web.forms import IdMultiSelectField, IdSelectField, VersionedForm
from app.web.templating import account_name, label

T = TypeVar("T")

SOURCE_FIELDS = {"claimant_id", "source_id", "parent_id", "speaker_id", "publisher_id"}
DOCUMENT_FIELDS = {"first_appearance_id", "document_id", "appearances"}
EVENT_FIELDS = {"event_id"}


def leaf_fields(form: Form) -> Iterator[Field]:
    """Every field of a form, inside FieldLists and FormFields too."""
    for item in form:
        yield from _leaves(item)


def _options(model, order, text: Callable[[Any], str]) -> list[tuple[int, str]]:
    return [(row.id, text(row)) for row in db.session.scalars(sa.select(model).order_by(*order))]


def fill_choices(form: Form) -> None:
    """Fill every record select (sources, documents, events) with one query per kind."""
    cache: dict[str, list[tuple[int, str]]] = {}

    def options(kind: str) -> list[tuple[int, str]]:
        if kind not in cache:
            if kind == "sources":
                cache[kind] = _options(Source, (sa.func.lower(Source.name), Source.id),
                                       lambda s: f"{s.name} ({label(s.kind).lower()})")
            elif kind == "documents":
                cache[kind] = _options(
                    Document, (Document.published_at.desc().nulls_last(), Document.id.desc()),
                    lambda d: d.title if len(d.title) <= 90 else d.title[:89] + "…")
            else:
                cache[kind] = _options(Event, (Event.occurred_on.desc().nulls_last(),
                                               Event.id.desc()), lambda e: e.title)
        return cache[kind]

    for field in leaf_fields(form):
        if not isinstance(field, IdSelectField | IdMultiSelectField) or field.choices:
            continue
        name = field.short_name
        if name in SOURCE_FIELDS:
            field.set_choices(options("sources"))
        elif name in DOCUMENT_FIELDS:
            field.set_choices(options("documents"))
        elif name in EVENT_FIELDS:
            field.set_choices(options("events"))


def evidence_choices(claim: Claim) -> list[SelectChoice]:
    """A verdict's possible evidence: the accounts in its claim's dispute, then
    documents, as "claim:ID" / "document:ID"."""
    detail = listings.dispute_page(claim.dispute_id, include_drafts=True)
    choices = [SelectChoice(value="", label="— none —")]
    for i, other in enumerate(detail.claims):
        text = " ".join(other.statement.split())
        choices.append(SelectChoice(
            value=f"claim:{other.id}", optgroup="Accounts in this dispute",
            label=f"{chr(65 + i) if i < 26 else i + 1} · {account_name(other)} — "
                  f"{text[:60]}{'…' if len(text) > 60 else ''}"))
    for doc in db.session.scalars(sa.select(Document).order_by(
            Document.published_at.desc().nulls_last(), Document.id.desc())):
        choices.append(SelectChoice(value=f"document:{doc.id}", optgroup="Documents",
                                    label=doc.title[:90]))
    return choices


def _find_field(form: Form, path: str) -> Field | None:
    """"claims.0.attributions.1.source_id" -> that field of that entry, if it exists."""
    node: Any = form
    for part in path.split("."):
        if isinstance(node, FormField):
            node = node.form
        if isinstance(node, FieldList):
            if not part.isdigit() or int(part) >= len(node.entries):
                return None
            node = node.entries[int(part)]
            continue
        if isinstance(node, Form):
            if part in node._fields:
                node = node._fields[part]
            elif getattr(node, "error_fallback", None) in node._fields:
                node = node._fields[node.error_fallback]
            else:
                return None
            continue
        return None
    if isinstance(node, FormField | FieldList):
        return None
    return node


def put_errors(form: Form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Attach the service's per-field messages to the form's fields; the rest (and the
    message itself, when no field took it) become form-level errors."""
    placed = False
    for path, messages in (exc.fields or {}).items():
        if isinstance(messages, str):
            messages = [messages]
        field = _find_field(form, (aliases or {}).get(path, path))
        if field is None:
            form.form_errors.append(f"{path}: {', '.join(messages)}")
            continue
        field.errors = [*field.errors, *messages]
        placed = True
    if not placed or not exc.fields:
        form.form_errors.append(exc.message)


def attempt(form: Form, operation: Callable[[], T], *,
            aliases: dict[str, str] | None = None) -> T | None:
    """Run a service call for a validated form that creates a record. On a domain error,
    put it on the form (and `form.status`), roll nothing forward, and return None.
    (Edits of a stored record go through `save`, which also merges stale copies.)"""
    try:
        return operation()
    except PermissionDenied:
        raise
    except DomainError as exc:
        form.status = exc.status
        put_errors(form, exc, aliases)
        return None


# -- edits from a stale copy: merged, or the user is asked -------------------------------

EMPTY = "(empty)"
# How many times one save is merged and tried again while the record keeps moving
# under it (between a merge and its write); then the user is shown the conflict.
MERGE_ROUNDS = 2
ANSWER = "resolve-"  # + field name: the user's choice for a field in conflict

# Lists the change log keeps on their own rows rather than on the record's:
# (record's table, form field) -> (the rows' entity type, their key to the parent,
# the parent ids of this record).
LIST_LOGS: dict[tuple[str, str], tuple[str, str, Callable[[Any], list[int]]]] = {
    ("claims", "attributions"): ("claim_attributions", "claim_id", lambda c: [c.id]),
    ("claims", "appearances"): ("claim_appearances", "claim_id", lambda c: [c.id]),
    ("verdicts", "evidence"): ("verdict_evidence", "version_id",
                               lambda v: [version.id for version in v.versions]),
}

F = TypeVar("F", bound=VersionedForm)


def edit_form(form_cls: type[F], record: Any, *,
              content: type[VersionedForm] | None = None, formdata: Any = None) -> F:
    """The form that edits (or confirms a change to) `record`. On first load it is
    filled from the record and remembers what each field of `content` — the form that
    shows what the record holds; by default the form itself — held, for `save` to
    merge against. `formdata`: a form kept half-filled (app/web/drafting.py), shown as
    it was typed, with the version and digests it was loaded with. Fill record selects
    (`fill_choices`) after this."""
    form = form_cls(obj=record) if formdata is None else form_cls(formdata=formdata,
                                                                   obj=record)
    form.content_form = content or form_cls
    if not form.is_submitted() and formdata is None:
        form.fill(record)
        shown = form if form.content_form is form_cls else _snapshot(form.content_form, record)
        form.loaded.data = _encode(_digests(shown))
    return form


@dataclass
class FieldChange:
    """One field someone else changed: its value now, who saved it and when; for a
    conflict also the user's value."""

    name: str
    label: str
    theirs: str
    who: str
    when: datetime | None
    mine: str = ""
    unanswered: bool = False


@dataclass
class MergeReport:
    conflicts: list[FieldChange] = dataclasses.field(default_factory=list)  # both changed: ask
    taken: list[FieldChange] = dataclasses.field(default_factory=list)  # only they did: kept
    changed: list[FieldChange] = dataclasses.field(default_factory=list)  # all they changed


def save(form: VersionedForm, record: Any, operation: Callable[[], T], *,
         confirm: bool = False, choices: Callable[[], dict[str, Any]] | None = None,
         aliases: dict[str, str] | None = None) -> T | None:
    """Run the service call that saves a validated edit `form` of `record`; `operation`
    reads the form when called (it may be called again after a merge).

    From a stale copy the edit is merged (`app.services.merge`): fields only the user
    changed are saved, fields only others changed keep their values, and it is saved
    against the current version — merged again if that moves too. Fields both changed
    are a conflict: nothing is saved; the form shows both values, keeps what the user
    typed, takes the others' values where only they changed, and asks which to keep.
    `confirm` (publish, correct, withdraw, delete) refuses any stale copy and shows what
    changed: the next press, having seen it, goes ahead. `choices` gives the options
    (by field name) of selects the record's side shows that this form has not got.
    Domain errors go on the form; returns None unless saved."""
    pending = _pending(form)
    extra = choices or dict
    merged = False  # with changes saved since the user's copy
    taken: list[FieldChange] = []
    if pending:  # the answers to an earlier conflict
        answers = _answers(pending)
        merged = record.lock_version != form.expected_version
        outcome, report = _merge(form, record, extra, choices=answers, pending=pending)
        if not outcome.clean or (confirm and merged):
            return _ask(form, report, confirm=confirm,
                        unanswered={name for name in pending if name not in answers})
        taken += report.taken
    for round_ in range(MERGE_ROUNDS + 1):
        try:
            saved = operation()
        except PermissionDenied:
            raise
        except StaleVersion:
            db.session.refresh(record)  # what is saved now (the session was rolled back)
            outcome, report = _merge(form, record, extra, choices={}, pending=())
            if confirm or not outcome.clean or round_ == MERGE_ROUNDS:
                return _ask(form, report, confirm=confirm)
            merged = True
            taken += report.taken
            continue
        except DomainError as exc:
            form.status = exc.status
            put_errors(form, exc, aliases)
            if taken:  # the form holds their values now: say so beside the error
                form.form_errors.append(_merged_note(taken, saved=False))
            return None
        if merged:
            flash(_merged_note(taken), "info")
        return saved
    raise AssertionError("unreachable: the last round returns")  # pragma: no cover


def _merge(form: VersionedForm, record: Any, extra: Callable[[], dict[str, Any]], *,
           choices: dict[str, Choice], pending: Collection[str]) -> tuple[Merge, MergeReport]:
    """Merge the form with the stored record; afterwards the form stands on the stored
    version (its lock_version, what it holds, the questions still open)."""
    theirs_form = _snapshot(getattr(form, "content_form", type(form)), record)
    lent = _choices_by_name(form)
    _lend_choices(theirs_form, {**extra(), **lent})
    fill_choices(theirs_form)  # record selects the form itself has not got
    base = _decode(form.loaded.data)
    theirs = _digests(theirs_form)
    outcome = merge(base, _digests(form), theirs, choices=choices, pending=pending)
    changed = changed_since(base, theirs)
    described = [name for name in theirs if name in changed or name in outcome.conflicts]
    authors = _authors(record, described)

    def change(name: str, mine: bool = False) -> FieldChange:
        return FieldChange(name, str(theirs_form[name].label.text), shown(theirs_form[name]),
                           *authors[name], mine=shown(form[name]) if mine else "")

    report = MergeReport(
        conflicts=[change(name, mine=True) for name in outcome.conflicts],
        taken=[change(name) for name in outcome.theirs
               if name in changed and choices.get(name) is not Choice.THEIRS],
        changed=[change(name) for name in changed],
    )
    for name in outcome.theirs:
        _take(form[name], theirs_form[name], lent)
    form.lock_version.data = str(record.lock_version)
    form.loaded.data = _encode(theirs)
    form.pending.data = ",".join(outcome.conflicts)
    return outcome, report


def _ask(form: VersionedForm, report: MergeReport, *, confirm: bool,
         unanswered: Collection[str] = ()) -> None:
    form.status = 409
    form.conflict = True
    form.confirm = confirm
    form.merge = report
    for change in report.conflicts:
        change.unanswered = change.name in unanswered
        target = form[change.name]
        target.errors = [*target.errors,
                         f"{change.who} changed this too: keep yours or use theirs (above)"]
    return None


def _merged_note(taken: list[FieldChange], *, saved: bool = True) -> str:
    if not taken:
        return ("Someone else saved this while you were editing, but none of the fields "
                "you changed: your changes were saved and theirs kept.")
    who = ", ".join(dict.fromkeys(change.who for change in taken))
    fields = ", ".join(dict.fromkeys(change.label for change in taken))
    if not saved:
        return (f"{who} saved changes while you were editing; the form now shows "
                f"theirs, to be kept: {fields}.")
    return (f"Merged: {who} saved changes while you were editing. Your changes were "
            f"saved, and theirs kept: {fields}.")


def _pending(form: VersionedForm) -> list[str]:
    names = (form.pending.data or "").split(",")
    return [name for name in names
            if name in form._fields and name not in form.BOOKKEEPING]


def _answers(pending: Collection[str]) -> dict[str, Choice]:
    answers: dict[str, Choice] = {}
    for name in pending:
        value = request.form.get(ANSWER + name)
        if value in tuple(Choice):
            answers[name] = Choice(value)
    return answers


# -- fields as the form shows them -------------------------------------------------------


def _snapshot(form_cls: type[VersionedForm], record: Any) -> VersionedForm:
    """The stored record as `form_cls` shows it on a first load."""
    form = form_cls(formdata=None, obj=record, meta={"csrf": False})
    form.fill(record)
    return form


def _merged_fields(form: VersionedForm) -> Iterator[Field]:
    for item in form:
        if item.short_name not in form.BOOKKEEPING and not isinstance(item, SubmitField):
            yield item


def _digests(form: VersionedForm) -> dict[str, str]:
    return {item.short_name: digest(field_value(item)) for item in _merged_fields(form)}


def _encode(digests: dict[str, str]) -> str:
    return json.dumps(digests, separators=(",", ":"))


def _decode(text: str | None) -> dict[str, str] | None:
    """What the page says the user loaded; None when it says nothing usable."""
    try:
        value = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return value


def _is_blank(entry: Field) -> bool:
    """A list row the form leaves out (an empty attribution or evidence row)."""
    is_blank = getattr(getattr(entry, "form", None), "is_blank", None)
    return bool(is_blank and is_blank())


def _choice_value(value: Any) -> str:
    return "" if value is None or value == "" else str(getattr(value, "value", value))


def _rendered(item: Field) -> str:
    """The text an input shows for the field's data (not for what was typed)."""
    raw, item.raw_data = item.raw_data, None
    try:
        return item._value() if hasattr(item, "_value") else _choice_value(item.data)
    finally:
        item.raw_data = raw


def field_value(item: Field) -> Any:
    """A field's value as the form would show it, canonical and JSON-able, so that the
    copy loaded, the copy submitted and the stored record compare alike: ids as text,
    enums as their values, times as the input writes them, text with LF line ends and
    stripped, a list without its blank rows."""
    if isinstance(item, FieldList):
        return [field_value(entry) for entry in item if not _is_blank(entry)]
    if isinstance(item, FormField):
        return {sub.short_name: field_value(sub) for sub in item.form}
    if isinstance(item, SelectMultipleField):
        return sorted(_choice_value(value) for value in item.data or ())
    if isinstance(item, SelectFieldBase):
        return _choice_value(item.data)
    if isinstance(item, BooleanField):
        return bool(item.data)
    return canonical_text(_rendered(item))


def shown(item: Field) -> str:
    """A field's value in words, as the user sees it in the form (a choice's label)."""
    return _shown(item) or EMPTY


def _shown(item: Field) -> str:
    if isinstance(item, FieldList):
        return "\n".join(_shown(entry) for entry in item if not _is_blank(entry))
    if isinstance(item, FormField):
        return " · ".join(text for text in map(_shown, item.form) if text)
    if isinstance(item, SelectFieldBase):
        labels = [str(choice.label) for choice in item.iter_choices()
                  if choice.selected and choice.value != ""]
        if labels:
            return ", ".join(labels)
        values = item.data if isinstance(item, SelectMultipleField) else [item.data]
        return ", ".join(_choice_value(v) for v in values or () if _choice_value(v))
    if isinstance(item, BooleanField):
        return "yes" if item.data else ""
    return canonical_text(_rendered(item))


def _leaves(item: Field) -> Iterator[Field]:
    if isinstance(item, FormField):
        yield from leaf_fields(item.form)
    elif isinstance(item, FieldList):
        for entry in item:
            yield from _leaves(entry)
    else:
        yield item


def _choices_by_name(form: Form) -> dict[str, Any]:
    """The options of each select of the form (rows of a list share them)."""
    found: dict[str, Any] = {}
    for leaf in leaf_fields(form):
        if isinstance(leaf, SelectFieldBase) and leaf.choices:
            found.setdefault(leaf.short_name, leaf.choices)
    return found


def _lend_choices(target: Form | Field, choices: dict[str, Any]) -> None:
    leaves = leaf_fields(target) if isinstance(target, Form) else _leaves(target)
    for leaf in leaves:
        if isinstance(leaf, SelectFieldBase) and not leaf.choices and leaf.short_name in choices:
            leaf.choices = choices[leaf.short_name]


def _take(item: Field, theirs: Field, choices: dict[str, Any]) -> None:
    """Put the stored value into the user's field (a list gets their rows)."""
    item.process(None, data=theirs.data)
    item.raw_data = None  # else the input would show what the user had typed
    _lend_choices(item, choices)


# -- who changed what, from the change log ------------------------------------------------


def _authors(record: Any, names: list[str]) -> dict[str, tuple[str, datetime | None]]:
    """For each field, who last changed it and when. A column's change is on the
    record's revisions; a list's on the revisions of its rows."""
    table = record.__tablename__
    found: dict[str, tuple[str, datetime | None]] = {}
    columns = [name for name in names if (table, name) not in LIST_LOGS]
    if columns:
        revisions = db.session.scalars(
            sa.select(Revision)
            .where(Revision.entity_type == table, Revision.entity_id == record.id,
                   Revision.action == RevisionAction.UPDATE)
            .options(joinedload(Revision.actor))
            .order_by(Revision.id.desc())
            .limit(100)
        )
        for revision in revisions:
            for name in columns:
                if name not in found and name in (revision.after or {}):
                    found[name] = (_actor_name(revision), revision.at)
            if len(found) == len(columns):
                break
    for name in names:
        if (table, name) in LIST_LOGS:
            entity, key, parents = LIST_LOGS[(table, name)]
            ids = parents(record)
            revision = db.session.scalars(
                sa.select(Revision)
                .where(Revision.entity_type == entity,
                       sa.or_(Revision.after[key].as_integer().in_(ids),
                              Revision.before[key].as_integer().in_(ids)))
                .options(joinedload(Revision.actor))
                .order_by(Revision.id.desc())
                .limit(1)
            ).first() if ids else None
            if revision is not None:
                found[name] = (_actor_name(revision), revision.at)
    fallback = ("someone else", getattr(record, "updated_at", None))
    return {name: found.get(name, fallback) for name in names}


def _actor_name(revision: Revision) -> str:
    return revision.actor.name if revision.actor else "someone else"


def has_errors(form: Form) -> bool:
    if form.form_errors:
        return True
    for field in form:
        if isinstance(field, FormField):
            if has_errors(field.form):
                return True
        elif isinstance(field, FieldList):
            if any(has_errors(e.form) if isinstance(e, FormField) else e.errors
                   for e in field) or _own_errors(field):
                return True
        elif field.errors:
            return True
    return False


def _own_errors(field: FieldList) -> list[str]:
    """Errors of the list itself (its validators), not of its entries."""
    return [e for e in field.errors if isinstance(e, str)]


def render_form(template: str, form: Form, **context: Any):
    """The form page, with 422 (or the service's status) when it is shown again."""
    status = getattr(form, "status", None)
    if status is None:
        status = 422 if has_errors(form) else 200
    return render_template(template, form=form, **context), status

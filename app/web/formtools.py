"""Running a form through a service: choices for the record selects, the service's
field errors put back on the form's fields, and stale edits turned into a conflict the
user can see and resolve — with everything they typed still in the form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import joinedload
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField

from app.extensions import db
from app.models import Document, Event, Revision, RevisionAction, Source
from app.services.errors import DomainError, PermissionDenied, StaleVersion
from app.web.forms import IdMultiSelectField, IdSelectField
from app.web.templating import label

T = TypeVar("T")

SOURCE_FIELDS = {"claimant_id", "source_id", "parent_id", "speaker_id", "publisher_id"}
DOCUMENT_FIELDS = {"first_appearance_id", "document_id", "appearances"}
EVENT_FIELDS = {"event_id"}


def leaf_fields(form: Form) -> Iterator[Field]:
    """Every field of a form, inside FieldLists and FormFields too."""
    for field in form:
        if isinstance(field, FormField):
            yield from leaf_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field:
                if isinstance(entry, FormField):
                    yield from leaf_fields(entry.form)
                else:
                    yield entry
        else:
            yield field


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


@dataclass
class TheirChange:
    label: str
    theirs: str
    who: str
    when: Any


def _display(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    return str(getattr(value, "value", value))


def their_changes(form: Form, record: Any, since_version: int | None) -> list[TheirChange]:
    """What others changed since the version the user loaded, from the change log:
    each changed field the form shows, with its value now, who changed it and when."""
    if since_version is None or record.lock_version <= since_version:
        return []
    revisions = db.session.scalars(
        sa.select(Revision)
        .where(Revision.entity_type == record.__tablename__, Revision.entity_id == record.id,
               Revision.action == RevisionAction.UPDATE)
        .options(joinedload(Revision.actor))
        .order_by(Revision.id.desc())
        .limit(record.lock_version - since_version)
    ).all()
    fields = {f.short_name: f for f in form}
    changes: dict[str, TheirChange] = {}
    for revision in revisions:  # newest first: keep the latest change of each field
        for key in (revision.after or {}):
            if key in fields and key not in changes and hasattr(record, key):
                changes[key] = TheirChange(
                    str(fields[key].label.text), _display(getattr(record, key)),
                    revision.actor.name if revision.actor else "someone", revision.at)
    return [changes[f] for f in fields if f in changes]


def attempt(form: Form, operation: Callable[[], T], *, record: Any = None,
            aliases: dict[str, str] | None = None) -> T | None:
    """Run a service call for a validated form. On a domain error, put it on the form
    (and `form.status`), roll nothing forward, and return None."""
    try:
        return operation()
    except PermissionDenied:
        raise
    except StaleVersion as exc:
        form.status = 409
        form.conflict = True
        if record is not None:
            db.session.refresh(record)  # what is saved now
            form.their_changes = their_changes(
                form, record, getattr(form, "expected_version", None))
            if hasattr(form, "lock_version"):
                # The next save is a deliberate choice, made having seen their version.
                form.lock_version.data = str(record.lock_version)
        form.form_errors.append(exc.message)
        return None
    except DomainError as exc:
        form.status = exc.status
        put_errors(form, exc, aliases)
        return None


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

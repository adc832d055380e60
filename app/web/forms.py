"""The journalists' and editors' forms (Flask-WTF, so every one carries a CSRF token).

The rules mirror the columns and the services: lengths of the columns, required
fields, closed vocabularies as selects. The services then apply their own rules (a
source cannot belong to itself, a scoped quote must belong to the target claim, ...)
and their ValidationError fields are put back on these fields by `formtools`.
Field names are the services' argument names, so that mapping is direct.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from werkzeug.urls import iri_to_uri
from wtforms import Form
from wtforms.fields import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.digits import whole_number
from app.models import (
    RATING_SCALE,
    Claim,
    ClaimAttribution,
    ClaimKind,
    DatePrecision,
    Dispute,
    DisputeState,
    Document,
    Event,
    Link,
    LinkType,
    Quote,
    Revision,
    Source,
    SourceKind,
    SourcingLevel,
    Stance,
    Verdict,
    VerdictEvidence,
    VerdictVersion,
)
from app.models.base import CONTROL_CHARACTERS, SLUG_PATTERN, URL_PATTERN, max_length
from app.models.known import LANGUAGE_PATTERN
from app.web.templating import label

SLUG = Regexp(SLUG_PATTERN,
              message="lower-case letters, digits and single hyphens only, e.g. biden-call")
WEB_ADDRESS = Regexp(URL_PATTERN, message="not a web address (https://...)")
REQUIRED = "required"
# The slug is jargon: say what it is for, and that it can be left to us.
SLUG_HELP = ("The last part of this page’s web address, e.g. biden-call. Optional: left "
             "blank, it is made from the {what}.")


def fits(attribute) -> Length:
    """The column's own length limit (`app.models.base.max_length`), on the form."""
    limit = max_length(attribute)
    return Length(max=limit, message=f"at most {limit:,} characters")


_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def no_control(value: Any) -> Any:
    """A text filter: a control character (NUL, or a vertical tab pasted from a word
    processor) is the field's error, as in the API; the text stays in the form."""
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def clean(value: Any) -> Any:
    """Every text field's filter: `no_control`, then surrounding spaces go."""
    value = no_control(value)
    return value.strip() if isinstance(value, str) else value


def to_uri(value: Any) -> Any:
    """A pasted address as the URI the API stores: non-ASCII percent-encoded, an
    international host name in its xn-- form (https://bücher.de/ü -> xn--bcher-kva...)."""
    if not isinstance(value, str) or not value:
        return value
    try:
        return iri_to_uri(value)
    except UnicodeError:  # a host IDNA cannot encode: the address check says so
        return value


def slugify(text: str, limit: int = 120) -> str:
    """A readable slug from a title: "Did Biden say 'sacked'?" -> "did-biden-say-sacked"."""
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:limit].rstrip("-")


def to_int(value: Any) -> int:
    """A number a form posts (ids, ratings): ASCII digits only, as in URLs (app/digits.py)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return whole_number(str(value))


def to_id(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return to_int(value)


class WholeNumberField(IntegerField):
    """An IntegerField that reads ASCII digits only (int() would take "٣" for 3)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = whole_number(str(valuelist[0]).strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from exc


class IdSelectField(SelectField):
    """A select of records by id; the blank option means "none"."""

    def __init__(self, label=None, validators=None, blank: str = "— none —", **kwargs):
        super().__init__(label, validators, coerce=to_id,
                         invalid_choice_message="no such record; choose one from the list",
                         **kwargs)
        self.blank = blank

    def set_choices(self, options: list[tuple[int, str]], group: str | None = None) -> None:
        self.choices = [SelectChoice(value="", label=self.blank)] + [
            SelectChoice(value=str(value), label=text, optgroup=group)
            for value, text in options
        ]


class IdMultiSelectField(SelectMultipleField):
    """Several records by id, as a list of checkboxes (no Ctrl-click multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=to_int, **kwargs)

    def set_choices(self, options: list[tuple[int, str]]) -> None:
        self.choices = [SelectChoice(value=str(v), label=text) for v, text in options]


def enum_choices(enum_cls, blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(value=m.value, label=label(m)) for m in enum_cls]
    return ([SelectChoice(value="", label=blank)] if blank else []) + choices


def rating_choices() -> list[SelectChoice]:
    return [SelectChoice(value=str(v), label=f"{v} · {name} — {text}")
            for v, name, text in RATING_SCALE]


def UTCDateTime(label: str, **kwargs: Any) -> DateTimeLocalField:  # noqa: N802
    return DateTimeLocalField(label, validators=[Optional()], tz=UTC,
                              format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                              invalid_value_message="not a date and time (YYYY-MM-DD HH:MM)",
                              **kwargs)


class VersionedForm(FlaskForm):
    """Edits carry the version the user loaded and what each field held then (`loaded`:
    digests, see `app.services.merge`), so a save from a stale copy is merged, never an
    overwrite; `pending` names the fields in conflict that the user has yet to answer.
    `app.web.formtools.edit_form` fills them; `formtools.save` reads them."""

    lock_version = HiddenField()
    loaded = HiddenField()
    pending = HiddenField()

    # Fields that carry the form's own state, not the record's: never merged.
    BOOKKEEPING = frozenset({"csrf_token", "lock_version", "loaded", "pending"})

    def fill(self, record: Any) -> None:
        """Set what `obj=record` cannot (lists kept elsewhere, enums shown as values).
        The same method fills the form a user loads and the stored record's side of a
        merge, so both are compared as the form shows them."""

    @property
    def expected_version(self) -> int | None:
        try:
            return whole_number(str(self.lock_version.data))
        except (TypeError, ValueError):
            return None


# -- signing in -----------------------------------------------------------------------


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)],
                       filters=[clean], render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ActionForm(VersionedForm):
    """A button that changes state (sign out, publish): the CSRF token and the version."""


# -- events, sources, documents -------------------------------------------------------


class EventForm(VersionedForm):
    title = StringField("Title", validators=[DataRequired(REQUIRED), fits(Event.title)],
                        filters=[clean])
    slug = StringField("Web address (slug)", validators=[Optional(), fits(Event.slug), SLUG],
                       filters=[clean], description=SLUG_HELP.format(what="title"))
    occurred_on = DateField("Date", validators=[Optional()],
                            invalid_value_message="not a date (YYYY-MM-DD)")
    date_precision = SelectField("How precise is the date?",
                                 choices=enum_choices(DatePrecision),
                                 default=DatePrecision.DAY.value)
    summary = TextAreaField("Summary", validators=[fits(Event.summary)], filters=[clean],
                            render_kw={"rows": 4})

    def data_for_service(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "slug": self.slug.data or slugify(self.title.data),
            "occurred_on": self.occurred_on.data,
            "date_precision": DatePrecision(self.date_precision.data),
            "summary": self.summary.data or "",
        }


class SourceForm(VersionedForm):
    name = StringField("Name", validators=[DataRequired(REQUIRED), fits(Source.name)],
                       filters=[clean],
                       description="As the reporting names it; for an anonymous source, "
                                   "e.g. “An unnamed Ukrainian source”.")
    slug = StringField("Web address (slug)", validators=[Optional(), fits(Source.slug), SLUG],
                       filters=[clean], description=SLUG_HELP.format(what="name"))
    kind = SelectField("Kind", choices=enum_choices(SourceKind),
                       default=SourceKind.PERSON.value)
    title = StringField("Role or position", validators=[fits(Source.title)], filters=[clean],
                        description="At the time, e.g. “NSC spokeswoman”.")
    description = TextAreaField("Description", validators=[fits(Source.description)],
                                filters=[clean], render_kw={"rows": 3},
                                description="For anonymous sources: the description exactly "
                                            "as reported.")
    url = StringField("Web address", filters=[clean, to_uri],
                      validators=[Optional(), fits(Source.url), WEB_ADDRESS])
    parent_id = IdSelectField("Belongs to", blank="— nobody —",
                              description="Emily Horne belongs to the National Security "
                                          "Council, which belongs to the White House.")

    def data_for_service(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "slug": self.slug.data or slugify(self.name.data),
            "kind": SourceKind(self.kind.data),
            "title": self.title.data or "",
            "description": self.description.data or "",
            "url": self.url.data or None,
            "parent_id": self.parent_id.data,
        }


class DocumentForm(VersionedForm):
    title = StringField("Title", validators=[DataRequired(REQUIRED), fits(Document.title)],
                        filters=[clean])
    url = StringField("Web address", filters=[clean, to_uri],
                      validators=[Optional(), fits(Document.url), WEB_ADDRESS])
    publisher_id = IdSelectField("Publisher")
    published_at = UTCDateTime("Published (UTC)")
    archive_url = StringField("Archived copy", filters=[clean, to_uri],
                              validators=[Optional(), fits(Document.archive_url),
                                          WEB_ADDRESS],
                              description="Optional: the page in an external web archive "
                                          "(e.g. web.archive.org).")
    text = TextAreaField("Stored passages", validators=[fits(Document.text)], filters=[clean],
                         render_kw={"rows": 8},
                         description="The passages we rely on, pasted exactly — short "
                                     "excerpts, not whole articles — or leave it to a "
                                     "capture of the page. Quotes are checked against the "
                                     "newest text; every text it had is kept as a version.")

    def data_for_service(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "url": self.url.data or None,
            "publisher_id": self.publisher_id.data,
            "published_at": self.published_at.data,
            "archive_url": self.archive_url.data or None,
            # browsers send a textarea's line breaks as CRLF: the same text is no new version
            "text": (self.text.data or "").replace("\r\n", "\n"),
        }


# -- disputes and claims --------------------------------------------------------------


class AttributionForm(Form):
    source_id = IdSelectField("Carried by", blank="—")
    relation = StringField("How", validators=[fits(ClaimAttribution.relation)], filters=[clean],
                           default="citing", render_kw={"placeholder": "citing"})

    def is_blank(self) -> bool:
        """A row without a source is left out of the chain (and out of comparisons)."""
        return self.source_id.data is None


class ClaimFields(Form):
    """One account. Used alone (add/edit a claim) and repeated in the new-dispute form."""

    claimant_id = IdSelectField("Who asserts it (claimant)", blank="— choose —",
                                validators=[DataRequired(REQUIRED)])
    attributions = FieldList(FormField(AttributionForm), "Attribution chain",
                             min_entries=2, max_entries=5)
    statement = TextAreaField("What is asserted",
                              validators=[DataRequired(REQUIRED), fits(Claim.statement)],
                              filters=[clean], render_kw={"rows": 3})
    kind = SelectField("Kind", choices=enum_choices(ClaimKind),
                       default=ClaimKind.FACTUAL_ASSERTION.value)
    sourcing_level = SelectField("Sourcing", choices=enum_choices(SourcingLevel),
                                 default=SourcingLevel.ON_RECORD.value)
    independent_sources = WholeNumberField(
        "Number of independent sources", default=1,
        description="How many sources, independent of each other, back this account: "
                    "two outlets citing the same official count as one.",
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=1000,
                                                         message="a number from 0 to 1000")],
        render_kw={"inputmode": "numeric", "min": 0},
    )
    stated_at = UTCDateTime("When it was made (UTC)")
    stated_precision = SelectField("How precise is that time?",
                                   choices=enum_choices(DatePrecision),
                                   default=DatePrecision.DAY.value)
    first_appearance_id = IdSelectField("First appeared in")
    language = StringField(
        "Language", default=lambda: current_app.config["DEFAULT_LANGUAGE"],
        validators=[Optional(), fits(Claim.language),
                    Regexp(LANGUAGE_PATTERN, message="a language tag such as en, uk or pt-BR")],
        filters=[clean], render_kw={"autocomplete": "off", "spellcheck": "false"},
        description="The language the account was made in (a BCP-47 tag: en, uk, ru, "
                    "pt-BR); repeats are matched within it.")

    def is_blank(self) -> bool:
        """An untouched extra account in the new-dispute form is ignored."""
        return not (self.statement.data or self.claimant_id.data)

    def claim_data(self) -> dict[str, Any]:
        return {
            "claimant_id": self.claimant_id.data,
            "statement": self.statement.data,
            "kind": ClaimKind(self.kind.data),
            "sourcing_level": SourcingLevel(self.sourcing_level.data),
            "independent_sources": self.independent_sources.data,
            "stated_at": self.stated_at.data,
            "stated_precision": DatePrecision(self.stated_precision.data),
            "first_appearance_id": self.first_appearance_id.data,
            "language": self.language.data or current_app.config["DEFAULT_LANGUAGE"],
            "attributions": [
                {"source_id": entry.source_id.data,
                 "relation": entry.relation.data or "citing"}
                for entry in self.attributions if entry.source_id.data is not None
            ],
        }


class AccountFields(ClaimFields):
    """An account in the new-dispute form: one left untouched is skipped, not refused."""

    def validate(self, extra_validators=None) -> bool:
        if self.is_blank():
            return True
        return super().validate(extra_validators)


class DisputeForm(VersionedForm):
    event_id = IdSelectField("Event", blank="— choose —", validators=[DataRequired(REQUIRED)])
    question = StringField("Question at issue",
                           validators=[DataRequired(REQUIRED), fits(Dispute.question)],
                           filters=[clean],
                           description="One question, e.g. Did Biden warn that Kyiv could "
                                       "be “sacked”?")
    slug = StringField("Web address (slug)", validators=[Optional(), fits(Dispute.slug), SLUG],
                       filters=[clean], description=SLUG_HELP.format(what="question"))
    summary = TextAreaField("Summary", validators=[fits(Dispute.summary)], filters=[clean],
                            render_kw={"rows": 4})

    def data_for_service(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id.data,
            "question": self.question.data,
            "slug": self.slug.data or slugify(self.question.data),
            "summary": self.summary.data or "",
        }


class NewDisputeForm(DisputeForm):
    state = SelectField("State", choices=enum_choices(DisputeState),
                        default=DisputeState.OPEN.value)
    claims = FieldList(FormField(AccountFields), "Competing accounts",
                       min_entries=2, max_entries=12)
    add_account = SubmitField("Add another account")

    def validate_claims(self, field) -> None:
        if not any(not entry.form.is_blank() for entry in field):
            raise ValidationError("give at least one account")

    def only_open(self) -> None:
        """For those who may not set a dispute's state: no state field (a new dispute
        is open)."""
        del self.state

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        if "state" in self._fields:
            data["state"] = DisputeState(self.state.data)
        data["claims"] = [entry.form.claim_data() for entry in self.claims
                          if not entry.form.is_blank()]
        return data


class ClaimForm(VersionedForm, ClaimFields):
    appearances = IdMultiSelectField("Also appeared in",
                                     description="Tick every other document that carried "
                                                 "this account.")

    def fill(self, record: Claim) -> None:
        self.appearances.data = [a.document_id for a in record.appearances]

    def claim_data(self) -> dict[str, Any]:
        data = super().claim_data()
        data["appearances"] = [{"document_id": d} for d in self.appearances.data or []]
        return data


class QuoteForm(VersionedForm):
    speaker_id = IdSelectField("Speaker", blank="— choose —", validators=[DataRequired(REQUIRED)])
    document_id = IdSelectField("In document", blank="— none (unchecked) —",
                                description="The document whose stored passages should "
                                            "contain these words.")
    exact = TextAreaField("Exact words", validators=[DataRequired(REQUIRED), fits(Quote.exact)],
                          filters=[no_control], render_kw={"rows": 2},
                          description="As attributed, character for character.")
    prefix = StringField("Words just before", validators=[fits(Quote.prefix)], filters=[clean],
                         description="Optional: picks the right place when the words occur "
                                     "more than once.")
    suffix = StringField("Words just after", validators=[fits(Quote.suffix)], filters=[clean])

    def data_for_service(self) -> dict[str, Any]:
        return {
            "speaker_id": self.speaker_id.data,
            "document_id": self.document_id.data,
            "exact": (self.exact.data or "").strip(),
            "prefix": self.prefix.data or "",
            "suffix": self.suffix.data or "",
        }


class LinkForm(VersionedForm):
    from_claim_id = IdSelectField("This account", blank="— choose —",
                                  validators=[DataRequired(REQUIRED)])
    type = SelectField("…does this…", choices=enum_choices(LinkType),
                       default=LinkType.DENIES.value)
    to_claim_id = IdSelectField("…to that account", blank="— choose —",
                                validators=[DataRequired(REQUIRED)])
    scope_quote_id = IdSelectField("Only these words of it", blank="— the whole account —",
                                   description="Scope: “no one said ‘sacked’” denies the "
                                               "word, not necessarily the warning.")
    note = TextAreaField("Note", validators=[fits(Link.note)], filters=[clean],
                         render_kw={"rows": 2})

    def validate_to_claim_id(self, field) -> None:
        if field.data is not None and field.data == self.from_claim_id.data:
            raise ValidationError("An account cannot be linked to itself: choose another "
                                  "account")

    def validate_scope_quote_id(self, field) -> None:
        """The words must be the target's: say whose they are and what to choose."""
        quotes = getattr(self, "quotes_of", {})
        target = quotes.get(self.to_claim_id.data)
        if field.data is None or target is None:
            return
        name, ids = target
        if field.data not in ids:
            raise ValidationError(
                f"Those words belong to another account; choose one of {name}’s quotes, "
                "or the whole account" if ids else
                f"{name} has no quotes to choose from: link the whole account")


class LinkEditForm(VersionedForm):
    type = SelectField("Relation", choices=enum_choices(LinkType))
    note = TextAreaField("Note", validators=[fits(Link.note)], filters=[clean],
                         render_kw={"rows": 2})

    def fill(self, record: Link) -> None:
        self.type.data = record.type.value

    def data_for_service(self) -> dict[str, Any]:
        return {"type": LinkType(self.type.data), "note": self.note.data or ""}


class EvidenceForm(Form):
    target = SelectField("Evidence", choices=[], default="")
    stance = SelectField("Stance", default=Stance.REFUTES.value, choices=[
        SelectChoice(value=Stance.REFUTES.value, label="Refutes the claim"),
        SelectChoice(value=Stance.SUPPORTS.value, label="Supports the claim"),
    ])
    note = StringField("Note", validators=[fits(VerdictEvidence.note)], filters=[clean])

    # A service error about evidence.N.claim_id / document_id belongs on `target`.
    error_fallback = "target"

    def is_blank(self) -> bool:
        return not self.target.data

    def evidence_data(self) -> dict[str, Any] | None:
        if not self.target.data:
            return None
        kind, _, ident = self.target.data.partition(":")
        return {
            "claim_id": int(ident) if kind == "claim" else None,
            "document_id": int(ident) if kind == "document" else None,
            "stance": Stance(self.stance.data),
            "note": self.note.data or "",
        }


class VerdictForm(VersionedForm):
    rating_value = RadioField("Rating", choices=rating_choices(), coerce=to_int,
                              validators=[InputRequired("choose a rating")])
    rationale = TextAreaField("Rationale",
                              validators=[DataRequired(REQUIRED), fits(Verdict.rationale)],
                              filters=[clean], render_kw={"rows": 5},
                              description="Why this rating, in plain words readers can check.")
    evidence = FieldList(FormField(EvidenceForm), "Evidence", min_entries=3, max_entries=20)

    def fill(self, record: Verdict) -> None:
        """The evidence of the newest version, and one empty row to add another."""
        items = record.versions[-1].evidence if record.versions else []
        self.evidence.process(None, data=[
            {"target": f"claim:{item.claim_id}" if item.claim_id
             else f"document:{item.document_id}",
             "stance": item.stance.value, "note": item.note}
            for item in items
        ])
        if len(self.evidence) < len(items) + 1:
            self.evidence.append_entry()

    def set_evidence_choices(self, choices: list[SelectChoice]) -> None:
        for entry in self.evidence:
            entry.form.target.choices = choices

    def evidence_data(self) -> list[dict[str, Any]]:
        items = [entry.form.evidence_data() for entry in self.evidence]
        return [item for item in items if item is not None]


class CorrectionForm(VerdictForm):
    reason = TextAreaField("Reason for the correction",
                           validators=[DataRequired(REQUIRED), fits(VerdictVersion.reason)],
                           filters=[clean], render_kw={"rows": 3},
                           description="Shown publicly in the verdict's history.")


class WithdrawForm(VersionedForm):
    reason = TextAreaField("Reason for withdrawing",
                           validators=[DataRequired(REQUIRED), fits(VerdictVersion.reason)],
                           filters=[clean], render_kw={"rows": 3},
                           description="Shown publicly in the verdict's history.")

    def fill(self, record: Any) -> None:
        self.reason.data = ""


class DisputeStateForm(VersionedForm):
    state = SelectField("New state", choices=enum_choices(DisputeState))
    reason = TextAreaField("Why the state changes",
                           validators=[DataRequired("say why: readers see it on the "
                                                    "dispute page"), fits(Revision.reason)],
                           filters=[clean], render_kw={"rows": 2},
                           description="Shown publicly on the dispute page, e.g. “No "
                                       "recording or second source exists either way.”")

    def fill(self, record: Dispute) -> None:
        self.state.data = record.state.value
        self.reason.data = ""


class DeleteForm(VersionedForm):
    reason = TextAreaField("Reason", validators=[fits(Revision.reason)], filters=[clean],
                           render_kw={"rows": 2},
                           description="Recorded in the change log. An editor can restore it.")

    def fill(self, record: Any) -> None:
        self.reason.data = ""


class RestoreForm(FlaskForm):
    reason = StringField("Reason", validators=[fits(Revision.reason)], filters=[clean])


class RepeatForm(FlaskForm):
    """"This repeats it": the claim on the page repeats the one the button stands by."""

    original_claim_id = HiddenField(validators=[InputRequired()], filters=[to_id])

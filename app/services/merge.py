"""Three-way merge of an edit made from a stale copy, field by field.

An edit form remembers what each field held when the user loaded it (the *base*, as a
digest of its canonical value). When the save finds the record changed since, each
field is decided by comparing three digests — base, *mine* (what the form holds now)
and *theirs* (the stored record as the same form would show it):

| base vs mine | base vs theirs | outcome |
| --- | --- | --- |
| same | same | unchanged |
| changed | same | mine: apply it |
| same | changed | theirs: keep it (the form takes their value) |
| changed | changed, to the same value | same |
| changed | changed, to another value | conflict: ask, showing both |

So nothing another person saved is reverted unless the user was shown it and chose to.
A field without a base digest (an old or hand-made form) cannot be told apart: when mine
and theirs differ it is a conflict. A list (an attribution chain, evidence) is one field.

This module is pure: values in, decisions out. `app.web.formtools` feeds it forms.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any


class Outcome(enum.StrEnum):
    UNCHANGED = "unchanged"  # nobody changed it
    MINE = "mine"  # only I changed it: my value is saved
    THEIRS = "theirs"  # only they changed it (or I chose theirs): their value stays
    SAME = "same"  # we both changed it to the same value
    CONFLICT = "conflict"  # we both changed it, differently: the user must choose


class Choice(enum.StrEnum):
    """The user's answer for a field in conflict."""

    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True)
class Merge:
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def _named(self, *wanted: Outcome) -> list[str]:
        return [name for name, outcome in self.outcomes.items() if outcome in wanted]

    @property
    def conflicts(self) -> list[str]:
        return self._named(Outcome.CONFLICT)

    @property
    def theirs(self) -> list[str]:
        """Fields whose stored value wins: the form must take it before saving."""
        return self._named(Outcome.THEIRS)

    @property
    def mine(self) -> list[str]:
        return self._named(Outcome.MINE)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def canonical_text(value: str) -> str:
    """Text as compared: browsers send CRLF for the LF they were given, and every text
    field is stripped before it is saved."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def digest(value: Any) -> str:
    """A short, stable fingerprint of a canonical (JSON-able) value."""
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:20]


def decide(base: str | None, mine: str, theirs: str) -> Outcome:
    """One field's outcome from its three digests (the table in the module docstring)."""
    if mine == theirs:
        return Outcome.UNCHANGED if mine == base else Outcome.SAME
    if base is None:
        return Outcome.CONFLICT
    if mine == base:
        return Outcome.THEIRS
    if theirs == base:
        return Outcome.MINE
    return Outcome.CONFLICT


def merge(
    base: Mapping[str, str] | None,
    mine: Mapping[str, str],
    theirs: Mapping[str, str],
    *,
    choices: Mapping[str, Choice] | None = None,
    pending: Collection[str] = (),
) -> Merge:
    """Decide every field of `mine` (digests by field name).

    `theirs` holds the fields the record has: a field of the form that is not one of the
    record's (a reason for a change) is always mine. `choices` are the user's answers to
    an earlier conflict: THEIRS gives the field up; MINE keeps it unless it changed again
    since (then it is a new conflict). A `pending` field (asked about, not answered) stays
    a conflict until it is answered.
    """
    base = base or {}
    choices = choices or {}
    outcomes: dict[str, Outcome] = {}
    for name, mine_digest in mine.items():
        if name not in theirs:
            outcomes[name] = Outcome.MINE
        elif choices.get(name) is Choice.THEIRS:
            outcomes[name] = Outcome.THEIRS
        elif name in pending and name not in choices:
            outcomes[name] = Outcome.CONFLICT
        else:
            outcomes[name] = decide(base.get(name), mine_digest, theirs[name])
    return Merge(outcomes)


def changed_since(base: Mapping[str, str] | None, theirs: Mapping[str, str]) -> list[str]:
    """The fields of the record that differ from the copy loaded (all, without one)."""
    base = base or {}
    return [name for name, value in theirs.items() if base.get(name) != value]

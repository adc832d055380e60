"""The three-way merge of a stale edit, alone: digests in, one decision per field."""

from __future__ import annotations

import pytest

from app.services.merge import (
    Choice,
    Outcome,
    canonical_text,
    changed_since,
    decide,
    digest,
    merge,
)

B, M, T = "base", "mine", "theirs"


@pytest.mark.parametrize(("base", "mine", "theirs", "outcome"), [
    (B, B, B, Outcome.UNCHANGED),
    (B, M, B, Outcome.MINE),
    (B, B, T, Outcome.THEIRS),
    (B, M, M, Outcome.SAME),
    (B, M, T, Outcome.CONFLICT),
    # without a base nobody can say who changed what: a difference is a question
    (None, M, T, Outcome.CONFLICT),
    (None, M, M, Outcome.SAME),
])
def test_each_field_is_decided_by_who_changed_it(base, mine, theirs, outcome):
    assert decide(base, mine, theirs) is outcome


def test_a_merge_decides_every_field_of_the_form():
    result = merge(
        {"question": B, "summary": B, "slug": B},
        {"question": M, "summary": B, "slug": M, "reason": "why"},
        {"question": B, "summary": T, "slug": T},
    )
    assert result.outcomes == {"question": Outcome.MINE, "summary": Outcome.THEIRS,
                               "slug": Outcome.CONFLICT, "reason": Outcome.MINE}
    assert result.mine == ["question", "reason"]
    assert result.theirs == ["summary"]
    assert result.conflicts == ["slug"] and not result.clean


def test_a_field_the_record_has_not_got_is_always_mine():
    # a reason for the change is not part of the record: nothing of theirs to lose
    assert merge({}, {"reason": M}, {}).outcomes == {"reason": Outcome.MINE}


def test_answers_to_a_conflict():
    base, theirs = {"summary": T}, {"summary": T}  # the form now stands on theirs
    assert merge(base, {"summary": M}, theirs,
                 choices={"summary": Choice.THEIRS}).theirs == ["summary"]
    assert merge(base, {"summary": M}, theirs,
                 choices={"summary": Choice.MINE}).mine == ["summary"]
    # asked and not answered: still a question, whatever the digests say
    assert merge(base, {"summary": M}, theirs, pending=["summary"]).conflicts == ["summary"]
    # answered "mine", but it changed again since the question: asked again
    assert merge(base, {"summary": M}, {"summary": "newer"},
                 choices={"summary": Choice.MINE}).conflicts == ["summary"]


def test_what_changed_since_the_copy_was_loaded():
    assert changed_since({"a": B, "b": B}, {"a": B, "b": T, "c": T}) == ["b", "c"]
    assert changed_since(None, {"a": B}) == ["a"]


def test_text_is_compared_as_saved():
    assert canonical_text("  One\r\nTwo\rThree\n ") == "One\nTwo\nThree"
    assert digest(canonical_text("a\r\nb")) == digest(canonical_text("a\nb"))


def test_digests_are_stable_and_tell_values_apart():
    assert digest({"b": [1, "x"], "a": ""}) == digest({"a": "", "b": [1, "x"]})
    assert digest(["1", "2"]) != digest(["2", "1"])  # a chain's order matters
    assert digest("") != digest([])
    assert digest("12") != digest(12)

"""Quotes follow their source through its versions (app/services/quote_history.py):
the words are checked where they were, never against the same words elsewhere."""

from __future__ import annotations

from app.models import QuoteIntegrity, sha256_text
from app.services.quote_history import VersionText, follow_quote
from app.services.textdiff import excerpt, follow, summary, word_diff

CALL = ("Biden warned Zelensky that Kyiv could be sacked once the ground freezes, a "
        "Ukrainian source told CNN.")
DENIAL = "The White House said no one said sacked during the call on Thursday."
OTHER = "Officials in Washington and Kyiv spoke for ninety minutes about troop numbers."


def versions(*texts: str) -> list[VersionText]:
    return [VersionText(n, t, sha256_text(t)) for n, t in enumerate(texts, start=1)]


def test_words_still_where_they_were_are_verbatim_in_the_newest_version():
    found = follow_quote("could be sacked", "", "", versions(CALL, CALL + "\n\n" + OTHER))
    assert found.integrity is QuoteIntegrity.VERBATIM
    assert (found.checked.number, found.last_seen, found.changed) == (2, None, None)


def test_words_taken_out_are_removed_with_the_last_version_that_had_them():
    changed = CALL.replace("could be sacked", "faced a serious threat")
    found = follow_quote("could be sacked", "", "",
                         versions(CALL, CALL, changed.replace("CNN", "us")))
    assert found.integrity is QuoteIntegrity.REMOVED
    assert (found.checked.number, found.last_seen, found.changed) == (3, 2, 3)


def test_the_same_words_elsewhere_do_not_stand_in_for_the_removed_passage():
    # The report drops the sentence; "sacked" survives only in the denial it quotes.
    before = CALL + "\n\n" + DENIAL
    after = OTHER + "\n\n" + DENIAL
    found = follow_quote("sacked", "could be", "once", versions(before, after))
    assert found.integrity is QuoteIntegrity.REMOVED
    # (checked against the newest text alone, the word is there: the trap avoided)
    assert follow_quote("sacked", "could be", "once", versions(after)).integrity \
        is QuoteIntegrity.VERBATIM


def test_a_passage_moved_whole_is_still_verbatim():
    before = "\n\n".join([CALL, OTHER, DENIAL])
    after = "\n\n".join([OTHER, DENIAL, CALL])
    found = follow_quote("could be sacked once the ground freezes", "", "",
                         versions(before, after))
    assert found.integrity is QuoteIntegrity.VERBATIM


def test_words_changed_in_a_later_version_are_altered_with_the_diff():
    quote = "Kyiv could be sacked once the ground freezes"
    after = CALL.replace("could be sacked", "could be attacked")
    found = follow_quote(quote, "", "", versions(CALL, after))
    assert found.integrity is QuoteIntegrity.ALTERED
    assert (found.last_seen, found.changed) == (1, 2)
    assert {"op": "replace", "quote": "sacked", "text": "attacked"} in found.diff


def test_a_quote_never_found_is_not_found_not_removed():
    found = follow_quote("with 1000 troops", "", "", versions(CALL, OTHER))
    assert found.integrity is QuoteIntegrity.NOT_FOUND
    assert found.last_seen is None


def test_no_version_with_text_is_unchecked():
    found = follow_quote("sacked", "", "", [])
    assert found.integrity is QuoteIntegrity.UNCHECKED and found.checked is None


def test_punctuation_around_the_words_is_not_a_change():
    after = CALL.replace("could be sacked", "could be \u201csacked\u201d")
    assert follow_quote("could be sacked", "", "", versions(CALL, after)).integrity \
        is QuoteIntegrity.VERBATIM


def test_word_diff_and_summary():
    old, new = CALL + "\n\n" + OTHER, CALL.replace("sacked", "overrun") + "\n\n" + OTHER
    diff = word_diff(old, new)
    assert "".join(op.get("text", op.get("new", "")) for op in diff) == new
    assert [op["op"] for op in diff] == ["equal", "replace", "equal"]
    assert summary(old, new) == {"words_added": 1, "words_removed": 1}
    shown = excerpt(diff, context=3)
    assert shown[0] == {"op": "skip"} and shown[-1] == {"op": "skip"}


def test_follow_names_the_new_place_of_a_changed_passage():
    start = CALL.index("could be sacked")
    place = follow(CALL, CALL.replace("sacked", "overrun"), start, start + 15)
    assert not place.intact
    assert CALL.replace("sacked", "overrun")[place.start:place.end] == "could be overrun"

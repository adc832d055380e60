"""Quote integrity: is a quote verbatim, altered or absent in a document's stored text?

Pure functions over strings; no database.
"""

import json

import pytest

from app.models import QuoteIntegrity
from app.services.integrity import MAX_OMITTED_WORDS, check_quote

VERBATIM = QuoteIntegrity.VERBATIM
ALTERED = QuoteIntegrity.ALTERED
NOT_FOUND = QuoteIntegrity.NOT_FOUND

# The Daily Mail's report of the Pentagon briefing, as stored (curly quotes and all).
AUSTIN_MILLEY = (
    "Asked whether Putin has enough troops for a full-scale invasion of its neighbor, Austin "
    "replied: ‘I mean, you’ve heard the chairman say earlier that he’s got north of 100,000 "
    "troops in the border region. That gives him a number of options.’\n\n‘This is larger in "
    "scale and scope, and the massing of forces than anything we’ve seen in recent memory,’ "
    "Milley said."
)
CNN_CALL = (
    "CNN, citing a Ukrainian source, said Biden warned Kiev could be ‘sacked’ and to ‘prepare "
    "for impact.’ The source said the conversation, in a call that ‘did not go well,’ CNN "
    "reported, lasted almost an hour."
)


# --- no text to check against ---------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "  \n "])
def test_a_quote_without_stored_text_is_unchecked(text):
    result = check_quote("with 1000 troops", "Sure, ", ". You’ve got", text)

    assert result.integrity == QuoteIntegrity.UNCHECKED
    assert result.closest_match is None
    assert result.diff is None


# --- verbatim -------------------------------------------------------------------------


def test_words_found_as_given_are_verbatim_with_no_diff():
    result = check_quote("north of 100,000 troops", "he’s got ", " in the border", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.closest_match == "north of 100,000 troops"
    assert result.diff is None


def test_straight_quotes_match_curly_ones_and_the_match_keeps_the_text_spelling():
    # Given a quote typed with a straight apostrophe, the text having a curly one
    result = check_quote("you've heard the chairman say", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.closest_match == "you’ve heard the chairman say"
    assert result.diff is None  # typography is not a difference worth showing


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2011", "\u2013", "\u2014", " - ", " \u2014 "])
def test_any_dash_or_hyphen_matches_the_texts_hyphen(dash):
    result = check_quote(f"a full{dash}scale invasion", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.closest_match == "a full-scale invasion"


def test_runs_of_whitespace_and_line_breaks_do_not_matter():
    result = check_quote("That gives him\n a   number\tof options", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.closest_match == "That gives him a number of options"


def test_a_case_difference_is_verbatim_but_shown_in_the_diff():
    result = check_quote("i mean, YOU’VE heard", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.closest_match == "I mean, you’ve heard"
    assert result.diff == [
        {"op": "equal", "quote": "i mean, YOU’VE heard", "text": "I mean, you’ve heard"}
    ]


def test_missing_punctuation_between_words_is_verbatim_but_shown_in_the_diff():
    result = check_quote("I mean you've heard", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.diff == [
        {"op": "equal", "quote": "I mean you've heard", "text": "I mean, you’ve heard"}
    ]


@pytest.mark.parametrize("ellipsis", ["…", "...", ". . .", "[...]", "[…]"])
def test_an_ellipsis_marks_words_left_out_and_the_quote_stays_verbatim(ellipsis):
    result = check_quote(f"That gives him {ellipsis} options", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.closest_match == "That gives him a number of options"
    assert result.diff == [
        {"op": "equal", "quote": "That gives him", "text": "That gives him"},
        {"op": "equal", "quote": ellipsis, "text": "a number of", "omission": True},
        {"op": "equal", "quote": "options", "text": "options"},
    ]


def test_an_ellipsis_does_not_let_the_words_come_in_another_order():
    result = check_quote("options … That gives him", "", "", AUSTIN_MILLEY)

    assert result.integrity != VERBATIM


def test_an_ellipsis_spans_at_most_a_paragraph():
    # Given the same two words, once close together and once far apart
    near = "alpha " + "filler " * (MAX_OMITTED_WORDS - 1) + "omega"
    far = "alpha " + "filler " * (MAX_OMITTED_WORDS + 1) + "omega"

    assert check_quote("alpha … omega", "", "", near).integrity == VERBATIM
    assert check_quote("alpha … omega", "", "", far).integrity != VERBATIM


def test_words_inside_longer_words_do_not_count():
    # "sack" is not in "sacked", "age" is not in "earlier" or "massing"
    assert check_quote("Kiev could be sack", "", "", CNN_CALL).integrity != VERBATIM
    assert check_quote("age", "", "", AUSTIN_MILLEY).integrity == NOT_FOUND


# --- prefix and suffix pick the occurrence ----------------------------------------------

TWICE = "‘Sacked’ is not a word anyone used, she said; CNN said Kiev could be ‘sacked’ soon."


def test_without_a_prefix_or_suffix_the_first_occurrence_is_taken():
    result = check_quote("sacked", "", "", TWICE)

    assert result.integrity == VERBATIM
    assert result.closest_match == "Sacked"


def test_prefix_and_suffix_pick_the_occurrence_they_surround():
    result = check_quote("sacked", "Kiev could be ‘", "’ soon.", TWICE)

    assert result.integrity == VERBATIM
    assert result.closest_match == "sacked"
    assert result.diff is None


def test_the_suffix_alone_can_pick_the_occurrence():
    result = check_quote("sacked", "", "’ soon", TWICE)

    assert result.closest_match == "sacked"


def test_words_that_are_there_stay_verbatim_when_prefix_and_suffix_are_not():
    result = check_quote("sacked", "Moscow might be ", " tomorrow", TWICE)

    assert result.integrity == VERBATIM


# --- altered --------------------------------------------------------------------------


def test_milley_acceptance_1000_troops_is_an_altered_north_of_100000_troops():
    # Given the seed quote "Sure, with 1000 troops. You’ve got combined arms"
    result = check_quote("with 1000 troops", "Sure, ", ". You’ve got combined arms", AUSTIN_MILLEY)

    assert result.integrity == ALTERED
    assert result.closest_match == "north of 100,000 troops"
    assert result.diff == [
        {"op": "replace", "quote": "with 1000", "text": "north of 100,000"},
        {"op": "equal", "quote": "troops", "text": "troops"},
    ]
    assert json.loads(json.dumps(result.diff)) == result.diff


def test_a_dropped_negation_is_altered_not_verbatim():
    result = check_quote("in a call that did go well", "", "", CNN_CALL)

    assert result.integrity == ALTERED
    assert result.closest_match == "in a call that ‘did not go well"
    assert {"op": "insert", "quote": "", "text": "not"} in result.diff


def test_an_added_negation_is_altered_not_verbatim():
    text = "Officials said the call did go well, according to the readout."

    result = check_quote("the call did not go well", "", "", text)

    assert result.integrity == ALTERED
    assert result.closest_match == "the call did go well"
    assert {"op": "delete", "quote": "not", "text": ""} in result.diff


@pytest.mark.parametrize("number", ["1,000", "10,000", "100.000", "1000,000", "100,001"])
def test_a_number_of_another_value_is_never_folded(number):
    # "100.000" is a hundred in English; "1000,000" is no way of writing a number
    result = check_quote(f"he’s got north of {number} troops", "", "", AUSTIN_MILLEY)

    assert result.integrity == ALTERED
    assert {"op": "replace", "quote": number, "text": "100,000"} in result.diff


@pytest.mark.parametrize("number", ["100000", "one hundred thousand", "100 thousand"])
def test_the_same_number_written_another_way_is_verbatim_with_an_editorial_difference(number):
    result = check_quote(f"he’s got north of {number} troops", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert result.differences == [
        {"kind": "editorial", "detail": "number_format", "quote": number, "text": "100,000",
         "changes_meaning": False, "meaning": [], "words": []}
    ]


@pytest.mark.parametrize(
    ("exact", "changed", "original"),
    [
        ("Kyiv was pledged 5 billion in aid", "5 billion", "$5 billion"),
        ("a 50 rise on last year", "50", "50%"),
        ("as temperatures fell to 5", "5", "-5"),
    ],
)
def test_signs_currencies_and_percentages_belong_to_the_number(exact, changed, original):
    text = (
        "Kyiv was pledged $5 billion in aid, a 50% rise on last year, as temperatures fell to -5."
    )

    result = check_quote(exact, "", "", text)

    assert result.integrity == ALTERED
    assert {"op": "replace", "quote": changed, "text": original} in result.diff


def test_a_changed_word_is_shown_against_the_original_unnormalised_passage():
    result = check_quote("you've heard the chairman say later that he's got", "", "", AUSTIN_MILLEY)

    assert result.integrity == ALTERED
    assert result.closest_match == "you’ve heard the chairman say earlier that he’s got"
    assert result.diff == [
        {
            "op": "equal",
            "quote": "you've heard the chairman say",
            "text": "you’ve heard the chairman say",
        },
        {"op": "replace", "quote": "later", "text": "earlier"},
        {"op": "equal", "quote": "that he's got", "text": "that he’s got"},
    ]


def test_a_changed_last_word_is_shown_against_the_word_the_text_has():
    text = "Officials said the call went well, and talks would go on."

    result = check_quote("the call went badly", "", "", text)

    assert result.integrity == ALTERED
    assert result.closest_match == "the call went well"
    assert result.diff[-1] == {"op": "replace", "quote": "badly", "text": "well"}


def test_an_added_last_word_is_not_paired_with_the_next_sentence():
    text = "He told the crowd: we will win. Then the rally ended."

    result = check_quote("we will win today", "", "", text)

    assert result.integrity == ALTERED
    assert result.closest_match == "we will win"
    assert result.diff[-1] == {"op": "delete", "quote": "today", "text": ""}


def test_a_passage_sharing_only_small_words_is_not_an_alteration():
    # Given "the party if" and a text with "the pair do": similar letters, one shared "the"
    text = "Zelensky and Biden, the pair do not agree."

    assert check_quote("the party if", "", "", text).integrity == NOT_FOUND


# --- not found ------------------------------------------------------------------------


def test_words_from_elsewhere_are_not_found():
    result = check_quote("prepare for impact", "", "", AUSTIN_MILLEY)

    assert result.integrity == NOT_FOUND
    assert result.diff is None


@pytest.mark.parametrize("exact", ["", "   ", "…", "‘ ’ — !"])
def test_a_quote_without_words_is_not_found(exact):
    assert check_quote(exact, "", "", AUSTIN_MILLEY).integrity == NOT_FOUND


# --- short quotes ---------------------------------------------------------------------


def test_a_one_word_quote_inside_curly_quotes_is_verbatim():
    result = check_quote("sacked", "said Biden warned Kiev could be ‘", "’ and to", CNN_CALL)

    assert result.integrity == VERBATIM
    assert result.closest_match == "sacked"


@pytest.mark.parametrize("exact", ["certain", "sacked", "Putin warned"])
def test_a_short_quote_that_is_absent_is_not_found_with_no_closest_match(exact):
    result = check_quote(exact, "", "", AUSTIN_MILLEY)

    assert result.integrity == NOT_FOUND
    assert result.closest_match is None
    assert result.diff is None


@pytest.mark.parametrize("exact", ["backed", "Kiev could"])
def test_a_short_quote_one_letter_off_is_not_found_rather_than_altered(exact):
    # Given "backed" (one letter from "sacked") and "Kiev could" vs "Kyiv could"
    text = CNN_CALL.replace("Kiev", "Kyiv")

    assert check_quote(exact, "", "", text).integrity == NOT_FOUND


# --- differences: each one classified ----------------------------------------------------

MINISTER = (
    "The finance minister spoke to reporters on Friday. She said the plan was ready and "
    "would be published next week.\n\n“We will not raise taxes this year,” she added. “It is "
    "fully funded, and it protects the poorest families. We will raise the fuel levy.”"
)


def _kinds(result):
    return [(d["kind"], d["detail"]) for d in result.differences]


def test_a_quote_found_as_given_has_no_differences():
    result = check_quote("north of 100,000 troops", "", "", AUSTIN_MILLEY)

    assert result.differences == []


def test_every_difference_carries_its_kind_sides_and_meaning_as_json():
    result = check_quote("We will … raise taxes this year", "", "", MINISTER)

    assert result.integrity == ALTERED
    assert result.differences == [
        {"kind": "omission", "detail": "ellipsis", "quote": "…", "text": "not",
         "changes_meaning": True, "meaning": ["negation"], "words": ["not"]}
    ]
    assert json.loads(json.dumps(result.differences)) == result.differences


def test_a_bracketed_clarification_for_a_pronoun_is_editorial_and_verbatim():
    result = check_quote("[The minister] said the plan was ready", "", "", MINISTER)

    assert result.integrity == VERBATIM
    assert result.closest_match == "She said the plan was ready"
    assert result.differences == [
        {"kind": "editorial", "detail": "bracket_replacement", "quote": "[The minister]",
         "text": "She", "changes_meaning": False, "meaning": [], "words": []}
    ]
    assert {"op": "replace", "quote": "[The minister]", "text": "She", "editorial": True} in (
        result.diff)


def test_a_bracket_inside_the_quote_stands_for_the_words_between_its_neighbours():
    result = check_quote("It is fully funded, and [the budget] protects", "", "", MINISTER)

    assert result.integrity == VERBATIM
    assert _kinds(result) == [("editorial", "bracket_replacement")]
    assert result.differences[0]["text"] == "it"


def test_a_bracket_that_adds_a_negation_alters_the_quote():
    result = check_quote("We will [not] raise the fuel levy", "", "", MINISTER)

    assert result.integrity == ALTERED
    assert result.differences == [
        {"kind": "editorial", "detail": "bracket_insertion", "quote": "[not]", "text": "",
         "changes_meaning": True, "meaning": ["negation"], "words": ["not"]}
    ]


def test_a_bracket_replacing_a_word_it_cannot_stand_for_is_a_substitution():
    result = check_quote("We [won’t] raise the fuel levy", "", "", MINISTER)

    assert result.integrity == ALTERED
    assert _kinds(result) == [("substitution", "bracket")]
    assert result.differences[0]["text"] == "will"
    assert "negation" in result.differences[0]["meaning"]


def test_a_bracketed_name_for_another_name_is_a_substitution_a_description_is_not():
    text = "Biden warned Zelenskyy that an invasion was likely."

    other = check_quote("[Putin] warned Zelenskyy that an invasion was likely", "", "", text)
    described = check_quote("[The president] warned Zelenskyy that an invasion", "", "", text)
    respelt = check_quote("Biden warned [Zelensky] that an invasion was likely", "", "", text)

    assert other.integrity == ALTERED and other.differences[0]["meaning"] == ["name"]
    assert described.integrity == VERBATIM
    assert respelt.integrity == VERBATIM


def test_a_bracketed_clause_of_the_editors_is_an_insertion():
    result = check_quote("We will raise the fuel levy [and it is too high]", "", "", MINISTER)

    assert result.integrity == ALTERED
    assert _kinds(result) == [("insertion", "bracket")]


def test_sic_and_bracketed_letters_are_editorial():
    text = "CNN reported that Biden had told Zelesnky that the attack was certain."

    sic = check_quote("Biden had told Zelesnky [sic] that the attack", "", "", text)
    letter = check_quote("[T]he attack was certain", "", "", text)

    assert sic.integrity == VERBATIM
    assert sic.differences == [
        {"kind": "editorial", "detail": "sic", "quote": "Zelesnky [sic]", "text": "Zelesnky",
         "changes_meaning": False, "meaning": [], "words": []}
    ]
    assert letter.integrity == VERBATIM
    assert _kinds(letter) == [("editorial", "bracketed_letters")]


@pytest.mark.parametrize(
    ("quoted", "stored"),
    [("$5000", "$5,000"), ("five thousand dollars", "$5,000"), ("3%", "3 percent"),
     ("50%", "50 per cent"), ("$2.5bn", "$2.5 billion"), ("2", "two"),
     ("25", "twenty-five")],
)
def test_a_number_written_another_way_is_editorial(quoted, stored):
    text = f"The ministry said it would spend {stored} on each of the schools this year."

    result = check_quote(f"it would spend {quoted} on each of the schools", "", "", text)

    assert result.integrity == VERBATIM
    assert result.differences == [
        {"kind": "editorial", "detail": "number_format", "quote": quoted, "text": stored,
         "changes_meaning": False, "meaning": [], "words": []}
    ]


def test_cosmetic_differences_name_their_aspect():
    result = check_quote("i mean YOU'VE heard", "", "", AUSTIN_MILLEY)

    assert result.integrity == VERBATIM
    assert {(d["kind"], d["detail"], d["quote"]) for d in result.differences} == {
        ("cosmetic", "case", "i"),
        ("cosmetic", "case", "YOU'VE"),
        ("cosmetic", "typography", "YOU'VE"),
        ("cosmetic", "punctuation", "mean YOU'VE"),
    }


def test_the_texts_own_quotation_marks_are_no_difference():
    result = check_quote("in a call that did not go well", "", "", CNN_CALL)

    assert result.integrity == VERBATIM
    assert result.differences == []


@pytest.mark.parametrize(
    ("exact", "dropped", "meaning"),
    [
        ("We will … raise taxes this year", "not", ["negation"]),
        ("the plan was ready … next week", "and would be published", ["hedge"]),
        ("he’s got … troops in the border region", "north of 100,000", ["number"]),
    ],
)
def test_an_ellipsis_that_drops_meaning_from_the_quoted_clause_alters(exact, dropped, meaning):
    text = MINISTER + "\n\n" + AUSTIN_MILLEY

    result = check_quote(exact, "", "", text)

    assert result.integrity == ALTERED
    assert result.differences[-1]["text"] == dropped
    assert result.differences[-1]["meaning"] == meaning


@pytest.mark.parametrize(
    "exact",
    [
        # a whole sentence with a negation, between two quoted sentences
        "It would be horrific. … And we think a diplomatic outcome is the way to go here.",
        # a clause set off by commas
        "The bill, … will pass",
        # a relative clause, the quote resuming with its own conjunction
        "we remain concerned … and will stay focused",
    ],
)
def test_an_ellipsis_dropping_whole_sentences_or_clauses_changes_no_meaning(exact):
    text = (
        "‘It would be horrific. It would be terrible. And it’s not necessary. And we think a "
        "diplomatic outcome is the way to go here.’ “The bill, which I have not read, will "
        "pass,” he said. Austin said: ‘we remain concerned about the options that he could "
        "pursue and will stay focused.’"
    )

    result = check_quote(exact, "", "", text)

    assert result.integrity == VERBATIM
    assert _kinds(result) == [("omission", "ellipsis")]
    assert not result.differences[0]["changes_meaning"]


def test_the_dropped_not_of_the_next_sentence_is_caught_across_a_sentence_end():
    text = "‘The captains should not leave the ship. I don’t think we have a Titanic here.’"

    result = check_quote("The captains should not leave the ship. … we have a Titanic here",
                         "", "", text)

    assert result.integrity == ALTERED
    assert result.differences[0]["text"] == "I don’t think"
    assert result.differences[0]["words"] == ["don’t"]


def test_words_dropped_without_an_ellipsis_are_an_unmarked_omission():
    result = check_quote("in a call that did go well", "", "", CNN_CALL)

    assert result.integrity == ALTERED
    assert result.differences == [
        {"kind": "omission", "detail": "unmarked", "quote": "", "text": "not",
         "changes_meaning": True, "meaning": ["negation"], "words": ["not"]}
    ]


def test_a_substituted_antonym_and_an_inserted_qualifier_change_meaning():
    antonym = check_quote("you’ve heard the chairman say later that", "", "", AUSTIN_MILLEY)
    inserted = check_quote("he’s got north of 100,000 troops in all the border region", "", "",
                           AUSTIN_MILLEY)

    assert [(d["kind"], d["meaning"]) for d in antonym.differences if d["kind"] != "cosmetic"] \
        == [("substitution", ["antonym"])]
    assert [(d["kind"], d["meaning"]) for d in inserted.differences] == [("insertion", ["hedge"])]


@pytest.mark.parametrize(
    "exact", ["options … That gives him", "in the border region … he’s got north of 100,000"]
)
def test_passages_quoted_in_another_order_are_a_reordering(exact):
    result = check_quote(exact, "", "", AUSTIN_MILLEY)

    assert result.integrity == ALTERED
    assert _kinds(result) == [("reordering", None)]


def test_words_moved_inside_a_passage_are_a_reordering():
    text = "‘I am not saying an escalation is not possible, but we don’t need this panic,’ he said."

    result = check_quote("this panic we don’t need", "", "", text)

    assert result.integrity == ALTERED
    assert ("reordering", None) in _kinds(result)


@pytest.mark.parametrize("exact", ["[The minister]", "[sic]", "[", "[…]"])
def test_a_quote_of_only_the_editors_words_is_not_found(exact):
    assert check_quote(exact, "", "", MINISTER).integrity == NOT_FOUND


def test_any_quote_cut_from_a_text_and_roughed_up_is_checked_without_error():
    # Given passages of the seeded coverage, cut at random and given brackets, ellipses,
    # [sic], numbers and quote marks at random places
    import random

    rng = random.Random(12)
    words = (AUSTIN_MILLEY + " " + CNN_CALL + " " + MINISTER).split()
    extras = ["[", "]", "…", "...", "[sic]", "[The minister]", "[T]he", "(", "‘", "’", ",",
              "not", "5,000", "five", "%", "$", "[…]", "[ ]", "[[x]]", "per cent"]
    for _ in range(150):
        start = rng.randrange(len(words))
        quoted = words[start : start + rng.randrange(1, 20)]
        for _ in range(rng.randrange(4)):
            quoted.insert(rng.randrange(len(quoted) + 1), rng.choice(extras))
        exact = " ".join(quoted)

        result = check_quote(exact, "", "", AUSTIN_MILLEY + "\n\n" + CNN_CALL + "\n\n" + MINISTER)

        # Then every result is a state with well-formed differences
        assert json.loads(json.dumps(result.differences)) == result.differences
        for d in result.differences or []:
            assert d["kind"] in {"cosmetic", "editorial", "omission", "substitution",
                                 "insertion", "reordering"}, exact
            assert d["changes_meaning"] == bool(d["meaning"]), exact

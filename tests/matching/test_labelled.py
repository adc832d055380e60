"""Known-claims matching measured on a labelled set (labelled.yaml): success@1 and
success@5 over the queries that repeat an archive claim, and the false-match rate — the
share of queries repeating nothing that still get a `match` — at the service's threshold.
Printed (`pytest -s`) and held to floors; the figures are noted in bench/README.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from app.services import matching
from tests.known.conftest import log_claims

LABELLED = Path(__file__).with_name("labelled.yaml")
# Floors under the measured figures (bench/README.md), so that a change that makes
# matching worse fails here.
MIN_SUCCESS_AT_1 = 0.9
MIN_SUCCESS_AT_5 = 0.95
MAX_FALSE_MATCH_RATE = 0.15
MIN_MATCHED_AT_1 = 0.9  # the right claim first *and* called a match


def test_matching_on_the_labelled_set(editor, capsys):
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    keys = list(data["archive"])
    ids = dict(zip(keys, log_claims(editor.user, [data["archive"][k] for k in keys]),
                   strict=True))
    key_of = {v: k for k, v in ids.items()}
    queries = data["queries"]
    assert len(queries) >= 60

    at1 = at5 = matched1 = false = 0
    misses, false_matches = [], []
    positives = [q for q in queries if q["expect"]]
    negatives = [q for q in queries if not q["expect"]]
    by_kind: Counter = Counter()
    for q in queries:
        found = matching.find_matches(q["text"], limit=5, kinds=("claim",))
        got = [key_of.get(m.candidate.id) for m in found]
        if q["expect"]:
            assert q["expect"] in ids, q
            if got[:1] == [q["expect"]]:
                at1 += 1
                by_kind[q["kind"]] += 1
                matched1 += found[0].is_match
            else:
                misses.append((q["text"], q["expect"], got[:2],
                               [round(m.score, 2) for m in found[:2]]))
            at5 += q["expect"] in got
        elif any(m.is_match for m in found):
            false += 1
            false_matches.append((q["text"], got[0], round(found[0].score, 2)))

    s1, s5 = at1 / len(positives), at5 / len(positives)
    fmr, m1 = false / len(negatives), matched1 / len(positives)
    with capsys.disabled():
        print(f"\nknown-claims matching, {len(positives)} repeats + {len(negatives)} "
              f"non-repeats, threshold {matching.THRESHOLD}:")
        print(f"  success@1 {s1:.3f}  success@5 {s5:.3f}  matched@1 {m1:.3f}  "
              f"false-match rate {fmr:.3f}")
        for miss in misses:
            print("  missed:", miss)
        for wrong in false_matches:
            print("  false match:", wrong)
    assert s1 >= MIN_SUCCESS_AT_1
    assert s5 >= MIN_SUCCESS_AT_5
    assert m1 >= MIN_MATCHED_AT_1
    assert fmr <= MAX_FALSE_MATCH_RATE

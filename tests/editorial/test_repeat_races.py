"""Confirming a repeat races deleting the original, against a live gunicorn with two
workers (the harness of test_races.py): the repeat is recorded inside the writing
transaction, with both claims locked, so a repeats link never points at a deleted claim.
Either the delete wins (the repeat gets 409 and no link is written), or the repeat wins
and the delete then takes the link with the claim (or is refused) — never a 5xx, never
a live link to a deleted claim."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from tests.editorial.conftest import database_label, report
from tests.editorial.invariants import C, L, database_violations
from tests.editorial.test_races import (  # noqa: F401  (fixtures)
    ROUNDS,
    Call,
    _scalar,
    race,
    racer,
    world,
)


def test_confirming_a_repeat_races_deleting_the_original(racer, world):  # noqa: F811
    outcomes: Counter = Counter()
    problems: list[str] = []
    for i in range(ROUNDS):
        # Given an original claim and a new account that repeats it
        _, (original, repeat) = world.dispute(claims=2)
        # When an editor deletes the original while a journalist confirms the repeat
        delete = Call("delete original", "DELETE", f"/api/v1/claims/{original}",
                      racer.writes(f"/api/v1/claims/{original}"))
        confirm = Call("confirm repeat", "POST", f"/api/v1/claims/{repeat}/repeats",
                       racer.writes(), {"original_claim_id": original})
        a, b = race(racer.server.url, delete, confirm)
        outcomes[(a.status, b.status)] += 1
        deleted = _scalar(sa.select(C.c.deleted_at.is_not(None)).where(C.c.id == original))
        links = _links(repeat, original)
        live = [row for row in links if row]
        # Then nothing failed on the server, and at least one of them succeeded
        if a.status is None or b.status is None or a.status >= 500 or b.status >= 500:
            problems.append(f"round {i}: answers {a.status} / {b.status}")
        if not (a.ok or b.ok):
            problems.append(f"round {i}: neither succeeded: {a.body!r} / {b.body!r}")
        if b.ok != bool(links):
            problems.append(f"round {i}: repeat answered {b.status} but {len(links)} links")
        if not b.ok and b.status != 409:
            problems.append(f"round {i}: the repeat lost with {b.status}, want 409")
        # And a repeats link never stays live on a deleted original
        if deleted and live:
            problems.append(f"round {i}: a live repeats link to deleted claim {original}")
        if a.ok != bool(deleted):
            problems.append(f"round {i}: delete answered {a.status}, deleted={deleted}")
        problems += [f"round {i}: {v}" for v in database_violations()]
    tally = ", ".join(f"delete {x} / repeat {y}: {n}" for (x, y), n in sorted(
        outcomes.items(), key=str))
    report("races (tries per pair and database; outcomes first/second: count)",
           f"{database_label():10} DELETE original | POST repeats: {ROUNDS} tries; {tally}"
           f" -> {'ok' if not problems else f'{len(problems)} problem(s)'}")
    assert not problems, "\n".join(problems)


def _links(repeat: int, original: int) -> list[bool]:
    """Each repeats link written between the two: whether it is live."""
    from app.extensions import db

    return list(db.session.scalars(
        sa.select(L.c.deleted_at.is_(None)).where(
            L.c.from_claim_id == repeat, L.c.to_claim_id == original, L.c.type == "repeats")))

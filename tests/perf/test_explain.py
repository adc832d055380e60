"""The feed and search queries use their indexes, on SQLite and on PostgreSQL.

Plans, not timings: each test runs the real service (or endpoint), captures the SQL it
sends with its parameters, and asks the database how it would run it.
"""

from __future__ import annotations

import re

from app.extensions import db
from app.services.search import KINDS, search
from tests.perf.sql import captured, explain


def test_search_uses_the_full_text_index_of_every_kind(seeded):
    with captured(db.engine) as statements:
        hits = search("troops")
    searched = [s for s in statements if s.is_select]
    assert len(searched) == len(KINDS)  # one query per kind, whatever the archive size
    assert hits, "the seeded archive has claims about troops"
    for statement in searched:
        if db.engine.dialect.name == "postgresql":
            table = re.search(r"\bFROM (\w+) t\b", statement.sql).group(1)
            plan = explain(db.engine, statement)
            assert plan.uses_index(f"ix_{table}_fts"), f"{table}:\n{plan}"
            assert not plan.scans(table), f"{table}:\n{plan}"
        else:
            table = re.search(r"\bFROM (\w+)_fts JOIN\b", statement.sql).group(1)
            plan = explain(db.engine, statement)
            # FTS5 answers MATCH from its index; the rows come by primary key.
            assert any(re.match(rf"SCAN {table}_fts VIRTUAL TABLE INDEX", line)
                       for line in plan.lines), f"{table}:\n{plan}"
            assert any(re.match(r"SEARCH t USING INTEGER PRIMARY KEY", line)
                       for line in plan.lines), f"{table}:\n{plan}"

"""The feed and search queries use their indexes, on SQLite and on PostgreSQL.

Plans, not timings: each test runs the real service (or endpoint), captures the SQL it
sends with its parameters, and asks the database how it would run it.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.services.search import KINDS, search
from tests.perf.sql import captured, explain
from tests.perf.test_query_counts import load_archive


def test_search_uses_the_full_text_index_of_every_kind(seeded):
    search("troops")  # the process reads the aliases once per generation
    with captured(db.engine) as statements:
        hits = search("troops")
    selects = [s for s in statements if s.is_select]
    # one statement, whatever the archive size: every kind's best hits (a subquery each)
    # and the generation of the stored aliases ("Kiev" is looked for as Kyiv too)
    assert len(selects) == 1, [s.sql for s in selects]
    assert hits, "the seeded archive has claims about troops"
    (statement,) = selects
    plan = explain(db.engine, statement)
    for kind in KINDS.values():
        table = kind.table
        if db.engine.dialect.name == "postgresql":
            assert plan.uses_index(f"ix_{table}_fts"), f"{table}:\n{plan}"
            assert not plan.scans(table), f"{table}:\n{plan}"
        else:
            # FTS5 answers MATCH from its index; the rows come by primary key.
            assert any(re.match(rf"SCAN {table}_fts VIRTUAL TABLE INDEX", line)
                       for line in plan.lines), f"{table}:\n{plan}"
    if db.engine.dialect.name == "sqlite":
        rows_by_key = [line for line in plan.lines
                       if re.match(r"SEARCH t USING INTEGER PRIMARY KEY", line)]
        assert len(rows_by_key) == len(KINDS), plan
        assert not plan.scans("t"), plan


def test_search_ranked_here_reads_each_index_by_rowid(seeded, monkeypatch):
    """SQLite, large indexes (app/services/bm25.py): the matches with their sizes, then
    the words' marks and the snippets of those matches alone — two statements, each
    answered from the full-text indexes and the rows by key, none scanning a table."""
    from app.services import bm25

    if db.engine.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    monkeypatch.setattr(bm25, "LARGE", 0)
    search("troops")  # the document frequencies are counted once per generation
    with captured(db.engine) as statements:
        assert search("troops")
    selects = [s for s in statements if s.is_select]
    assert len(selects) == 2, [s.sql for s in selects]
    for statement in selects:
        plan = explain(db.engine, statement)
        scans = [line for line in plan.lines if line.startswith("SCAN")  # of a table
                 and not re.match(r"SCAN (\w+_matches|CONSTANT ROW)$|.*VIRTUAL TABLE", line)]
        assert not scans, plan
    matches = explain(db.engine, selects[0])
    for kind in KINDS.values():
        assert any(re.match(rf"SCAN {kind.table}_fts VIRTUAL TABLE INDEX", line)
                   for line in matches.lines), matches
    assert sum(bool(re.match(r"SEARCH d USING INTEGER PRIMARY KEY", line))
               for line in matches.lines) == len(KINDS), matches


def _feed_query(client, url: str):
    with captured(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return response, next(s for s in statements
                          if s.is_select and re.search(r"\bFROM verdicts\b", s.sql))


@pytest.mark.parametrize("query", ["", "&updated_since=2020-01-01T00:00:00Z", "cursor"])
def test_the_verdict_feed_reads_its_index_in_order(uncached, query):
    """First page, a sync from a date, and a later page (by cursor): each walks
    ix_verdicts_feed (updated_at, id) from its starting point; none sorts the verdicts.
    (On an archive of a few hundred verdicts with statistics: PostgreSQL sorts a table
    of ten rows whatever its indexes.)"""
    load_archive(900)
    url = "/api/v1/verdicts?limit=50"
    if query == "cursor":
        first = uncached.get(url)
        url = re.search(r"<([^>]+)>; rel=\"next\"", first.headers["Link"]).group(1)
    else:
        url += query
    _, statement = _feed_query(uncached, url)
    plan = explain(db.engine, statement)
    assert plan.uses_index("ix_verdicts_feed") or plan.uses_index("ix_verdicts_state_feed"), \
        str(plan)
    if db.engine.dialect.name == "postgresql":
        assert not any(line.startswith(("Sort", "Incremental Sort")) for line in plan.lines), \
            str(plan)
        assert not plan.scans("verdicts"), str(plan)
        if query:  # a range, not a walk from the start of the index
            assert any(re.match(r"Index (Only )?Scan ix_verdicts(_state)?_feed on verdicts "
                                r"cond .*updated_at", line) for line in plan.lines), str(plan)
    else:
        assert not any("TEMP B-TREE FOR ORDER BY" in line for line in plan.lines), str(plan)
        if query:  # a range, not a walk from the start of the index
            assert any(line.startswith("SEARCH verdicts USING INDEX ix_verdicts_feed (")
                       for line in plan.lines), str(plan)

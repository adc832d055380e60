"""Known-claims matching latency: GET /api/v1/matches on a 100k or 1M-claim archive.

    python -m bench.matching --scale 100k           # make bench-matching SCALE=100k
    python -m bench.matching --scale 1m             # generating 1M takes ~8 min, once
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python -m bench.matching

The archive is the read-path benchmark's (bench/workload.py, kept in bench/out/). The
queries are the archive's own claims as a journalist pastes them again: a random live
claim's statement with one word dropped and, every other time, two words swapped (a
repeat, so the candidates are real ones), plus as many sentences of the archive's
common words that repeat nothing. Each is asked once through the app in this process
(Flask's test client: no HTTP server in the way), with the read cache off, and, for the
`cold` figures, the parsed-text cache of the matching service emptied before every
request, so every candidate is read and scored again. Prints p50 / p99 / max in ms and
the share of repeats found first; the target is p99 < 100 ms at 1M claims.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

import sqlalchemy as sa

from bench import workload

QUERIES = 200


def _queries(url: str, n: int, seed: int = 13) -> list[tuple[str, int | None]]:
    rnd = random.Random(seed)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        top = conn.execute(sa.text("SELECT max(id) FROM claims")).scalar()
        picked: list[tuple[int, str]] = []
        while len(picked) < n // 2:
            row = conn.execute(sa.text(
                "SELECT id, statement FROM claims WHERE id >= :i AND deleted_at IS NULL "
                "ORDER BY id LIMIT 1"), {"i": rnd.randint(1, top)}).first()
            if row and len(row.statement.split()) > 4:
                picked.append((row.id, row.statement))
    engine.dispose()
    out: list[tuple[str, int | None]] = []
    for claim_id, statement in picked:
        words = statement.split()
        del words[rnd.randrange(len(words))]
        if rnd.random() < 0.5:
            i = rnd.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        out.append((" ".join(words), claim_id))
    common = list(workload.generate.COMMON)
    for _ in range(n - len(out)):
        out.append((" ".join(rnd.sample(common, rnd.randint(6, 14))), None))
    rnd.shuffle(out)
    return out


def measure(url: str, queries: list[tuple[str, int | None]], cold: bool) -> dict:
    os.environ.setdefault("COUNTERCLAIM_ENV", "development")
    from app import create_app
    from app.services import matching
    from config import config_from_env, normalise_database_url

    # The configuration read the environment when it was imported (by the generator,
    # before this archive existed): this archive's URL and no cache are given here.
    bench_config = type("BenchConfig", (config_from_env(),), {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "READ_CACHE_MAX_BYTES": 0})
    app = create_app(bench_config)
    client = app.test_client()
    client.get("/api/v1/matches", query_string={"text": "troops border warned"})  # warm-up
    times, found = [], 0
    for text, claim_id in queries:
        if cold:
            matching._reading.cache_clear()
        start = time.perf_counter()
        response = client.get("/api/v1/matches", query_string={"text": text, "limit": 10})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        body = response.get_json()
        if claim_id is not None and body and body[0]["kind"] == "claim" \
                and body[0]["id"] == claim_id:
            found += 1
    times.sort()
    repeats = sum(1 for _, c in queries if c is not None)
    return {"p50": statistics.median(times), "p99": times[int(len(times) * 0.99) - 1],
            "max": times[-1], "found_first": found / repeats if repeats else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Known-claims matching latency")
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "100k",
                        choices=["10k", "100k", "1m"])
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or None)
    args = parser.parse_args(argv)

    sqlite = workload.sqlite_archive(args.scale)
    if sqlite.generated_now:
        # measure in a fresh process: the generator's connections and locks are gone
        os.execv(sys.executable, [sys.executable, "-m", "bench.matching",
                                  *(argv if argv is not None else sys.argv[1:])])
    archives = [("sqlite", sqlite, None)]
    if args.postgres:
        archive, drop = workload.postgres_archive(args.postgres, args.scale)
        archives.append(("postgresql", archive, drop))
    try:
        for name, archive, _ in archives:
            queries = _queries(archive.url, args.queries)
            for cold in (True, False):
                r = measure(archive.url, queries, cold)
                print(f"{name:10} {args.scale:>5} claims, {len(queries)} queries, "
                      f"{'cold' if cold else 'warm'}: p50 {r['p50']:.1f} ms, "
                      f"p99 {r['p99']:.1f} ms, max {r['max']:.1f} ms; repeats found "
                      f"first {r['found_first']:.0%}"
                      + ("  (target p99 < 100 ms at 1M)" if cold else ""), flush=True)
    finally:
        for _, _, drop in archives:
            if drop:
                drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

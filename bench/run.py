"""`make bench`: Counterclaim's read path against Flask's ceiling and Datasette.

One run, on this machine, prints req/s and p50/p99 of each public read, each as a
ratio to a bare Flask app under the same gunicorn settings measured *alongside* it
(a ceiling run right before each round of each endpoint, so drift on a shared machine
cancels out), the feed and the detail also against Datasette serving the same SQLite
file, the server CPU time per request (which other load on the machine barely moves),
peak RSS per worker, the import rate, and the issue's targets with whether each is met.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import tools, workload
from bench.load import Load, Result, fetch, run_wrk
from bench.servers import Server, free_port, gunicorn_command
from bench.workload import ENDPOINTS, OUT

ROOT = Path(__file__).resolve().parent.parent
GROWTH_KEYS = ("feed", "search", "dispute")  # latency must stay flat as the archive grows
EXPECTED = {"not_modified": 304}


def log(msg: str) -> None:
    print(msg, flush=True)


@dataclass
class Measured:
    label: str
    result: Result | None = None
    ratio: float | None = None  # median over rounds of req/s ÷ the ceiling run before it
    ceiling_rps: float | None = None  # mean of those ceiling runs
    latency_units: float | None = None  # p50 ÷ the ceiling's p50 (drift-free latency)
    cpu_ms: float | None = None  # server CPU per request
    note: str = ""  # why there is no result, or what is odd about it

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass
class Bench:
    wrk: str
    ceiling: Server
    connections: int
    seconds: int  # per round, of the endpoint
    rounds: int
    results: dict[str, dict[str, Measured]] = field(default_factory=dict)
    ceiling_runs: list[Result] = field(default_factory=list)

    def load(self, seconds: int) -> Load:
        return Load(threads=2, connections=self.connections, seconds=seconds)

    def measure(self, group: str, key: str, label: str, server: Server, paths: list[str],
                expect: int = 200, rounds: int | None = None,
                connections: int | None = None, seconds: int | None = None,
                warm: int = 15) -> Measured:
        m = self._measure(label, server, paths, expect, rounds or self.rounds,
                          connections or self.connections, seconds or self.seconds, warm)
        self.results.setdefault(group, {})[key] = m
        r = m.result
        shown = (f"{r.rps:8,.0f} req/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms  "
                 f"÷ ceiling {fmt(m.ratio):>5}  CPU {fmt(m.cpu_ms):>5} ms/req {m.note}"
                 if r else m.note)
        log(f"  {group:10} {label:34} {shown}")
        return m

    def _probe(self, server: Server, paths: list[str], expect: int) -> str | None:
        for path in paths[:3]:  # the endpoint exists and answers as expected
            line = path.split("\t")
            headers = {"If-None-Match": line[1]} if len(line) > 1 else {}
            answer = fetch(server.base_url + line[0], headers)
            if answer.status in (404, 405) and expect != answer.status:
                return f"not there ({answer.status} {line[0]})"
            if answer.status != expect:
                snippet = answer.body[:200].decode("utf-8", "replace")
                return f"answered {answer.status}, expected {expect}: {line[0]} {snippet}"
        return None

    def _warm(self, server: Server, paths: list[str], connections: int, runs: int) -> None:
        """Until each path was asked about ten times — workers take requests at random,
        so each worker has then seen each path (and made what it keeps) but with odds
        of 1 in 1,000 — or `runs` x 2 s at most. What is measured then is the steady
        state; the cache-off run measures every request as a miss."""
        done = 0
        for _ in range(runs):
            done += run_wrk(self.wrk, server.base_url, paths,
                            Load(2, connections, 2)).requests
            if done >= 10 * len(paths):
                return

    def _measure(self, label: str, server: Server, paths: list[str], expect: int,
                 rounds: int, connections: int, seconds: int, warm: int) -> Measured:
        if not paths:
            return Measured(label, note="no sample in this archive")
        problem = self._probe(server, paths, expect)
        if problem:
            return Measured(label, note=problem)
        self._warm(server, paths, connections, warm)
        runs, ceilings, cpu = [], [], 0.0
        for _ in range(rounds):
            ceilings.append(run_wrk(self.wrk, self.ceiling.base_url, ["/"],
                                    self.load(max(2, self.seconds // 2))))
            before = server.cpu_seconds()
            runs.append(run_wrk(self.wrk, server.base_url, paths,
                                Load(2, connections, seconds)))
            cpu += server.cpu_seconds() - before
        self.ceiling_runs.extend(ceilings)
        requests = sum(r.requests for r in runs)
        result = Result(
            requests=requests, seconds=sum(r.seconds for r in runs),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p90_ms=statistics.median(r.p90_ms for r in runs),
            p99_ms=statistics.median(r.p99_ms for r in runs),
            max_ms=max(r.max_ms for r in runs), errors=sum(r.errors for r in runs))
        if not requests:
            return Measured(label, note=f"no answer in {seconds} s x {rounds}")
        ratio = statistics.median(r.rps / c.rps for r, c in zip(runs, ceilings, strict=True))
        units = statistics.median(r.p50_ms / c.p50_ms
                                  for r, c in zip(runs, ceilings, strict=True))
        note = f"{result.errors} errors" if result.errors else ""
        return Measured(label, result, ratio, statistics.mean(c.rps for c in ceilings), units,
                        1000 * cpu / requests, note)


def app_server(url: str, name: str, python: str, **env: str) -> Server:
    env = {"DATABASE_URL": url, "COUNTERCLAIM_ENV": "production",
           "SECRET_KEY": secrets.token_hex(32), **env}
    port = free_port()
    return Server(name, gunicorn_command(python, "wsgi:app", port), port, env=env,
                  ready_path="/healthz", log=OUT / f"{name}.log")


def with_etags(base_url: str, paths: list[str]) -> list[str]:
    tagged = []
    for path in paths:
        answer = fetch(base_url + path)
        etag = answer.headers.get("ETag")
        if answer.status == 200 and etag:
            tagged.append(f"{path}\t{etag}")
    return tagged


def measure_app(bench: Bench, group: str, server: Server, samples: workload.Samples,
                keys=tuple(ENDPOINTS), rounds: int | None = None, warm: int = 15) -> None:
    paths = workload.app_paths(samples)
    if "feed" in keys:
        paths["feed"] = workload.follow_next(server.base_url, paths["feed"][0],
                                             workload.SAMPLE)
    if "not_modified" in keys:
        paths["not_modified"] = with_etags(server.base_url, paths["not_modified"])
    for key in keys:
        bench.measure(group, key, ENDPOINTS[key], server, paths[key],
                      expect=EXPECTED.get(key, 200), rounds=rounds, warm=warm)


# -- the report -----------------------------------------------------------------------


def fmt(value: float | None, spec: str = ".2f", none: str = "—") -> str:
    return none if value is None else format(value, spec)


def ds_ratio(m: Measured | None, ds: Measured | None) -> float | None:
    """Endpoint ÷ Datasette, each taken against the ceiling measured alongside it."""
    if m is None or ds is None or m.ratio is None or not ds.ratio:
        return None
    return m.ratio / ds.ratio


@dataclass
class Target:
    what: str
    value: float | None
    goal: str
    met: bool | None  # None: could not be measured in this run
    shown: str = ""

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: "n/a"}[self.met]


def targets(run: dict) -> list[Target]:
    res = run["results"].get("sqlite", {})
    ds = run["results"].get("datasette", {})
    out: list[Target] = []

    def at_least(key: str, goal: float, what: str) -> None:
        m = res.get(key)
        r = m.ratio if m else None
        out.append(Target(what, r, f">= {goal:.2f} x ceiling",
                          None if r is None else r >= goal, fmt(r)))

    at_least("verdict", 0.5, "verdict detail")
    at_least("feed", 0.3, "feed page of 50")
    r = ds_ratio(res.get("feed"), ds.get("page"))
    out.append(Target("feed page of 50 vs Datasette page of 50", r, ">= 5 x Datasette",
                      None if r is None else r >= 5, fmt(r, ".1f")))
    at_least("dispute", 0.25, "dispute detail (10 claims)")
    at_least("not_modified", 0.8, "304 answers")
    measured = [m for m in res.values() if m.ok]
    worst = max(measured, key=lambda m: m.result.p99_ms, default=None)
    out.append(Target(
        f"p99 at {run['load']['connections']} connections, every read",
        worst.result.p99_ms if worst else None, "< 50 ms",
        None if worst is None else all(m.result.p99_ms < 50 for m in measured),
        f"worst {worst.result.p99_ms:.1f} ms ({worst.label})" if worst else ""))
    base = run["results"].get("baseline", {})
    for key in GROWTH_KEYS:
        big, small = res.get(key), base.get(key)
        if big and small and big.ok and small.ok:
            g = big.latency_units / small.latency_units
            raw = big.result.p50_ms / small.result.p50_ms
            out.append(Target(f"{ENDPOINTS[key]}: p50 at {run['scale']} / at 10k", g,
                              "<= 1.5 (at 1M)", g <= 1.5 if run["scale"] == "1m" else None,
                              f"{g:.2f} (raw p50 {raw:.2f})"))
        else:
            out.append(Target(f"{ENDPOINTS[key]}: p50 at 1M / at 10k", None,
                              "<= 1.5 (at 1M)", None, "run with SCALE=1m"))
    rss = run.get("rss_mb") or []
    peak = max(rss) if rss else None
    out.append(Target(f"peak RSS per worker at {run['scale']}", peak, "< 150 MB (at 1M)",
                      None if peak is None else (peak < 150 if run["scale"] == "1m" else None),
                      " / ".join(f"{v:.0f} MB" for v in rss)))
    return out


# Issue 14: the uncached path (cache off), ÷ the ceiling of the same run.
UNCACHED_GOALS = {"verdict": 0.5, "feed": 0.3, "dispute": 0.25, "dispute_html": 0.2,
                  "search": 0.25}


def _other_scale_search(scale: str) -> float | None:
    """The uncached search ratio of the newest run at the other end of 100k..1M (its
    results JSON in bench/out/), for search's growth."""
    other = {"1m": "100k", "100k": "1m"}.get(scale)
    runs = sorted(OUT.glob(f"results-{other}-*.json")) if other else []
    for path in reversed(runs):
        found = json.loads(path.read_text())["results"].get("uncached", {}).get("search")
        if found and found.get("ratio"):
            return found["ratio"]
    return None


def uncached_targets(run: dict) -> list[Target]:
    """Issue 14's targets: each uncached read against the ceiling (SQLite, 100k), each
    PostgreSQL figure at least half its SQLite one, and search flat from 100k to 1M."""
    cold = run["results"].get("uncached", {})
    pg = run["results"].get("pg_uncached", {})
    out: list[Target] = []
    for key, goal in UNCACHED_GOALS.items():
        m = cold.get(key)
        r = m.ratio if m and m.ok else None
        out.append(Target(f"uncached {ENDPOINTS[key]}", r, f">= {goal:.2f} x ceiling",
                          None if r is None else r >= goal, fmt(r)))
    for key in UNCACHED_GOALS:
        lite, post = cold.get(key), pg.get(key)
        if lite and post and lite.ok and post.ok and lite.ratio:
            share = post.ratio / lite.ratio
            out.append(Target(f"uncached {ENDPOINTS[key]}, PostgreSQL ÷ SQLite", share,
                              ">= 0.50", share >= 0.5,
                              f"{share:.2f} ({fmt(post.ratio)} / {fmt(lite.ratio)})"))
    search = cold.get("search")
    other = _other_scale_search(run["scale"])
    if search and search.ok and other:
        small, big = (other, search.ratio) if run["scale"] == "1m" else (search.ratio, other)
        growth = small / big  # how many times slower at 1M
        out.append(Target("uncached search: 1M ÷ 100k (time per request)", growth,
                          "<= 1.5", growth <= 1.5, f"{growth:.2f}"))
    else:
        out.append(Target("uncached search: 1M ÷ 100k (time per request)", None, "<= 1.5",
                          None, "needs runs at 100k and SCALE=1m"))
    return out


def _row(m: Measured, extra: str = "") -> str:
    r = m.result
    if not r:
        return f"{m.label:34} {'—':>8} {'—':>7} {'—':>7} {'—':>6} {'—':>6}  {m.note}"
    return (f"{m.label:34} {r.rps:8,.0f} {r.p50_ms:7.1f} {r.p99_ms:7.1f} {fmt(m.ratio):>6} "
            f"{fmt(m.cpu_ms):>6} {extra} {m.note}")


def print_report(run: dict) -> None:
    res = run["results"]
    ds = res.get("datasette", {})
    ceilings = run["ceiling_runs"]
    log("")
    log(f"Counterclaim read path — {run['date']} — {run['machine']}")
    log(f"archive: {run['scale']} claims ({run['archive_rows']:,} rows); load: wrk -t2 "
        f"-c{run['load']['connections']}, {run['load']['rounds']} rounds x "
        f"{run['load']['seconds']} s per endpoint, loopback; gunicorn -w 2 sync")
    if ceilings:
        log(f"bare-Flask ceiling: {statistics.median(ceilings):,.0f} req/s median of "
            f"{len(ceilings)} runs (min {min(ceilings):,.0f}, max {max(ceilings):,.0f}); "
            f"CPU {fmt(run.get('ceiling_cpu_ms'))} ms/req")
    log("÷ ceiling: median over rounds of req/s ÷ the ceiling run just before; "
        "CPU: server ms per request")
    log("")
    head = (f"{'endpoint':34} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'÷ceil':>6} "
            f"{'CPU':>6}")
    for group, title in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        if not res.get(group):
            continue
        cold = res.get("uncached" if group == "sqlite" else "pg_uncached", {})
        log(f"== {title}, public-read cache on (production) ==")
        log(head + f" {'÷Datasette':>10} {'uncached req/s ÷ceil CPU':>26}")
        for key, m in res[group].items():
            other = {"verdict": "row", "feed": "page"}.get(key)
            vs = ds_ratio(m, ds.get(other)) if other and group == "sqlite" else None
            c = cold.get(key)
            cold_s = (f"{c.result.rps:8,.0f} {fmt(c.ratio):>5} {fmt(c.cpu_ms):>5}"
                      if c and c.ok else (c.note[:26] if c else ""))
            log(_row(m, f"{fmt(vs, '.1f'):>10} {cold_s:>26}"))
        log("")
    if ds:
        log("== Datasette on the same SQLite file (one process, immutable, inspected) ==")
        log(head)
        for m in ds.values():
            log(_row(m))
        log("")
    if res.get("baseline"):
        log("== the same app on the 10k archive (latency growth) ==")
        log(head + f" {'p50÷ceiling p50':>16}")
        for m in res["baseline"].values():
            log(_row(m, f"{fmt(m.latency_units, '.1f'):>16}"))
        log("")
    log("peak RSS per app worker (VmHWM): "
        + (" / ".join(f"{v:.0f} MB" for v in run["rss_mb"]) or "—")
        + "; ceiling workers: "
        + (" / ".join(f"{v:.0f} MB" for v in run["ceiling_rss_mb"]) or "—"))
    for imp in run["imports"]:
        log(f"import ({imp['database']}, {imp['scale']}): {imp['rows']:,} rows, "
            f"{imp['rate']:,.0f} rows/s" + ("" if imp["now"] else " (generated earlier)"))
    if run.get("flask_import"):
        fi = run["flask_import"]
        log(f"flask import (sqlite, the 100k export): {fi['records']:,} records in "
            f"{fi['seconds']:.1f} s, {fi['rate']:,.0f} records/s, CPU {fi['cpu']:.1f} s "
            f"(issue 5: well under a minute — {'met' if fi['seconds'] < 30 else 'NOT MET'})")
    log("")
    log("== targets (issue 6: SQLite, 2 workers, one run) ==")
    for t in targets(run):
        log(f"  [{t.verdict:7}] {t.what:48} {t.shown:32} target {t.goal}")
    log("")
    log("== targets (issue 14: the uncached path, cache off) ==")
    for t in uncached_targets(run):
        log(f"  [{t.verdict:7}] {t.what:48} {t.shown:32} target {t.goal}")


def serialise(run: dict) -> dict:
    def conv(m: Measured) -> dict:
        return {"label": m.label, "note": m.note, "ratio": m.ratio, "cpu_ms": m.cpu_ms,
                "ceiling_rps": m.ceiling_rps, "latency_units": m.latency_units,
                **(m.result.as_dict() if m.result else {})}

    out = {k: v for k, v in run.items() if k != "results"}
    out["results"] = {g: {k: conv(m) for k, m in res.items()}
                      for g, res in run["results"].items()}
    out["targets"] = [{"what": t.what, "value": t.value, "goal": t.goal, "met": t.met}
                      for t in targets(run) + uncached_targets(run)]
    return out


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Counterclaim read-path benchmark")
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "100k",
                        choices=[s for s in workload.generate.SCALES if s != "1k"])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 4)),
                        help="seconds per round of each endpoint (default 4)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 2)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fresh", action="store_true", default=bool(os.environ.get("FRESH")),
                        help="regenerate the SQLite archives even when they are current")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="also measure on PostgreSQL (a throw-away database there)")
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY") or None,
                        help="comma-separated endpoint keys (iteration): "
                             + ",".join(ENDPOINTS))
    parser.add_argument("--no-uncached", action="store_true",
                        default=os.environ.get("BENCH_UNCACHED") == "0",
                        help="skip the run with the public-read cache off")
    parser.add_argument("--no-import", action="store_true",
                        default=os.environ.get("BENCH_IMPORT") == "0",
                        help="skip timing `flask import` of the 100k export")
    args = parser.parse_args(argv)
    keys = tuple(k for k in ENDPOINTS if not args.only or k in args.only.split(","))

    try:
        wrk = tools.ensure_wrk()
        datasette = tools.ensure_datasette()
    except tools.ToolMissing as exc:
        log(f"bench: {exc}")
        return 2
    OUT.mkdir(exist_ok=True)
    python = sys.executable

    archive = workload.sqlite_archive(args.scale, fresh=args.fresh, progress=log)
    imports = [{"database": "sqlite", "scale": archive.scale, "rows": archive.total_rows,
                "rate": archive.rate, "now": archive.generated_now}]
    baseline = None
    if args.scale != "10k":
        baseline = workload.sqlite_archive("10k", fresh=args.fresh, progress=log)
    samples = workload.sample(archive.url)

    port = free_port()
    ceiling = Server("ceiling", gunicorn_command(python, "bench.ceiling:app", port), port,
                     log=OUT / "ceiling.log")
    bench = Bench(wrk, ceiling, args.connections, args.seconds, args.rounds)
    db_path = Path(archive.url.removeprefix("sqlite:///"))
    inspect_file = OUT / f"archive-{args.scale}.inspect.json"
    subprocess.run([str(datasette), "inspect", str(db_path), "--inspect-file",
                    str(inspect_file)], check=True, capture_output=True)
    ds_port = free_port()
    ds_server = Server("datasette", [str(datasette), "serve", "-i", str(db_path),
                                     "--inspect-file", str(inspect_file),
                                     "-h", "127.0.0.1", "-p", str(ds_port)],
                       ds_port, ready_path="/-/versions.json", log=OUT / "datasette.log")
    app = app_server(archive.url, "app-sqlite", python)
    log(f"Load: wrk -t2 -c{args.connections}; per endpoint a warm-up, then {args.rounds} "
        f"rounds of [ceiling {max(2, args.seconds // 2)} s, endpoint {args.seconds} s]")
    with ceiling:
        with ds_server:
            ds_paths = workload.datasette_paths(db_path.stem, samples)
            ds_paths["page"] = workload.follow_next(ds_server.base_url, ds_paths["page"][0],
                                                    workload.SAMPLE)
            bench.measure("datasette", "row", "Datasette row page", ds_server,
                          ds_paths["row"])
            bench.measure("datasette", "page", "Datasette table page of 50 (no count)",
                          ds_server, ds_paths["page"])
            bench.measure("datasette", "page_suggest",
                          "Datasette page of 50, its defaults (-c4)", ds_server,
                          ds_paths["page_suggest"], rounds=1, connections=4,
                          seconds=max(8, args.seconds), warm=1)
        # Datasette is stopped first: it goes on computing what was asked of it after
        # the load stops, and would take CPU from what is measured next.
        with app:
            measure_app(bench, "sqlite", app, samples, keys)
            rss = app.peak_rss_mb()
        before = ceiling.cpu_seconds()
        check = run_wrk(wrk, ceiling.base_url, ["/"], bench.load(2))
        ceiling_cpu = 1000 * (ceiling.cpu_seconds() - before) / max(1, check.requests)
        ceiling_rss = ceiling.peak_rss_mb()
        if not args.no_uncached:
            with app_server(archive.url, "app-sqlite-uncached", python,
                            READ_CACHE_MAX_BYTES="0") as cold:
                measure_app(bench, "uncached", cold, samples, keys, rounds=1, warm=1)
        if baseline is not None:
            base_keys = tuple(k for k in GROWTH_KEYS if k in keys)
            with app_server(baseline.url, "app-sqlite-10k", python) as small:
                measure_app(bench, "baseline", small, workload.sample(baseline.url),
                            base_keys)
        if args.postgres:
            pg_archive, drop = workload.postgres_archive(args.postgres, args.scale,
                                                         progress=log)
            try:
                imports.append({"database": "postgresql", "scale": args.scale,
                                "rows": pg_archive.total_rows, "rate": pg_archive.rate,
                                "now": True})
                pg_samples = workload.sample(pg_archive.url)
                with app_server(pg_archive.url, "app-postgresql", python) as pg:
                    measure_app(bench, "postgresql", pg, pg_samples, keys)
                if not args.no_uncached:
                    with app_server(pg_archive.url, "app-postgresql-uncached", python,
                                    READ_CACHE_MAX_BYTES="0") as pg_cold:
                        measure_app(bench, "pg_uncached", pg_cold, pg_samples, keys,
                                    rounds=1, warm=1)
            finally:
                drop()

    flask_import = None
    if not args.no_import:  # issue 5: a 100k-claim export, well under a minute on SQLite
        from bench import importrate

        path, records = importrate.export_file("100k", args.fresh)
        log(f"Timing flask import of {path.relative_to(ROOT)} ({records:,} records)")
        flask_import = importrate.import_once(path, records, None, ROOT)
        flask_import["records"] = records

    run = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "scale": args.scale,
        "archive_rows": archive.total_rows,
        "load": {"connections": args.connections, "seconds": args.seconds,
                 "rounds": args.rounds},
        "ceiling_runs": [r.rps for r in bench.ceiling_runs],
        "ceiling_cpu_ms": ceiling_cpu,
        "rss_mb": rss,
        "ceiling_rss_mb": ceiling_rss,
        "imports": imports,
        "flask_import": flask_import,
        "results": bench.results,
    }
    print_report(run)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = OUT / f"results-{args.scale}-{stamp}.json"
    path.write_text(json.dumps(serialise(run), indent=1, default=str))
    log(f"\nresults: {path.relative_to(ROOT)}")
    return 0

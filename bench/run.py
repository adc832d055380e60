"""`make bench`: Counterclaim's read path against Flask's ceiling and Datasette.

One run, on this machine, prints req/s and p50/p99 of each public read as a ratio to
a bare Flask app measured alongside (same gunicorn settings), the feed and the detail
also against Datasette serving the same SQLite file, peak RSS per worker, the import
rate, and the issue's targets with whether each is met. Absolute numbers drift on a
shared machine; the ratios within one run are what count.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
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
    note: str = ""  # why there is no result, or what is odd about it

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass
class Bench:
    wrk: str
    load: Load
    warmup: Load
    results: dict[str, dict[str, Measured]] = field(default_factory=dict)

    def measure(self, group: str, key: str, label: str, server: Server, paths: list[str],
                expect: int = 200) -> Measured:
        m = self._measure(label, server, paths, expect)
        self.results.setdefault(group, {})[key] = m
        r = m.result
        shown = (f"{r.rps:8,.0f} req/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms"
                 if r else m.note)
        log(f"  {group:10} {label:32} {shown}")
        return m

    def _measure(self, label: str, server: Server, paths: list[str], expect: int) -> Measured:
        if not paths:
            return Measured(label, note="no sample in this archive")
        for path in paths[:3]:  # probe: the endpoint exists and answers as expected
            line = path.split("\t")
            headers = {"If-None-Match": line[1]} if len(line) > 1 else {}
            answer = fetch(server.base_url + line[0], headers)
            if answer.status in (404, 405) and expect != answer.status:
                return Measured(label, note=f"not there ({answer.status} {line[0]})")
            if answer.status != expect:
                snippet = answer.body[:200].decode("utf-8", "replace")
                return Measured(label, note=f"answered {answer.status}, expected {expect}: "
                                            f"{line[0]} {snippet}")
        run_wrk(self.wrk, server.base_url, paths, self.warmup)
        result = run_wrk(self.wrk, server.base_url, paths, self.load)
        note = f"{result.errors} errors" if result.errors else ""
        return Measured(label, result, note)


def app_server(url: str, name: str, python: str) -> Server:
    env = {"DATABASE_URL": url, "COUNTERCLAIM_ENV": "production",
           "SECRET_KEY": secrets.token_hex(32)}
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
                keys=tuple(ENDPOINTS)) -> None:
    paths = workload.app_paths(samples)
    if "feed" in keys:
        paths["feed"] = workload.follow_next(server.base_url, paths["feed"][0],
                                             workload.SAMPLE)
    if "not_modified" in keys:
        paths["not_modified"] = with_etags(server.base_url, paths["not_modified"])
    for key in keys:
        bench.measure(group, key, ENDPOINTS[key], server, paths[key],
                      expect=EXPECTED.get(key, 200))


# -- the report -----------------------------------------------------------------------


def ratio(a: Measured | None, b: float | None) -> float | None:
    if a is None or not a.ok or not b:
        return None
    return a.result.rps / b


def fmt(value: float | None, spec: str = ".2f", none: str = "—") -> str:
    return none if value is None else format(value, spec)


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
    res = run["results"]["sqlite"]
    ceiling = run["ceiling_rps"]
    ds = run["results"].get("datasette", {})
    out: list[Target] = []

    def at_least(key: str, goal: float, what: str) -> None:
        r = ratio(res.get(key), ceiling)
        out.append(Target(what, r, f">= {goal:.2f} x ceiling",
                          None if r is None else r >= goal, fmt(r)))

    at_least("verdict", 0.5, "verdict detail")
    at_least("feed", 0.3, "feed page of 50")
    feed, page = res.get("feed"), ds.get("page")
    r = ratio(feed, page.result.rps if page and page.ok else None)
    out.append(Target("feed page of 50 vs Datasette page of 50", r, ">= 5 x Datasette",
                      None if r is None else r >= 5, fmt(r, ".1f")))
    at_least("dispute", 0.25, "dispute detail (10 claims)")
    at_least("not_modified", 0.8, "304 answers")
    measured = [m for m in res.values() if m.ok]
    worst = max(measured, key=lambda m: m.result.p99_ms, default=None)
    out.append(Target(
        f"p99 at {run['load']['connections']} connections, every read", worst and
        worst.result.p99_ms, "< 50 ms",
        None if worst is None else all(m.result.p99_ms < 50 for m in measured),
        f"worst {worst.result.p99_ms:.1f} ms ({worst.label})" if worst else ""))
    base = run["results"].get("baseline", {})
    for key in GROWTH_KEYS:
        big, small = res.get(key), base.get(key)
        if big and small and big.ok and small.ok:
            g = big.result.p50_ms / small.result.p50_ms
            out.append(Target(f"{ENDPOINTS[key]}: p50 at {run['scale']} / at 10k", g,
                              "<= 1.5 (at 1M)", g <= 1.5 if run["scale"] == "1m" else None,
                              f"{g:.2f} (p99 {big.result.p99_ms / small.result.p99_ms:.2f})"))
        else:
            out.append(Target(f"{ENDPOINTS[key]}: latency at 1M / at 10k", None,
                              "<= 1.5 (at 1M)", None, "needs SCALE=1m (or 100k) run"))
    rss = run.get("rss_mb") or []
    peak = max(rss) if rss else None
    out.append(Target(f"peak RSS per worker at {run['scale']}", peak, "< 150 MB (at 1M)",
                      None if peak is None else peak < 150,
                      " / ".join(f"{v:.0f} MB" for v in rss)))
    return out


def print_report(run: dict) -> None:
    ceiling = run["ceiling_rps"]
    ds = run["results"].get("datasette", {})
    log("")
    log(f"Counterclaim read path — {run['date']} — {run['machine']}")
    log(f"archive {run['scale']} claims ({run['archive_rows']:,} rows); load: wrk "
        f"-t{run['load']['threads']} -c{run['load']['connections']} -d{run['load']['seconds']}s"
        f" on loopback; gunicorn -w 2 sync")
    log(f"bare-Flask ceiling: {ceiling:,.0f} req/s (runs: "
        + ", ".join(f"{v:,.0f}" for v in run["ceiling_runs"]) + ")")
    log("")
    head = (f"{'endpoint':34} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'÷ ceiling':>9} "
            f"{'÷ Datasette':>11}  note")
    for group, title in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        res = run["results"].get(group)
        if not res:
            continue
        log(f"== {title} ==")
        log(head)
        for key, m in res.items():
            other = {"verdict": "row", "feed": "page"}.get(key)
            ds_m = ds.get(other) if other and group == "sqlite" else None
            r = m.result
            vs_ds = ratio(m, ds_m.result.rps if ds_m and ds_m.ok else None)
            if r:
                log(f"{m.label:34} {r.rps:8,.0f} {r.p50_ms:7.1f} {r.p99_ms:7.1f} "
                    f"{fmt(ratio(m, ceiling)):>9} {fmt(vs_ds, '.1f'):>11}  {m.note}")
            else:
                log(f"{m.label:34} {'—':>8} {'—':>7} {'—':>7} {'—':>9} {'—':>11}  {m.note}")
        log("")
    if ds:
        log("== Datasette on the same SQLite file (one process, immutable, inspected) ==")
        log(head)
        for m in ds.values():
            r = m.result
            if r:
                log(f"{m.label:34} {r.rps:8,.0f} {r.p50_ms:7.1f} {r.p99_ms:7.1f} "
                    f"{fmt(ratio(m, ceiling)):>9} {'':>11}  {m.note}")
            else:
                log(f"{m.label:34} {'—':>8}  {m.note}")
        log("")
    base = run["results"].get("baseline")
    if base:
        log("== the same app on the 10k archive (latency growth) ==")
        for m in base.values():
            r = m.result
            log(f"{m.label:34} " + (f"{r.rps:8,.0f} {r.p50_ms:7.1f} {r.p99_ms:7.1f}"
                                      if r else m.note))
        log("")
    log("peak RSS per app worker (VmHWM): "
        + (" / ".join(f"{v:.0f} MB" for v in run["rss_mb"]) or "—")
        + "; ceiling workers: " + (" / ".join(f"{v:.0f} MB" for v in run["ceiling_rss_mb"])
                                   or "—"))
    for imp in run["imports"]:
        log(f"import ({imp['database']}, {imp['scale']}): {imp['rows']:,} rows, "
            f"{imp['rate']:,.0f} rows/s" + ("" if imp["now"] else " (generated earlier)"))
    log("")
    log("== targets (issue 6: SQLite, 2 workers, one run) ==")
    for t in targets(run):
        log(f"  [{t.verdict:7}] {t.what:48} {t.shown:28} target {t.goal}")


def serialise(run: dict) -> dict:
    def conv(m: Measured) -> dict:
        return {"label": m.label, "note": m.note, **(m.result.as_dict() if m.result else {})}

    out = {k: v for k, v in run.items() if k != "results"}
    out["results"] = {g: {k: conv(m) for k, m in res.items()}
                      for g, res in run["results"].items()}
    out["targets"] = [{"what": t.what, "value": t.value, "goal": t.goal, "met": t.met}
                      for t in targets(run)]
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
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 8)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fresh", action="store_true", default=bool(os.environ.get("FRESH")),
                        help="regenerate the SQLite archives even when they are current")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="also measure on PostgreSQL (a throw-away database there)")
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY") or None,
                        help="comma-separated endpoint keys (iteration): "
                             + ",".join(ENDPOINTS))
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
    load = Load(threads=2, connections=args.connections, seconds=args.seconds)
    bench = Bench(wrk, load, Load(2, args.connections, max(1, args.seconds // 4)))

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
    ceiling_runs: list[float] = []

    def measure_ceiling(label: str) -> None:
        m = bench.measure("ceiling", f"run{len(ceiling_runs) + 1}", label, ceiling, ["/"])
        if not m.ok:
            raise RuntimeError(f"the ceiling app failed: {m.note}")
        ceiling_runs.append(m.result.rps)

    log(f"Load: wrk -t{load.threads} -c{load.connections} -d{load.seconds}s per endpoint "
        f"(after a {bench.warmup.seconds} s warm-up), loopback")
    # All three servers stay up (idle sync workers cost nothing); the ceiling is measured
    # at the start, in the middle and at the end, so drift on a shared machine shows.
    with ceiling, ds_server, app:
        measure_ceiling("bare Flask (ceiling)")
        ds_paths = workload.datasette_paths(db_path.stem, samples)
        ds_paths["page"] = workload.follow_next(ds_server.base_url, ds_paths["page"][0],
                                                workload.SAMPLE)
        bench.measure("datasette", "row", "Datasette row page", ds_server, ds_paths["row"])
        bench.measure("datasette", "page", "Datasette table page of 50", ds_server,
                      ds_paths["page"])
        short = Bench(wrk, Load(2, 4, max(2, args.seconds // 2)), Load(1, 1, 1))
        m = short.measure("datasette", "page_suggest",
                          "Datasette page of 50, default facet suggestions (-c4)", ds_server,
                          ds_paths["page_suggest"])
        bench.results["datasette"]["page_suggest"] = m
        half = (len(keys) + 1) // 2
        measure_app(bench, "sqlite", app, samples, keys[:half])
        measure_ceiling("bare Flask (ceiling, middle)")
        measure_app(bench, "sqlite", app, samples, keys[half:])
        measure_ceiling("bare Flask (ceiling, end)")
        rss = app.peak_rss_mb()
        ceiling_rss = ceiling.peak_rss_mb()
    if baseline is not None:
        base_keys = tuple(k for k in GROWTH_KEYS if k in keys)
        with app_server(baseline.url, "app-sqlite-10k", python) as small:
            measure_app(bench, "baseline", small, workload.sample(baseline.url), base_keys)
    if args.postgres:
        pg_archive, drop = workload.postgres_archive(args.postgres, args.scale, progress=log)
        try:
            imports.append({"database": "postgresql", "scale": args.scale,
                            "rows": pg_archive.total_rows, "rate": pg_archive.rate,
                            "now": True})
            with app_server(pg_archive.url, "app-postgresql", python) as pg:
                measure_app(bench, "postgresql", pg, workload.sample(pg_archive.url), keys)
        finally:
            drop()

    run = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "scale": args.scale,
        "archive_rows": archive.total_rows,
        "load": {"threads": load.threads, "connections": load.connections,
                 "seconds": load.seconds},
        "ceiling_runs": ceiling_runs,
        "ceiling_rps": sum(ceiling_runs) / len(ceiling_runs),
        "rss_mb": rss,
        "ceiling_rss_mb": ceiling_rss,
        "imports": imports,
        "results": {k: v for k, v in bench.results.items() if k != "ceiling"},
    }
    print_report(run)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = OUT / f"results-{args.scale}-{stamp}.json"
    path.write_text(json.dumps(serialise(run), indent=1, default=str))
    log(f"\nresults: {path.relative_to(ROOT)}")
    return 0

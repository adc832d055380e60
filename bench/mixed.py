"""Reads while the newsroom writes: `make bench-mixed`.

    python -m bench.mixed                         # 10k archive, this tree
    python -m bench.mixed --baseline 60c1f13      # + that revision, same run, same paths

Consumers read over 1,000+ distinct public URLs (verdict details, dispute details, feed
pages) with `wrk -t2 -c32` against `gunicorn -w 2` (production settings, read cache on)
on a copy of the 10k archive, while an API client PATCHes event titles (GET for the ETag,
then PATCH with If-Match, as a journalist's script would) at 1 and then 5 writes/s. Each
round measures [read-only, 1 write/s, read-only, 5 writes/s]; a writing phase's read rate
is divided by the read-only phase just before it, so other load on the machine cancels
out. Prints the median ratio of each rate and the writes' p50/p99 (the PATCH alone).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import requests

from bench import load, tools, workload
from bench.run import app_server, log
from bench.servers import ROOT

OUT = ROOT / "bench" / "out"
RATES = (1, 5)


def prepare(archive: workload.Archive, name: str) -> tuple[str, str, list[int]]:
    """A copy of the archive with an editor's API token; (url, token, event ids)."""
    src = Path(archive.url.removeprefix("sqlite:///"))
    dst = OUT / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    url = f"sqlite:///{dst}"
    os.environ.setdefault("SECRET_KEY", "bench-mixed-" + "x" * 32)
    from app import create_app
    from app.extensions import db
    from app.models import Event
    from app.services import users
    from config import ProductionConfig

    class Prepare(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = url
        READ_CACHE_MAX_BYTES = 0

    app = create_app(Prepare)
    with app.app_context():
        user = users.create_user("bench-editor@example.org", "Bench Editor", "editor")
        _, token = users.issue_token(user, "bench")
        events = [e for (e,) in db.session.execute(db.select(Event.id))]
        db.session.remove()
        db.engine.dispose()
    return url, token, events


def read_paths(base_url: str, samples: workload.Samples, url: str) -> list[str]:
    """1,000+ distinct public URLs: verdicts, disputes and feed pages."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        verdicts = [r for (r,) in conn.execute(sa.text(
            "SELECT id FROM verdicts WHERE state IN ('published', 'withdrawn') "
            "AND deleted_at IS NULL ORDER BY id LIMIT 700"))]
        disputes = [r for (r,) in conn.execute(sa.text(
            "SELECT id FROM disputes WHERE deleted_at IS NULL ORDER BY id LIMIT 300"))]
    engine.dispose()
    api = workload.API
    paths = [f"{api}/verdicts/{i}" for i in verdicts] + [f"{api}/disputes/{i}" for i in disputes]
    paths += workload.follow_next(base_url, f"{api}/verdicts?limit={workload.FEED_PAGE}", 60)
    random.Random(6).shuffle(paths)
    return paths


class Writer(threading.Thread):
    """PATCHes event titles at `rate` per second until stopped; keeps each PATCH's time."""

    def __init__(self, base_url: str, token: str, events: list[int], rate: float) -> None:
        super().__init__(daemon=True)
        self.base_url, self.rate, self.events = base_url, rate, events
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.stop_event = threading.Event()
        self.latencies: list[float] = []
        self.errors = 0
        self.rnd = random.Random(rate)

    def run(self) -> None:
        interval, due = 1.0 / self.rate, time.monotonic()
        while not self.stop_event.is_set():
            event_id = self.rnd.choice(self.events)
            url = f"{self.base_url}{workload.API}/events/{event_id}"
            try:
                tag = self.session.get(url, timeout=10).headers["ETag"]
                started = time.perf_counter()
                answer = self.session.patch(url, json={"title": f"Event {event_id} at "
                                                       f"{time.time():.3f}"},
                                            headers={"If-Match": tag}, timeout=10)
                self.latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    self.errors += 1
            except (requests.RequestException, KeyError):
                self.errors += 1
            due += interval
            self.stop_event.wait(max(0.0, due - time.monotonic()))

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=15)


def warm(wrk: str, server, paths: list[str], limit: float = 90.0) -> None:
    """Until every worker has kept every URL: 5 s runs until the rate stops rising."""
    started, last = time.monotonic(), 0.0
    while time.monotonic() - started < limit:
        rps = load.run_wrk(wrk, server.base_url, paths, load.Load(seconds=5)).rps
        if last and rps < last * 1.1:
            return
        last = rps


def phase(wrk: str, server, paths, seconds: int, writer: Writer | None) -> dict:
    if writer:
        writer.start()
    try:
        result = load.run_wrk(wrk, server.base_url, paths, load.Load(seconds=seconds))
    finally:
        if writer:
            writer.stop()
    return {"rps": result.rps, "p50_ms": result.p50_ms, "p99_ms": result.p99_ms,
            "errors": result.errors, "load": os.getloadavg()[0]}


def measure(name: str, archive, wrk: str, seconds: int, rounds: int,
            cwd: Path = ROOT) -> dict:
    url, token, events = prepare(archive, f"mixed-{name}")
    server = app_server(url, f"mixed-{name}", sys.executable)
    server.cwd = cwd
    figures: dict = {"ratios": {r: [] for r in RATES}, "writes": {r: [] for r in RATES},
                     "write_errors": 0, "phases": []}
    with server:
        paths = read_paths(server.base_url, workload.sample(url), url)
        log(f"{name}: {len(paths)} distinct URLs; warming up")
        warm(wrk, server, paths)
        for n in range(rounds):
            for rate in RATES:
                quiet = phase(wrk, server, paths, seconds, None)
                writer = Writer(server.base_url, token, events, rate)
                busy = phase(wrk, server, paths, seconds, writer)
                ratio = busy["rps"] / quiet["rps"] if quiet["rps"] else 0.0
                figures["ratios"][rate].append(ratio)
                figures["writes"][rate].extend(writer.latencies)
                figures["write_errors"] += writer.errors
                figures["phases"].append({"round": n, "rate": rate, "read_only": quiet,
                                          "writing": busy, "writes": len(writer.latencies)})
                log(f"{name} round {n + 1}, {rate} writes/s: {busy['rps']:,.0f} ÷ "
                    f"{quiet['rps']:,.0f} req/s = {ratio:.2f}; reads p99 "
                    f"{busy['p99_ms']:.1f} ms; {len(writer.latencies)} writes, p99 "
                    f"{_pct(writer.latencies, 99):.1f} ms; load {busy['load']:.1f}")
    figures["urls"] = len(paths)
    return figures


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def unpack(revision: str) -> Path:
    """That revision's tree under bench/out/ (the app only; run with this virtualenv)."""
    target = OUT / f"tree-{revision}"
    if not target.exists():
        archive = OUT / f"tree-{revision}.tar"
        subprocess.run(["git", "archive", "-o", str(archive), revision], cwd=ROOT, check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        archive.unlink()
    return target


def report(results: dict[str, dict]) -> None:
    print("\n| tree | writes/s | reads ÷ read-only (median; rounds) | write p50 / p99 ms |")
    print("| --- | ---: | --- | --- |")
    for name, fig in results.items():
        for rate in RATES:
            ratios = fig["ratios"][rate]
            writes = fig["writes"][rate]
            print(f"| {name} | {rate} | **{statistics.median(ratios):.2f}** "
                  f"({', '.join(f'{r:.2f}' for r in ratios)}) | "
                  f"{_pct(writes, 50):.1f} / {_pct(writes, 99):.1f} |")
    print(f"\n{next(iter(results.values()))['urls']} distinct URLs; write errors: "
          + ", ".join(f"{n} {f['write_errors']}" for n, f in results.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", default=None, help="a git revision to run as well")
    args = parser.parse_args(argv)
    try:
        wrk = tools.ensure_wrk()
    except tools.ToolMissing as exc:
        log(f"bench: {exc}")
        return 2
    OUT.mkdir(exist_ok=True)
    archive = workload.sqlite_archive("10k", progress=log)
    log(f"load average {os.getloadavg()[0]:.2f} at the start")
    results = {}
    if args.baseline:
        results[args.baseline] = measure(args.baseline, archive, wrk, args.seconds,
                                         args.rounds, cwd=unpack(args.baseline))
    results["now"] = measure("now", archive, wrk, args.seconds, args.rounds)
    report(results)
    path = OUT / f"mixed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1, default=str))
    log(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

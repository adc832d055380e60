"""Drive load with wrk on loopback, bounded in time, and read its figures."""

from __future__ import annotations

import json
import subprocess
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk" / "paths.lua"


@dataclass(frozen=True)
class Load:
    threads: int = 2
    connections: int = 32
    seconds: int = 8


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # connect/read/write errors, timeouts, and statuses >= 400

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"rps": round(self.rps, 1), "p50_ms": self.p50_ms, "p90_ms": self.p90_ms,
                "p99_ms": self.p99_ms, "max_ms": self.max_ms, "requests": self.requests,
                "errors": self.errors}


def run_wrk(wrk: str, base_url: str, paths: list[str], load: Load) -> Result:
    """Load `base_url` with `paths` (each "path" or "path\\tETag"), round robin."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        path_file = f.name
    try:
        out = subprocess.run(
            [wrk, f"-t{load.threads}", f"-c{load.connections}", f"-d{load.seconds}s",
             "--timeout", "10s", "-s", str(LUA), base_url, "--", path_file],
            capture_output=True, text=True, timeout=load.seconds + 60, check=True)
    finally:
        Path(path_file).unlink(missing_ok=True)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH-JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out.stdout}\n{out.stderr}")
    d = json.loads(line[len("BENCH-JSON "):])
    errors = sum(d[k] for k in ("connect_errors", "read_errors", "write_errors",
                                "status_errors", "timeouts"))
    return Result(requests=d["requests"], seconds=d["duration_us"] / 1e6,
                  p50_ms=d["p50_us"] / 1000, p90_ms=d["p90_us"] / 1000,
                  p99_ms=d["p99_us"] / 1000, max_ms=d["max_us"] / 1000, errors=errors)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    """One GET, whatever its status (the probe before each load)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return Answer(r.status, dict(r.headers.items()), r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, dict(e.headers.items()), e.read())

"""The tools the harness drives, installed or checked here so `make bench` works on a
fresh machine: Debian's wrk (apt-get), and Datasette in a venv of its own (its
dependencies must not meet the app's pins in .venv)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATASETTE_VERSION = "0.65.5"
DATASETTE_VENV = BENCH_DIR / ".venv-datasette"


class ToolMissing(RuntimeError):
    pass


def _run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ToolMissing(
            "wrk is not installed. Install Debian's package: sudo apt-get install wrk")
    print("Installing Debian's wrk (apt-get) ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        _run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        _run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, stdout=subprocess.DEVNULL)
    except subprocess.CalledProcessError as exc:
        raise ToolMissing(f"apt-get could not install wrk ({exc}).") from None
    found = shutil.which("wrk")
    if not found:
        raise ToolMissing("apt-get ran but wrk is still not on PATH.")
    return found


def ensure_datasette() -> Path:
    """bench/.venv-datasette/bin/datasette at the pinned version, made on first use."""
    exe = DATASETTE_VENV / "bin" / "datasette"
    if exe.exists():
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
        if DATASETTE_VERSION in out.stdout:
            return exe
    print(f"Installing datasette=={DATASETTE_VERSION} into {DATASETTE_VENV} ...", flush=True)
    try:
        _run([sys.executable, "-m", "venv", "--clear", str(DATASETTE_VENV)])
        _run([str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet",
              f"datasette=={DATASETTE_VERSION}"])
    except subprocess.CalledProcessError as exc:
        raise ToolMissing(f"could not install datasette=={DATASETTE_VERSION} ({exc}).") from None
    return exe

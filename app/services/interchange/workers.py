"""Checking chunks of lines in forked worker processes (they need no database), results
kept in file order."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from app.services.interchange.lines import _check_lines, _Checked, _TablePlan

# -- checking chunks in worker processes ----------------------------------------------

_worker_plans: dict[str, _TablePlan] = {}


def _worker_start(plans: dict[str, _TablePlan], parent: int) -> None:
    """In each worker (forked: the plans, the schemas and their closures are inherited,
    not pickled). Ctrl-C is the parent's to handle; a worker whose parent was killed
    ends itself rather than wait forever for work."""
    global _worker_plans
    _worker_plans = plans
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=orphaned, daemon=True).start()


def _worker_check(first: int, lines: list[str]) -> _Checked:
    return _check_lines(_worker_plans, first, lines)


def default_workers() -> int:
    """Worker processes for a long file: one per CPU this process may use, at most 4;
    none where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return min(cpus, 4)


def _chunks(lines: Iterator[str], first: int, size: int) -> Iterator[tuple[int, list[str]]]:
    while batch := list(itertools.islice(lines, size)):
        yield first, batch
        first += len(batch)


def _checked_chunks(lines: Iterator[str], first: int, plans: dict[str, _TablePlan],
                    workers: int, size: int) -> Iterator[tuple[int, _Checked]]:
    """(bytes read, checked chunk) for each chunk of `size` lines, in file order: in
    `workers` processes when there are at least two chunks and workers, else here."""
    chunks = _chunks(lines, first, size)
    head = list(itertools.islice(chunks, 2))
    if workers < 2 or len(head) < 2:
        for start, batch in itertools.chain(head, chunks):
            yield _size(batch), _check_lines(plans, start, batch)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                             initargs=(plans, os.getpid())) as pool:
        pending: deque = deque()
        try:
            for start, batch in itertools.chain(head, chunks):
                pending.append((_size(batch), pool.submit(_worker_check, start, batch)))
                if len(pending) > 2 * workers:  # a bounded read-ahead, not the whole file
                    size_read, future = pending.popleft()
                    yield size_read, future.result()
            while pending:
                size_read, future = pending.popleft()
                yield size_read, future.result()
        finally:  # stopped early (too many errors) or failed: drop what is still queued
            for _, future in pending:
                future.cancel()


def _size(batch: list[str]) -> int:
    return sum(map(len, batch)) + len(batch)

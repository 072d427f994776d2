"""Worker processes for sweeps, started when a sweep first needs them and kept for the next
one (the app keeps them for its session).

    workers = Workers()
    future = workers.submit(3, configs, tag=0, sweep=1, follow=False)   # a task in a process
    workers.drain(lambda sweep, tag, outcomes: ...)                      # progress reports
    workers.halt([future])          # stop what runs (kept for the next sweep if they obey)
    workers.close()                 # every process gone

Processes are spawned (safe beside the app's threads), print nothing, ignore ctrl+c (the parent
stops them through an event) and exit by themselves should the parent die, even by SIGKILL.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from queue import Empty

from . import blas
from .config import Config
from .outcome import Outcome

PARENT_CHECK = 0.2
"""Seconds between a worker's checks that the process that started it is still there."""
SHUTDOWN_GRACE = 0.3
"""Seconds processes have to exit after the stop event before they are terminated."""
HALT_GRACE = 1.0
"""Seconds stopped tasks have to return (they check every quarter of a second) before their
processes are terminated rather than kept for the next sweep."""

_STOP = None
_QUEUE = None
"""In a worker process: the stop event and progress queue of its pool (see _start_worker)."""


class Workers:
    """A pool of worker processes kept between sweeps; ``close()`` ends it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        """Held by the sweep using the processes: the next sweep waits for the last one to
        have stopped its tasks."""
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0
        self._stop = None
        self._queue = None

    @property
    def started(self) -> int:
        """How many processes are running (0: none yet, or closed)."""
        return self._size if self._pool is not None else 0

    def submit(
        self, processes: int, configs: list[Config], tag: int, sweep: int, follow: bool
    ) -> Future:
        """Train ``configs`` together in one of ``processes`` processes (started if fewer run);
        with ``follow`` its progress comes back through :meth:`drain` as (sweep, tag, runs)."""
        if self.started < processes:
            self.close()
            self._open(processes)
        return self._pool.submit(_train_in_worker, configs, tag, sweep, follow)

    def _open(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop, self._queue = context.Event(), context.Queue()
        initargs = (self._stop, self._queue, os.getpid(), blas.threads())
        with _interrupts_held():  # the workers start as they will live: deaf to ctrl+c
            self._pool = ProcessPoolExecutor(
                processes, mp_context=context, initializer=_start_worker, initargs=initargs
            )
            # start them all now (a spawning pool starts one per submit otherwise)
            for _ in range(processes):
                self._pool.submit(int)
        self._size = processes

    def drain(self, report: Callable[[int, int, Sequence[Outcome]], object]) -> None:
        """Pass on every progress report waiting: ``report(sweep, tag, runs)``."""
        while self._queue is not None:
            try:
                item = self._queue.get_nowait()
            except (Empty, OSError, ValueError):
                return
            report(*item)

    def halt(self, futures: Sequence[Future]) -> None:
        """Stop the tasks of ``futures`` still running: they see the stop event and return
        within a quarter of a second; processes still busy after HALT_GRACE seconds are
        terminated (the next sweep starts new ones)."""
        running = [f for f in futures if not f.done()]
        if not running or self._pool is None:
            return
        self._stop.set()
        _, late = wait(running, timeout=HALT_GRACE)
        if late:
            self.close()
        else:
            self._stop.clear()

    def close(self) -> None:
        """Every process gone (within SHUTDOWN_GRACE seconds, then terminated)."""
        if self._pool is None:
            return
        pool, queue = self._pool, self._queue
        self._pool = self._queue = None
        self._size = 0
        self._stop.set()
        processes = list((pool._processes or {}).values())  # noqa: SLF001 - to reap them for sure
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(1.0)
        queue.cancel_join_thread()  # progress nobody will read must not hold the exit
        queue.close()


def _start_worker(stop, queue, parent: int, threads: int | None = None) -> None:
    """In a worker process, before any task: print nothing (an app may be drawing on the
    terminal; results and errors come back through the futures), keep the pool's stop event
    and progress queue, limit BLAS to the parent's ``threads`` (None: the default, one: a
    thread per core in each process would only fight over the cores), and exit at once should
    the parent (pid ``parent``) die, even by SIGKILL -- or have died already while this process
    was starting."""
    global _STOP, _QUEUE
    _STOP, _QUEUE = stop, queue
    blas.use_threads(threads)
    # ctrl+c in a terminal reaches the whole process group: the parent stops the workers
    # through the event; one dying of it on its own would break the pool under the others
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        os._exit(1)  # orphaned: nobody will read the results

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _Reports:
    """A worker's progress reports, tagged with their sweep and task."""

    def __init__(self, sweep: int):
        self.sweep = sweep

    def put(self, item) -> None:
        _QUEUE.put((self.sweep, *item))


def _train_in_worker(configs: list[Config], tag: int, sweep: int = 0, follow: bool = False):
    from .parallel import train_group

    return train_group(configs, _Reports(sweep) if follow else None, _STOP, tag)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT held back from this thread meanwhile (delivered once it is over). Processes
    started meanwhile inherit the mask, so a ctrl+c to the whole job while a worker is still
    starting Python cannot kill it there (its initializer then ignores SIGINT for good)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)

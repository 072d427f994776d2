"""Running sweeps: runs grouped by what they can share, the groups spread over processes.

    results = run_sweeps([sweep], jobs=2)           # one SweepResult per sweep

Runs that can share one computation (see engine.batch) are trained together; the groups are
spread over ``jobs`` processes. Identical configs (two sections of a preset may share one) are
trained once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from queue import Empty

import numpy as np

from . import blas, memory
from .config import Config
from .labels import labels
from .outcome import Outcome, State
from .sweep import Sweep
from .trainer import Trainer, batch_key, make_dataset
from .training import train_together


@dataclass
class SweepResult:
    """A sweep's runs, in the order of :meth:`Sweep.configs`, with labels of what differs."""

    sweep: Sweep
    outcomes: list[Outcome]

    @property
    def configs(self) -> list[Config]:
        return self.sweep.configs()

    def labels(self) -> list[str]:
        return labels(self.configs, [key for key, _ in self.sweep.vary])

    def runs(self) -> list[tuple[Config, Outcome]]:
        """(config, outcome) per run, in the grid's order."""
        return list(zip(self.configs, self.outcomes))


Progress = Callable[[dict[Config, Outcome]], None]


def _train_group(configs: list[Config], progress_queue=None, stop=None, tag: int = 0):
    """Train a group of compatible configs together, in a worker process or inline; returns
    their Outcomes. ``progress_queue.put((tag, outcomes))`` reports the runs so far; ``stop``
    (anything with ``is_set()``) ends the group early."""

    last = []  # the trainer, as its final report leaves it: at the runs' final weights

    def report(trainer) -> None:
        last[:] = [trainer]
        if progress_queue is not None:
            progress_queue.put((tag, [trainer.progress(k) for k in range(len(configs))]))

    if stop is not None and stop.is_set():  # a group picked up after the sweep was stopped
        return [Outcome(state=State.STOPPED) for _ in configs]
    cancelled = stop.is_set if stop is not None else None
    outcomes = train_together(configs, progress=report, cancelled=cancelled)
    if not last:
        return outcomes
    return [
        dataclasses.replace(outcome, dead_units=dead_units(last[0], k))
        for k, outcome in enumerate(outcomes)
    ]


def dead_units(trainer: Trainer, k: int) -> int | None:
    """How many of run k's hidden units output 0 on every one of its samples at its current
    weights (a dead ReLU: no gradient reaches its weights again), from one forward pass; None
    for a run that diverged (its weights are not numbers)."""
    if trainer.diverged_at[k] is not None:
        return None
    _, hidden = trainer.network(k).inspect(trainer.data[k].x)
    return sum(int(np.count_nonzero(~np.any(a != 0.0, axis=0))) for a in hidden)


def plan(configs: Sequence[Config], jobs: int, budget: int | None = None) -> list[list[Config]]:
    """Unique configs grouped by what they can share, large groups split so jobs stay busy and
    so the groups that may train at once fit the memory ``budget`` (bytes; None: no limit).

    Raises MemoryBudgetError when a single run would not fit its share of the budget.
    """
    unique = list(dict.fromkeys(configs))
    sizes = {config: make_dataset(config).n for config in unique}
    groups: dict[tuple, list[Config]] = {}
    for config in unique:
        groups.setdefault(batch_key(config, sizes[config]), []).append(config)
    tasks = list(groups.values())
    while len(tasks) < jobs:
        largest = max(tasks, key=len)
        if len(largest) < 2:
            break
        tasks.remove(largest)
        half = len(largest) // 2
        tasks += [largest[:half], largest[half:]]
    if budget is not None:
        at_once = max(1, min(jobs, len(tasks)))
        share = f" (a share: {memory.size_text(budget)} over {at_once} processes)"
        tasks = _fit(tasks, sizes, budget // at_once, share if at_once > 1 else "")
    # the costliest first, so no process is left with a long task at the end
    return sorted(tasks, key=lambda t: -_cost(t, sizes[t[0]]))


def _fit(
    tasks: list[list[Config]], sizes: dict[Config, int], budget: int, share: str
) -> list[list[Config]]:
    """Split groups until each fits ``budget``; a single run that does not fit is refused."""
    fitted = []
    while tasks:
        task = tasks.pop()
        config = task[0]
        if memory.estimate(config, sizes[config], models=len(task)) <= budget:
            fitted.append(task)
        elif len(task) == 1:
            memory.check(config, sizes[config], budget, share=share)  # raises: what to lower
        else:
            half = len(task) // 2
            tasks += [task[:half], task[half:]]
    return fitted


def _cost(group: list[Config], n: int) -> float:
    config = group[0]
    steps = math.ceil(n / max(1, batch_key(config, n)[4]))
    return config.epochs * steps * (1 + 0.02 * len(group))


class _Flag:
    """``is_set()`` over a plain callable, for groups trained in this process."""

    def __init__(self, stopped: Callable[[], bool]):
        self.is_set = stopped


class _Board:
    """The runs of a sweep while it trains: outcomes land here as groups report and finish."""

    def __init__(self, configs: Sequence[Config], jobs: int, budget: int | None):
        unique = list(dict.fromkeys(configs))
        self.runs: dict[Config, Outcome] = {config: Outcome(state=State.READY) for config in unique}
        self.tasks = plan(unique, jobs, budget)
        self.ended: set[int] = set()

    def update(self, tag: int, outcomes: Sequence[Outcome]) -> dict[Config, Outcome]:
        """A group's runs so far; progress that arrives after the group's end is stale (a
        worker's queue may deliver it after the group's result)."""
        if tag not in self.ended:
            self.runs.update(zip(self.tasks[tag], outcomes))
        return self.runs

    def finish(self, tag: int, outcomes: Sequence[Outcome]) -> None:
        """A group's final outcomes."""
        self.runs.update(zip(self.tasks[tag], outcomes))
        self.ended.add(tag)


def run_sweeps(
    sweeps: Sequence[Sweep],
    jobs: int = 1,
    progress: Progress | None = None,
    stopped: Callable[[], bool] | None = None,
    follow: bool = False,
    budget: int | None = None,
) -> list[SweepResult]:
    """Train every run of every sweep.

    ``progress(runs)`` is called as runs finish (about every 0.25 s); with ``follow`` it also
    sees the partial loss histories of runs still training. ``stopped()`` returning True ends
    every run early; finished epochs keep their results. Raises DataError for unusable data and
    MemoryBudgetError, before any training, for a run that would not fit ``budget`` bytes.
    """
    board = _Board([c for sweep in sweeps for c in sweep.configs()], jobs, budget)
    if jobs <= 1 or len(board.tasks) == 1:
        _inline(board, progress, stopped, follow)
    else:
        _in_processes(board, jobs, progress, stopped, follow)
    return [SweepResult(sweep, [board.runs[c] for c in sweep.configs()]) for sweep in sweeps]


def _inline(board: _Board, progress, stopped, follow) -> None:
    flag = _Flag(stopped) if stopped is not None else None
    for tag, group in enumerate(board.tasks):
        if flag is not None and flag.is_set():
            break
        queue = _InlineQueue(board, progress) if follow and progress else None
        board.finish(tag, _train_group(group, queue, flag, tag))
        if progress is not None:
            progress(board.runs)


_STOP = None
_QUEUE = None
"""In a worker process: the sweep's stop event and progress queue (see _start_worker)."""
PARENT_CHECK = 0.2
"""Seconds between a worker's checks that the process that started it is still there."""


def _start_worker(stop, queue, parent: int, threads: int | None = None) -> None:
    """In a worker process, before any task: print nothing (an app may be drawing on the
    terminal; results and errors come back through the futures), keep the sweep's stop event
    and progress queue, limit BLAS to the parent's ``threads`` (None: the default, one: a
    thread per core in each of ``jobs`` processes would only fight over the cores), and exit
    at once should the parent (pid ``parent``) die, even by SIGKILL -- or have died already
    while this process was starting."""
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


def _train_in_worker(configs: list[Config], tag: int) -> list[Outcome]:
    return _train_group(configs, _QUEUE, _STOP, tag)


def _in_processes(board: _Board, jobs, progress, stopped, follow) -> None:
    """The groups spread over ``jobs`` processes (spawned: safe beside the app's threads).

    However this ends -- finished, stopped, an error, a signal turned into an exception --
    the workers are told to stop (they notice within a quarter of a second) and every one of
    them is gone before this returns or raises."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    queue = context.Queue() if follow and progress else None
    initargs = (stop, queue, os.getpid(), blas.threads())
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=initargs
    )
    try:
        with _interrupts_held():  # the workers start as they will live: deaf to ctrl+c
            futures = {
                pool.submit(_train_in_worker, group, tag): tag
                for tag, group in enumerate(board.tasks)
            }
        pending = set(futures)
        while pending:
            if stopped is not None and stopped():
                break  # what has not finished is dropped; the board keeps its progress
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            _drain(queue, board)
            if stopped is not None and stopped():
                # a ctrl+c reaches the whole job: a worker still starting may have died of it,
                # and its group's result is an error nobody wants
                break
            for future in done:
                board.finish(futures[future], future.result())
            if progress is not None:
                progress(board.runs)
    finally:
        stop.set()
        _close(pool, queue)


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


def _close(pool: ProcessPoolExecutor, queue) -> None:
    """Shut the pool down without waiting for work nobody wants: running groups see the stop
    event and return; a process still there after SHUTDOWN_GRACE seconds is terminated."""
    processes = list((pool._processes or {}).values())  # noqa: SLF001 - to reap them for sure
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + SHUTDOWN_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(1.0)
    if queue is not None:
        queue.cancel_join_thread()  # progress nobody will read must not hold the exit
        queue.close()


SHUTDOWN_GRACE = 0.3
"""Seconds the workers have to return after the stop event before they are terminated."""


class _InlineQueue:
    """Progress from a group trained in this process, passed straight on."""

    def __init__(self, board: _Board, progress: Progress):
        self.board, self.progress = board, progress

    def put(self, item) -> None:
        self.progress(self.board.update(*item))


def _drain(queue, board: _Board) -> None:
    if queue is None:
        return
    while True:
        try:
            item = queue.get_nowait()
        except Empty:
            return
        board.update(*item)

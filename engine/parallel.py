"""Running sweeps: runs grouped by what they can share, the groups spread over processes.

    results = run_sweeps([sweep], jobs=2)           # one SweepResult per sweep

Runs that can share one computation (see engine.batch) are trained together; the groups are
spread over ``jobs`` processes. Identical configs (two sections of a preset may share one) are
trained once.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing.managers import SyncManager

from . import memory
from .config import Config
from .labels import labels
from .outcome import Outcome, State
from .sweep import Sweep
from .trainer import batch_key, make_dataset
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

    def report(trainer) -> None:
        if progress_queue is not None:
            progress_queue.put((tag, [trainer.progress(k) for k in range(len(configs))]))

    cancelled = stop.is_set if stop is not None else None
    return train_together(configs, progress=report, cancelled=cancelled)


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

    def update(self, tag: int, outcomes: Sequence[Outcome]) -> dict[Config, Outcome]:
        self.runs.update(zip(self.tasks[tag], outcomes))
        return self.runs


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
        board.update(tag, _train_group(group, queue, flag, tag))
        if progress is not None:
            progress(board.runs)


def _quiet() -> None:
    """In a worker process: nothing it might print reaches the terminal (an app may be drawing
    there); its results and errors come back through its futures."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def _in_processes(board: _Board, jobs, progress, stopped, follow) -> None:
    """The groups spread over ``jobs`` processes (spawned: safe beside the app's threads)."""
    context = multiprocessing.get_context("spawn")
    manager = None
    if (follow and progress) or stopped:
        manager = SyncManager(ctx=context)
        manager.start(_quiet)
    try:
        queue = manager.Queue() if manager and follow and progress else None
        stop = manager.Event() if manager and stopped else None
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_quiet) as pool:
            futures = {
                pool.submit(_train_group, group, queue, stop, tag): tag
                for tag, group in enumerate(board.tasks)
            }
            pending = set(futures)
            while pending:
                if stop is not None and stopped():
                    stop.set()
                done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                _drain(queue, board)
                for future in done:
                    board.update(futures[future], future.result())
                if progress is not None:
                    progress(board.runs)
    finally:
        if manager is not None:
            manager.shutdown()


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
        except Exception:  # queue.Empty, raised through a manager's proxy
            return
        board.update(*item)

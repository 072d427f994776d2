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
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing.managers import SyncManager

from .batch import BatchRun, batch_key
from .config import Config
from .labels import labels
from .report import RunSummary
from .sweep import Sweep
from .training import Run, make_dataset

# --- running ---------------------------------------------------------------------------------


@dataclass
class SweepRun:
    """One run of a sweep: its config, how it went, and its time."""

    config: Config
    loss_history: list[float] = field(default_factory=list)
    accuracy: float = 0.0
    epochs_to_100: int | None = None
    diverged_at: int | None = None
    saturated: bool = False
    seconds: float = 0.0
    """Time of its batch divided among the runs trained in it."""
    done: bool = False

    def summary(self, label: str) -> RunSummary:
        return RunSummary(
            label=label,
            config=self.config,
            loss_history=self.loss_history,
            accuracy=self.accuracy,
            epochs_to_100=self.epochs_to_100,
            diverged_at=self.diverged_at,
            state="diverged" if self.diverged_at else ("done" if self.done else "stopped"),
            seconds=self.seconds,
        )


@dataclass
class SweepResult:
    """A sweep's runs, in the order of :meth:`Sweep.configs`, with labels of what differs."""

    sweep: Sweep
    runs: list[SweepRun]

    def labels(self) -> list[str]:
        return labels([run.config for run in self.runs], [key for key, _ in self.sweep.vary])

    def summaries(self) -> list[RunSummary]:
        return [run.summary(label) for run, label in zip(self.runs, self.labels())]


Progress = Callable[[dict[Config, SweepRun]], None]


def _train_group(configs: list[Config], progress_queue=None, stop=None, tag: int = 0):
    """Train a group of compatible configs together, in a worker process or inline.

    ``progress_queue.put((tag, epoch, histories))`` reports partial loss histories; ``stop``
    (anything with ``is_set()``) ends the group early.
    """

    if len(configs) == 1:  # nothing to share: the single-run engine is the faster one
        return [_train_one(configs[0], progress_queue, stop, tag)]

    def report(batch: BatchRun) -> None:
        if progress_queue is not None:
            histories = [batch.losses(k).tolist() for k in range(len(configs))]
            progress_queue.put((tag, batch.epoch, histories))

    batch = BatchRun(configs)
    results = batch.run(progress=report, cancelled=stop.is_set if stop is not None else None)
    per_run = batch.seconds / len(configs)
    return [
        (
            r.loss_history,
            r.accuracy,
            r.epochs_to_100,
            r.diverged_at,
            r.saturated,
            per_run,
            not r.cancelled,
        )
        for r in results
    ]


def _train_one(config: Config, progress_queue, stop, tag: int):
    run = Run(config)
    start = due = time.perf_counter()
    for result in run:
        if time.perf_counter() >= due:  # a stop may be a call to another process: not each epoch
            if stop is not None and stop.is_set():
                run.control.cancel()
            if progress_queue is not None:
                progress_queue.put((tag, result.epoch, [list(run.loss_history)]))
            due = time.perf_counter() + 0.25
    seconds = time.perf_counter() - start
    outcome = run.result()
    if progress_queue is not None:
        progress_queue.put((tag, outcome.epochs_run, [outcome.loss_history]))
    return (
        outcome.loss_history,
        outcome.accuracy,
        outcome.epochs_to_100,
        outcome.diverged_at,
        outcome.saturated,
        seconds,
        not outcome.cancelled,
    )


def plan(configs: Sequence[Config], jobs: int) -> list[list[Config]]:
    """Unique configs grouped by what they can share, large groups split so jobs stay busy."""
    unique = list(dict.fromkeys(configs))
    groups: dict[tuple, list[Config]] = {}
    for config in unique:
        n = make_dataset(config).n
        groups.setdefault(batch_key(config, n), []).append(config)
    tasks = list(groups.values())
    while len(tasks) < jobs:
        largest = max(tasks, key=len)
        if len(largest) < 2:
            break
        tasks.remove(largest)
        half = len(largest) // 2
        tasks += [largest[:half], largest[half:]]
    # the costliest first, so no process is left with a long task at the end
    return sorted(tasks, key=lambda t: -_cost(t))


def _cost(group: list[Config]) -> float:
    config = group[0]
    n = make_dataset(config).n
    steps = math.ceil(n / max(1, min(n, _batch(config, n))))
    return config.epochs * steps * (1 + 0.02 * len(group))


def _batch(config: Config, n: int) -> int:
    return batch_key(config, n)[4]


class _Flag:
    """``is_set()`` over a plain callable, for groups trained in this process."""

    def __init__(self, stopped: Callable[[], bool]):
        self.is_set = stopped


class _Board:
    """The runs of a sweep while it trains: results land here as groups report and finish."""

    def __init__(self, configs: Sequence[Config], jobs: int):
        self.runs = {config: SweepRun(config) for config in dict.fromkeys(configs)}
        self.tasks = plan(list(self.runs), jobs)

    def partial(self, tag: int, epoch: int, histories) -> dict[Config, SweepRun]:
        for config, history in zip(self.tasks[tag], histories):
            self.runs[config].loss_history = history
        return self.runs

    def finished(self, tag: int, outcome) -> None:
        for config, values in zip(self.tasks[tag], outcome):
            run = self.runs[config]
            (
                run.loss_history,
                run.accuracy,
                run.epochs_to_100,
                run.diverged_at,
                run.saturated,
                run.seconds,
                run.done,
            ) = values


def run_sweeps(
    sweeps: Sequence[Sweep],
    jobs: int = 1,
    progress: Progress | None = None,
    stopped: Callable[[], bool] | None = None,
    follow: bool = False,
) -> list[SweepResult]:
    """Train every run of every sweep.

    ``progress(runs)`` is called as runs finish (about every 0.25 s); with ``follow`` it also
    sees the partial loss histories of runs still training. ``stopped()`` returning True ends
    every run early; finished epochs keep their results. Raises DataError for unusable data.
    """
    board = _Board([c for sweep in sweeps for c in sweep.configs()], jobs)
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
        board.finished(tag, _train_group(group, queue, flag, tag))
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
                    board.finished(futures[future], future.result())
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
        self.progress(self.board.partial(*item))


def _drain(queue, board: _Board) -> None:
    if queue is None:
        return
    while True:
        try:
            item = queue.get_nowait()
        except Exception:  # queue.Empty, raised through a manager's proxy
            return
        board.partial(*item)

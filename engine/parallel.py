"""Running sweeps: each run once, runs that can share one computation trained together, the
tasks spread over processes when that pays.

    results = run_sweeps([sweep], jobs=2)           # one SweepResult per sweep

engine.plan groups the runs into tasks and decides, from an estimate of their time, whether
``jobs - 1`` worker processes (engine.workers) are worth their start-up. They take the longest
tasks first; the calling process trains too, from the other end of the list, so the first
results come soon and the two meet near the end. ``workers`` keeps the processes between
sweeps; ``executor`` sends every task to any ``concurrent.futures`` executor instead (a Dask
cluster's, say). Whichever process trains a run, its results are the same, bit for bit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass

import numpy as np

from .config import Config
from .labels import labels
from .outcome import Outcome, State
from .plan import Plan, plan
from .sweep import Sweep
from .trainer import Trainer
from .training import train_together
from .workers import Workers


@dataclass
class SweepResult:
    """A sweep's runs, in the order of :meth:`Sweep.configs`, with labels of what differs."""

    sweep: Sweep
    outcomes: list[Outcome]
    processes: int = 1
    """How many processes trained the runs at once (this one included, unless an executor
    trained them all)."""

    @property
    def configs(self) -> list[Config]:
        return self.sweep.configs()

    def labels(self) -> list[str]:
        return labels(self.configs, [key for key, _ in self.sweep.vary])

    def runs(self) -> list[tuple[Config, Outcome]]:
        """(config, outcome) per run, in the grid's order."""
        return list(zip(self.configs, self.outcomes))


Progress = Callable[[dict[Config, Outcome]], None]


def train_group(configs: list[Config], progress_queue=None, stop=None, tag: int = 0):
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


def train_alone(configs: list[Config], tag: int = 0, stop=None) -> list[Outcome]:
    """A task as another executor runs it (a Dask worker, say): no progress; ``stop`` (anything
    with ``is_set()`` that reaches the executor's workers, or None) ends it early."""
    return train_group(configs, None, stop, tag)


class _Flag:
    """``is_set()`` over a plain callable, for groups trained in this process."""

    def __init__(self, stopped: Callable[[], bool]):
        self.is_set = stopped


class _Board:
    """The runs of a sweep while it trains: outcomes land here as tasks report and finish,
    from this process's thread and from the others' futures (hence the lock)."""

    def __init__(self, configs: Sequence[Config], planned: Plan, progress: Progress | None):
        self.runs: dict[Config, Outcome] = {c: Outcome(state=State.READY) for c in configs}
        self.tasks = planned.tasks
        self.ended: set[int] = set()
        self.lock = threading.RLock()
        self._progress = progress

    def update(self, tag: int, outcomes: Sequence[Outcome]) -> None:
        """A task's runs so far; progress that arrives after the task's end is stale (a
        worker's queue may deliver it after the task's result)."""
        with self.lock:
            if tag not in self.ended:
                self.runs.update(zip(self.tasks[tag], outcomes))
                self.report()

    def finish(self, tag: int, outcomes: Sequence[Outcome]) -> None:
        """A task's final outcomes."""
        with self.lock:
            self.runs.update(zip(self.tasks[tag], outcomes))
            self.ended.add(tag)
            self.report()

    def report(self) -> None:
        with self.lock:
            if self._progress is not None:
                self._progress(self.runs)

    def put(self, item) -> None:
        """A progress report from a task trained in this process: (tag, runs)."""
        self.update(*item)


_sweeps = iter(range(1, 1 << 62))
"""Sweep ids: reports from a kept process pool carry one, so a stopped sweep's late reports
cannot land in the next sweep's runs."""


def run_sweeps(
    sweeps: Sequence[Sweep],
    jobs: int = 1,
    progress: Progress | None = None,
    stopped: Callable[[], bool] | None = None,
    follow: bool = False,
    budget: int | None = None,
    workers: Workers | None = None,
    executor: Executor | None = None,
    executor_stop=None,
    spread: bool | None = None,
    here: bool = True,
) -> list[SweepResult]:
    """Train every run of every sweep, in this process and ``jobs - 1`` others at most.

    ``progress(runs)`` is called as runs finish; with ``follow`` also as tasks report the
    partial loss histories of runs still training (about every 0.25 s each). ``stopped()``
    returning True ends every run early; finished epochs keep their results. ``workers``:
    processes kept by the caller for its next sweeps (else started here if needed and closed on
    return). ``executor``: every task goes there instead, all at once, split for ``jobs``
    workers (no partial progress; a stop cancels what has not started and sets
    ``executor_stop``, an event its workers see, for what has). ``spread``: True or False forces
    the planner's choice of processes. ``here`` False: this process trains nothing (an app keeps
    its interpreter for the screen), ``jobs`` others do. Raises DataError for unusable data and
    MemoryBudgetError, before any training, for a run that would not fit ``budget`` bytes.
    """
    configs = list(dict.fromkeys(c for sweep in sweeps for c in sweep.configs()))
    if executor is not None:
        planned = plan(configs, jobs, budget, spread=True, here=False)
    else:
        warm = workers is not None and workers.started >= jobs - here
        planned = plan(configs, jobs, budget, spread=spread, warm=warm, here=here)
    board = _Board(configs, planned, progress)
    halt = threading.Event()

    def halted() -> bool:
        return halt.is_set() or (stopped is not None and stopped())

    if executor is None and not planned.processes:
        _here(board, deque(range(len(board.tasks))), halted, follow)
    else:
        owned = executor is None and workers is None
        if owned:
            workers = Workers()
        try:
            # one sweep at a time in kept workers: the next waits for the last one's stop
            with workers.lock if workers is not None else contextlib.nullcontext():
                where = (workers, executor, executor_stop, here)
                _spread(board, planned, halted, halt, follow, where, keep=not owned)
        finally:
            if owned:
                workers.close()
    processes = planned.processes + (executor is None and here)
    return [
        SweepResult(sweep, [board.runs[c] for c in sweep.configs()], processes) for sweep in sweeps
    ]


def _here(board: _Board, queue: deque, halted: Callable[[], bool], follow: bool) -> None:
    """Train tasks in this thread, shortest first (the other processes take the longest), until
    none is left or the sweep stops: the first results come soonest."""
    flag = _Flag(halted)
    while not halted():
        with board.lock:
            if not queue:
                return
            tag = queue.pop()
        board.finish(tag, train_group(board.tasks[tag], board if follow else None, flag, tag))


def _spread(board, planned, halted, halt, follow, where, keep) -> None:
    """The tasks over the other processes (one task each at a time, longest first) and, for
    a process pool, this process too (shortest first), in a thread of its own. However this
    ends -- finished, stopped, an error, an interrupt -- what still trains here has stopped
    before it returns; tasks still running elsewhere are cancelled, or, in ``workers`` to
    ``keep``, stopped (the caller closes workers it does not keep)."""
    workers, executor, executor_stop, here = where
    queue = deque(range(len(board.tasks)))
    sweep = next(_sweeps)
    errors: list[BaseException] = []
    thread = None
    if executor is None and here:

        def train_here() -> None:
            try:
                _here(board, queue, halted, follow)
            except BaseException as error:  # raised again in the calling thread
                errors.append(error)
                halt.set()

        thread = threading.Thread(target=train_here, name="sweep-here", daemon=True)
        thread.start()

    def submit(tag: int) -> Future:
        if executor is not None:
            return executor.submit(train_alone, board.tasks[tag], tag, executor_stop)
        return workers.submit(planned.processes, board.tasks[tag], tag, sweep, follow)

    def report(sweep_of: int, tag: int, outcomes) -> None:
        if sweep_of == sweep:
            board.update(tag, outcomes)

    slots = planned.processes if executor is None else len(board.tasks)
    running: dict[Future, int] = {}
    try:
        while not halted():
            with board.lock:
                while queue and len(running) < slots:
                    tag = queue.popleft()
                    running[submit(tag)] = tag
            if not running:
                if thread is None or not thread.is_alive():
                    break
                thread.join(0.25)
                continue
            done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            if workers is not None:
                workers.drain(report)
            if halted():
                # a ctrl+c reaches the whole job: a process still starting may have died of
                # it, and its task's result is an error nobody wants
                break
            for future in done:
                board.finish(running.pop(future), future.result())
    finally:
        halt.set()
        if thread is not None:
            thread.join()
        if executor is not None:
            if running and executor_stop is not None:
                executor_stop.set()
            for future in running:
                future.cancel()
        elif keep:
            workers.halt(list(running))
    if errors:
        raise errors[0]

"""Planning a sweep: its runs grouped into tasks, and whether worker processes are worth
starting for them.

    p = plan(configs, jobs=2)       # Plan(tasks=[[config, ...], ...], processes=0 or 1)

Runs that can share one computation (engine.trainer.batch_key) form one task. A task's time is
estimated from what it computes (epochs, updates, models, batch rows, parameters; constants
measured by benchmarks/sweep_speed.py --calibrate). Worker processes cost START_UP seconds each
before they train anything, and splitting a task in two costs twice its per-update overhead, so
a sweep starts ``jobs - 1`` of them (the calling process trains too) only when the estimated
time spread over them, start-up included, beats training every task here, one after another.
That way the default ``--jobs`` is never slower than ``--jobs 1``.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from . import memory
from .activations import ACTIVATIONS
from .config import Config
from .optimizers import OPTIMIZERS
from .trainer import batch_key, make_dataset

START_UP = 0.35
"""Seconds from asking for a worker process to its first update: spawning Python and importing
NumPy and the engine (measured 0.2--0.5 s on a shared 2-core machine)."""
SPREAD_GAIN = 0.8
"""Processes are started only when the estimate with them is under this share of the estimate
without them: an estimate can be off by a factor of two either way, start-up costs for sure."""

COST = (9.5e-4, 4.7e-5, 1.3e-5, 6.6e-7, 2.4e-6, 2.7e-10, 2.5e-9, 7.8e-10)
"""Seconds per unit of each count of :func:`work`, fitted by benchmarks/sweep_speed.py
--calibrate on a shared 2-core machine (half the estimates within 20% of the time measured,
nine in ten within 50%, every one within a factor of 2)."""


@dataclass(frozen=True)
class Plan:
    """The tasks (lists of runs trained as one computation), costliest first, and how many
    other processes to train them in (0: all of them in the calling process)."""

    tasks: list[list[Config]]
    processes: int
    seconds: float
    """The estimated time to train every task in the calling process, one after another."""


def plan(
    configs: Sequence[Config],
    jobs: int,
    budget: int | None = None,
    spread: bool | None = None,
    warm: bool = False,
    here: bool = True,
) -> Plan:
    """The unique configs grouped into tasks for ``jobs`` processes at most, this one included
    (``here`` False: ``jobs`` others, this one trains nothing). ``spread``: True starts
    ``jobs - 1`` processes whatever the estimate, False none, None decides by the estimate
    (``warm``: processes are running already, they cost no start-up).
    Groups are split so every process has work, and so the tasks that may train at once fit the
    memory ``budget`` (bytes; None: no limit).

    Raises MemoryBudgetError when a single run would not fit its share of the budget."""
    unique = list(dict.fromkeys(configs))
    sizes = {config: make_dataset(config).n for config in unique}
    groups: dict[tuple, list[Config]] = {}
    for config in unique:
        groups.setdefault(batch_key(config, sizes[config]), []).append(config)
    whole = list(groups.values())
    alone = sum(seconds(task, sizes[task[0]]) for task in whole)
    processes, tasks = 0, whole
    if not here:
        tasks, processes = _split(whole, jobs), jobs
    elif jobs > 1 and spread is not False:
        split = _split(whole, jobs)
        start = 0.0 if warm else START_UP
        span = makespan([seconds(t, sizes[t[0]]) for t in split], jobs - 1, start)
        if spread or span < SPREAD_GAIN * alone:
            tasks, processes = split, jobs - 1
    if budget is not None:
        at_once = min(processes + here, len(tasks))
        share = f" (a share: {memory.size_text(budget)} over {at_once} processes)"
        tasks = _fit(tasks, sizes, budget // at_once, share if at_once > 1 else "")
    tasks.sort(key=lambda t: -seconds(t, sizes[t[0]]))
    return Plan(tasks, processes, alone)


def seconds(task: Sequence[Config], n: int) -> float:
    """The estimated time to train the runs of ``task`` (one batch_key, n samples) together."""
    return sum(c * w for c, w in zip(COST, work(task, n)))


def work(task: Sequence[Config], n: int) -> tuple[float, ...]:
    """What training the K runs of ``task`` takes, counted as COST prices it: runs (each makes
    its data and weights, and its outcome at the end); epochs; updates;
    NumPy calls (at these sizes a call costs more than its arithmetic); matrix products made
    once per run (several runs' products are a batched matmul, a loop over them); floats
    multiplied in products, in activations, and in optimizer steps. A batched matmul's cost
    per run falls as the stack grows: measured, K runs' products cost about K^0.6 times one's."""
    config, models = task[0], len(task)
    batch = batch_key(config, n)[4]
    updates = config.epochs * math.ceil(n / batch)
    activation, optimizer = ACTIVATIONS[config.activation], OPTIMIZERS[config.optimizer]
    depth = len(config.sizes) - 1
    products = 3 * depth - 1  # forward, back to each layer's input, each layer's gradient
    calls = products + (depth - 1) * activation.calls + 9 + optimizer.calls
    parameters = sum((a + 1) * b for a, b in zip(config.sizes, config.sizes[1:]))
    units = sum(config.sizes[1:-1])
    return (
        models,
        config.epochs,
        updates,
        updates * calls,
        updates * products * models**0.6 if models > 1 else 0,
        updates * models * batch * parameters,
        updates * models * batch * units * activation.calls,
        updates * models * parameters * optimizer.calls,
    )


def makespan(times: Sequence[float], processes: int, start: float) -> float:
    """When the last of ``times`` ends, each task taken by whichever is free first: the
    calling process (free at once) takes the shortest left, one of ``processes`` (free after
    ``start`` seconds) the longest left (as engine.parallel hands them out)."""
    left = deque(sorted(times, reverse=True))
    free = [(0.0, True)] + [(start, False)] * processes
    heapq.heapify(free)
    end = 0.0
    while left:
        at, here = heapq.heappop(free)
        at += left.pop() if here else left.popleft()
        end = max(end, at)
        heapq.heappush(free, (at, here))
    return end


def _split(groups: list[list[Config]], jobs: int) -> list[list[Config]]:
    """The largest groups halved until there are ``jobs`` tasks (or no group to halve)."""
    tasks = list(groups)
    while len(tasks) < jobs:
        largest = max(tasks, key=len)
        if len(largest) < 2:
            break
        tasks.remove(largest)
        half = len(largest) // 2
        tasks += [largest[:half], largest[half:]]
    return tasks


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

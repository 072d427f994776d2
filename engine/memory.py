"""A memory budget: how much a run will take at its peak, checked before anything is allocated.

On a shared lab server one run that needs more memory than the machine has brings in the
kernel's out-of-memory killer, which may kill other users' processes. So every run (and every
group of a sweep) is estimated first and refused with one line when it would not fit:

    estimate(config, n)          peak bytes of training config on n samples, outcome included
    check(config, n, budget)     raises MemoryError_ naming the estimate, the budget, what to lower
    default_budget()             half the memory the machine has available now

The estimate counts the arrays the engine writes (engine.trainer, engine.network), so it follows
the code: per sample, the data and its shuffled copy; per sample of a batch, each layer's cached
outputs, errors and scratch (the Workspace); per parameter, the weights, their gradient and the
optimizer's state; per epoch, the loss history; and at the end the forward pass that gives the
final predictions. benchmarks/memory.py holds it against measured peaks.
"""

from __future__ import annotations

import math
import os

from .config import Config
from .optimizers import OPTIMIZERS

FLOAT = 8
OPTIMIZER_STATE = {"momentum": 2, "adam": 4}
"""Arrays of the parameters' size an optimizer keeps besides the weights and their gradient."""
BASE = 64 * 2**20
"""What any run needs besides its arrays (NumPy's own buffers, the interpreter's growth)."""
BUDGET_FRACTION = 0.5
"""The default budget's share of the memory available when the run starts."""


class MemoryBudgetError(ValueError):
    """A run that would need more memory than the budget allows; the message says how much,
    the budget, and what to lower."""


def parameters(sizes: tuple[int, ...]) -> int:
    """The number of weights and biases."""
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))


def _workspace(sizes: tuple[int, ...], m: int) -> int:
    """Floats a Workspace for m samples writes: per hidden layer of h units its outputs above a
    row of ones (h + 1), dL/da, delta and scratch (3h); for the output delta and scratch."""
    hidden = sizes[1:-1]
    return m * (sum(4 * h + 1 for h in hidden) + 2)


def _final_pass(sizes: tuple[int, ...], n: int) -> int:
    """Floats of the forward pass over all n samples that gives the final predictions: the
    inputs as columns, each hidden layer's outputs, and a copy of them for the views."""
    hidden = sizes[1:-1]
    return n * (sizes[0] + 1 + sum(h + 1 for h in hidden) + sum(hidden) + 2)


def estimate(config: Config, n: int, models: int = 1) -> int:
    """Peak bytes of training ``models`` runs of ``config``'s shape together on n samples each."""
    sizes = config.sizes
    batch = OPTIMIZERS[config.optimizer].batch(n, config.batch_size)
    per_sample = 3 + 24 / FLOAT  # the data (x, y) and its columns with ones
    per_sample += 2 * (sizes[0] - 2)  # more features: wider columns, and the features made
    per_sample += 5 + 2 / FLOAT  # labels, predictions, errors, scratch; two masks
    if batch < n:
        per_sample += 4 + 1 / FLOAT + 1  # the shuffled copies and the permutation
    floats = per_sample * n + _workspace(sizes, batch)
    if batch < n and n % batch:
        floats += _workspace(sizes, n % batch)
    tail_grads = 1 if batch < n and n % batch else 0
    floats += parameters(sizes) * (2 + tail_grads + OPTIMIZER_STATE.get(config.optimizer, 0))
    floats += config.epochs * (1 + len(sizes) - 1)  # the loss and gradient-norm histories
    training = models * floats * FLOAT
    final = _final_pass(sizes, n) * FLOAT  # one run at a time
    return int(BASE + training + final)


def available() -> int | None:
    """Bytes of memory available now (Linux's MemAvailable), or None where it is not known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def default_budget() -> int | None:
    """Half the memory available now (None: no limit is known)."""
    free = available()
    return None if free is None else int(free * BUDGET_FRACTION)


def size_text(count: float) -> str:
    """Bytes in words: 512 MB, 6.2 GB."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if count >= scale:
            value = count / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{int(count)} bytes"


def parse_size(text: str) -> int:
    """ "4G", "512M", "1.5GB", "800000000" -> bytes; ValueError for anything else."""
    units = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
    cleaned = text.strip().lower().removesuffix("b").removesuffix("i")
    number, unit = cleaned, ""
    if cleaned and cleaned[-1] in units:
        number, unit = cleaned[:-1], cleaned[-1]
    value = float(number) * units[unit]  # ValueError for a non-number
    if not math.isfinite(value) or value <= 0:
        raise ValueError(text)
    return int(value)


def check(config: Config, n: int, budget: int | None, models: int = 1, share: str = "") -> int:
    """The estimate, if it fits the budget (None: no budget); MemoryBudgetError if not.
    ``share`` says how the budget was divided, when it was."""
    need = estimate(config, n, models)
    if budget is not None and need > budget:
        widest = max(config.hidden)
        advice = [f"--samples (now {n})", f"--hidden (widest layer {widest})"]
        batch = OPTIMIZERS[config.optimizer].batch(n, config.batch_size)
        if batch > 1024:
            advice.append("the batch (--optimizer minibatch --batch-size 256)")
        what = f"{models} runs together" if models > 1 else "this run"
        raise MemoryBudgetError(
            f"{what} would need about {size_text(need)} of memory, over the budget of "
            f"{size_text(budget)}{share}: lower {', '.join(advice)}, or raise --max-memory"
        )
    return need

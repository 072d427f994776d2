"""Learning-rate schedules, a name-keyed registry, stepped once per epoch exactly as torch's.

    rate = SCHEDULES[name].next(rate, t, epochs, gamma, step_every)   # after t epochs (t >= 1)

The rate of epoch 1 is the configured ``lr``; after epoch t the schedule turns the rate in force
into the next one, recursively, as torch.optim.lr_scheduler's ``step()`` does with
``last_epoch = t`` (the arithmetic is torch's, in its order, so the rates agree to the bit):

    constant   lr                                       (no scheduler)
    step       lr * gamma when t % step_every == 0      (StepLR(step_size=step_every, gamma))
    exp        lr * gamma                               (ExponentialLR(gamma))
    cosine     (1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T)) * (lr - 0) + 0
                                                        (CosineAnnealingLR(T_max=T, eta_min=0))

with T the run's epochs: cosine anneals from lr at epoch 1 towards 0 at epoch T + 1. Being
recursive, a schedule continues from whatever rate is in force: a learning rate changed while the
run trains (engine.trainer.Trainer.retune) replaces the rate the next steps multiply, as setting
``param_groups[0]["lr"]`` between two ``scheduler.step()`` calls does in torch; a schedule
changed while the run trains takes its next step from the rate in force at the current epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_GAMMA = {"step": 0.1, "exp": 0.999}
"""gamma where none is given: torch's StepLR default, and for exp a decay that takes 10,000
epochs (the default run) down by a factor of about 20,000."""


def _constant(lr: float, t: int, epochs: int, gamma: float, step_every: int) -> float:
    return lr


def _step(lr: float, t: int, epochs: int, gamma: float, step_every: int) -> float:
    # StepLR.get_lr: if last_epoch == 0 or last_epoch % step_size != 0: lr, else lr * gamma
    if t == 0 or t % step_every != 0:
        return lr
    return lr * gamma


def _exp(lr: float, t: int, epochs: int, gamma: float, step_every: int) -> float:
    # ExponentialLR.get_lr: lr * gamma after the initial step
    return lr if t == 0 else lr * gamma


def _cosine(lr: float, t: int, epochs: int, gamma: float, step_every: int) -> float:
    # CosineAnnealingLR.get_lr, eta_min = 0, T_max = epochs. Its other branch (t - 1 - T_max a
    # multiple of 2 T_max, a restart) needs t = T_max + 1: after the run's last epoch, which
    # takes no step (engine.trainer), so it is never reached
    if t == 0:
        return lr
    eta_min = 0.0
    return (1 + math.cos(math.pi * t / epochs)) / (1 + math.cos(math.pi * (t - 1) / epochs)) * (
        lr - eta_min
    ) + eta_min


@dataclass(frozen=True)
class Schedule:
    """One schedule: ``next(lr, t, epochs, gamma, step_every)`` is the rate of epoch t + 1
    given the rate in force in epoch t (see the module's docstring)."""

    name: str
    next: Callable[[float, int, int, float, int], float]
    uses_gamma: bool
    uses_step_every: bool


SCHEDULES: dict[str, Schedule] = {
    s.name: s
    for s in (
        Schedule("constant", _constant, False, False),
        Schedule("step", _step, True, True),
        Schedule("exp", _exp, True, False),
        Schedule("cosine", _cosine, False, False),
    )
}
"""Schedules by name."""


def gamma_of(schedule: str, gamma: float | None) -> float:
    """The gamma a schedule uses: the one given, else its default (1.0 where it has none)."""
    return gamma if gamma is not None else DEFAULT_GAMMA.get(schedule, 1.0)


def rates(lr: float, epochs: int, schedule: str, gamma=None, step_every: int = 1) -> list[float]:
    """The rate of each epoch 1..epochs of a run that nothing retunes."""
    step, g = SCHEDULES[schedule].next, gamma_of(schedule, gamma)
    out = [lr]
    for t in range(1, epochs):
        out.append(step(out[-1], t, epochs, g, step_every))
    return out

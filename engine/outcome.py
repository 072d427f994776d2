"""How a run went: one record from the engine to the JSON file, the sweep table and the runs view.

    outcome = run.outcome()        # Outcome(loss_history, accuracy, epochs_to_100, ...)
    outcome.state                  # State.DONE, State.DIVERGED or State.STOPPED once it ended
    outcome.to_dict()              # plain JSON values (non-finite numbers as null)

Training, batched training, sweeps (across the process boundary too), reports, the app's session
and the command line all carry this one type.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

import numpy as np


class Named(str, Enum):
    """An enum of names that prints as its name (and equals it: State.DONE == "done")."""

    def __str__(self) -> str:
        return self.value


class State(Named):
    """Where a run stands. A finished run is DONE, DIVERGED or STOPPED (see :func:`ended`)."""

    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    DIVERGED = "diverged"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def active(self) -> bool:
        """Still training (running or paused)."""
        return self in (State.RUNNING, State.PAUSED)

    @property
    def finished(self) -> bool:
        """The run went to its end: every epoch done, or diverged (not stopped early)."""
        return self in (State.DONE, State.DIVERGED)


class Change(NamedTuple):
    """A setting changed while the run trained (engine.trainer.Trainer.retune): from the
    moment ``epoch`` epochs were done (its next update on), ``setting`` was ``value``."""

    epoch: int
    setting: str
    value: Any


def ended(diverged_at: int | None, cancelled: bool) -> State:
    """The rule for a run that stopped training: a non-finite loss or weight makes it DIVERGED;
    otherwise it is STOPPED if it was cancelled before its last epoch, else DONE."""
    if diverged_at is not None:
        return State.DIVERGED
    return State.STOPPED if cancelled else State.DONE


@dataclass(frozen=True)
class Outcome:
    """A run's results so far, or final ones once ``state`` says it ended."""

    loss_history: Sequence[float] = field(default=(), repr=False)
    """One mean loss per epoch run (the data loss of the epoch's pass)."""
    accuracy: float = 0.0
    """Fraction of samples right at the latest weights (0..1)."""
    epochs_to_100: int | None = None
    """The first epoch whose pass got every sample right."""
    diverged_at: int | None = None
    """The epoch whose loss or weights stopped being finite."""
    saturated: bool = False
    """Every output stuck at 0 or 1 and the loss no longer falling (see engine.books.saturated)."""
    dead_units: int | None = None
    """Hidden units whose output was 0 on every sample at the final weights (a dead ReLU), where
    counted (sweeps count them: engine.parallel); None where not counted or the run diverged."""
    seconds: float = 0.0
    """Time spent inside the training loop."""
    state: State = State.RUNNING
    predictions: np.ndarray | None = field(default=None, repr=False, compare=False)
    """Outputs (n,) at the latest weights, in the data's order, where kept."""
    every: int = 1
    """1: ``loss_history`` holds every epoch. k > 1: it was thinned (see :meth:`thinned`) and
    holds epochs k, 2k, 3k, ... and the last one."""
    epochs: int | None = None
    """The epochs run, when the history was thinned."""
    grad_norms: np.ndarray | None = field(default=None, repr=False, compare=False)
    """Per epoch of ``loss_history`` (thinned alike) and layer, the Frobenius norm of
    dL/d[W_i; b_i] at the epoch's last update, where recorded."""
    accuracy_history: Sequence[float] = field(default=(), repr=False)
    """Per epoch of ``loss_history`` (thinned alike), the fraction of samples its pass got
    right, where recorded (a finished run's)."""
    penalty_history: Sequence[float] = field(default=(), repr=False)
    """Per epoch of ``loss_history`` (thinned alike), the L2/L1 penalty at the weights of the
    epoch's loss, where the run has one (engine.penalty); the loss history stays the data's."""
    test_loss_history: Sequence[float] = field(default=(), repr=False)
    """Per epoch of ``loss_history`` (thinned alike), the loss on the held-out test samples at
    the weights the epoch's pass started from, where the run has a split (engine.split)."""
    test_accuracy: float | None = None
    """The fraction of the test samples right at the latest weights; None without a split."""
    test_indices: np.ndarray | None = field(default=None, repr=False, compare=False)
    """Indices into the run's data of its test samples (``predictions`` covers every sample)."""
    weights: np.ndarray | None = field(default=None, repr=False, compare=False)
    """The flat parameter vector at the end (engine.network.split_blocks), where kept: a
    finished run re-opens in every view from it and ``predictions``, without retraining."""
    lr: float | None = None
    """The learning rate in force at the latest weights (the next update's), where known."""
    lr_history: Sequence[float] = field(default=(), repr=False)
    """Per epoch of ``loss_history`` (thinned alike), the learning rate of the epoch's last
    update, where it varies: a schedule other than constant, or a rate changed live."""
    changes: Sequence[Change] = ()
    """The settings changed while the run trained, in the order they took effect."""

    @property
    def epochs_run(self) -> int:
        return self.epochs if self.epochs is not None else len(self.loss_history)

    def history_epochs(self) -> np.ndarray:
        """The epoch (from 1) of each value of ``loss_history``."""
        if self.every == 1:
            return np.arange(1, len(self.loss_history) + 1)
        kept = np.arange(self.every, self.epochs_run + 1, self.every)
        return kept if kept[-1:].tolist() == [self.epochs_run] else np.append(kept, self.epochs_run)

    def thinned(self, cap: int) -> Outcome:
        """This outcome with at most about ``cap`` values of history: every k-th epoch and the
        last (k the smallest that fits), so a long run kept in a session costs bounded memory."""
        n = len(self.loss_history)
        if self.every != 1 or n <= cap:
            return self
        every = -(-n // cap)
        values = np.asarray(self.loss_history, dtype=np.float64)
        index = np.arange(every - 1, n, every)
        if n % every:
            index = np.append(index, n - 1)
        norms = None if self.grad_norms is None else self.grad_norms[index]

        def thin(values: Sequence[float]) -> Sequence[float]:
            if len(values) != n:
                return values
            return np.asarray(values, dtype=np.float64)[index].tolist()

        return dataclasses.replace(
            self,
            loss_history=values[index].tolist(),
            accuracy_history=thin(self.accuracy_history),
            penalty_history=thin(self.penalty_history),
            test_loss_history=thin(self.test_loss_history),
            lr_history=thin(self.lr_history),
            every=every,
            epochs=n,
            grad_norms=norms,
        )

    @property
    def final_loss(self) -> float | None:
        return float(self.loss_history[-1]) if len(self.loss_history) else None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def describe(self) -> str:
        """The state in words, e.g. "diverged at epoch 12"."""
        if self.state is State.DIVERGED:
            return f"diverged at epoch {self.diverged_at}"
        return str(self.state)

    def to_dict(self, history: bool = True) -> dict:
        """Plain JSON values, a non-finite number as null; the loss history unless ``history``
        is False (``predictions`` are left to the caller, who knows the data's order)."""
        values = {
            "loss_history": [finite(v) for v in self.loss_history],
            "final_loss": finite(self.final_loss),
            "accuracy": finite(self.accuracy),
            "epochs_run": self.epochs_run,
            "epochs_to_100": self.epochs_to_100,
            "diverged": self.diverged,
            "diverged_at": self.diverged_at,
            "saturated": self.saturated,
            "seconds": finite(self.seconds),
            "state": str(self.state),
        }
        if self.dead_units is not None:
            values["dead_units"] = self.dead_units
        if self.every != 1:
            values["loss_history_every"] = self.every
        if self.grad_norms is not None and len(self.grad_norms):
            if history:
                rows = self.grad_norms.tolist()
                values["grad_norms"] = [[finite(v) for v in row] for row in rows]
            values["final_grad_norms"] = [finite(v) for v in self.grad_norms[-1].tolist()]
        if history and len(self.accuracy_history):
            values["accuracy_history"] = list(self.accuracy_history)
        if self.test_accuracy is not None:
            values["test_accuracy"] = finite(self.test_accuracy)
            if history:
                values["test_loss_history"] = [finite(v) for v in self.test_loss_history]
            else:
                values["final_test_loss"] = finite(
                    self.test_loss_history[-1] if len(self.test_loss_history) else None
                )
        if history and len(self.penalty_history):
            values["penalty_history"] = [finite(v) for v in self.penalty_history]
        if history and len(self.lr_history):
            values["lr_history"] = [finite(v) for v in self.lr_history]
        if self.changes:
            values["changes"] = [
                {"epoch": c.epoch, "setting": c.setting, "value": _plain(c.value)}
                for c in self.changes
            ]
        if not history:
            del values["loss_history"]
        return values


def _plain(value: Any) -> Any:
    """A setting's value for JSON: a number as :func:`finite` has it, a name as it is."""
    return finite(value) if isinstance(value, float) else value


def finite(value: float | None) -> float | None:
    """A number for JSON: None where it is missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None

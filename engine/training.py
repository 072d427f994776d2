"""Training runs: a :class:`Run` is an iterator of per-epoch results; :func:`train_together`
trains compatible runs as one computation. Both are the one core of engine.trainer.

    run = Run(config)
    for result in run:            # EpochResult(epoch, loss, accuracy)
        ...
    run.outcome()                 # Outcome: predictions, accuracy, state, saturation, ...

``run.control`` (engine.control.RunControl) pauses, steps, resumes and cancels the run from
another thread.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import blas
from .config import Config
from .control import RunControl
from .datasets import Dataset
from .explain import Step, explain
from .losses import LOSSES
from .network import Network
from .outcome import Change, Outcome
from .trainer import Trainer, make_dataset, seed_streams

__all__ = ["EpochResult", "Run", "RunControl", "Snapshot", "make_dataset", "seed_streams"]


class EpochResult(NamedTuple):
    """One finished epoch: its number (from 1), mean loss and accuracy (0..1) over the pass."""

    epoch: int
    loss: float
    accuracy: float
    test_loss: float | None = None
    """The loss on the held-out samples at the weights the pass started from (a split only)."""
    lr: float | None = None
    """The learning rate of the epoch (of its last update: a schedule steps it after the
    epoch, a live change may come between two mini-batches)."""


@dataclass(frozen=True)
class Snapshot:
    """A run's state between epochs, for views: outputs, weights, and units that are dead."""

    predictions: np.ndarray
    """Outputs (n,) in the data's order."""
    weights: np.ndarray
    """A copy of the flat parameter vector (see engine.network.split_blocks)."""
    dead: list[np.ndarray]
    """Per hidden layer, a bool per unit: its activation is 0 on every sample (a dead ReLU)."""
    optimizer: object | None = None
    """A copy of the optimizer with its state, where asked for (to explain the next step)."""
    next_batch: np.ndarray | None = None
    """The indices of the samples the next update will see, where asked for."""

    @classmethod
    def of(cls, net: Network, x: np.ndarray, **detail) -> Snapshot:
        """What ``net`` does to inputs x (n, 2), from one forward pass: its outputs, a copy of
        its weights, and its dead units (activation 0 on every sample, per hidden layer);
        ``detail``: the optimizer and the next batch, where asked for."""
        predictions, hidden = net.inspect(x)
        dead = [~np.any(a != 0.0, axis=0) for a in hidden]
        return cls(predictions, net.theta.copy(), dead, **detail)


class Run:
    """One training run of ``config``: iterate it to train, one EpochResult per epoch.

    ``data`` replaces the config's dataset; ``init_weights`` (an .npz path) replaces the seeded
    initial weights; ``control`` is a handle made before the run (to pause or cancel it while it
    is being set up in another thread). The data, the initial weights and the shuffling each
    draw from their own stream of ``config.seed``, so the same config gives the same loss
    history bit for bit. As it starts training it sets the process's BLAS threads
    (engine.blas.for_training): ``config.threads``, else the process's choice, else one.
    """

    def __init__(
        self,
        config: Config,
        data: Dataset | None = None,
        init_weights: str | Path | None = None,
        control: RunControl | None = None,
    ):
        self.config = config
        self.trainer = Trainer([config], None if data is None else [data], init_weights)
        self.data: Dataset = self.trainer.full[0]
        """Every sample (a split's test samples too: ``trainer.splits[0]`` says which)."""
        self.net: Network = self.trainer.net
        self.control = control or RunControl()
        control = self.control
        batches = self.trainer.batches
        self.trainer.before_batch = lambda b: not control.interrupted or self._proceed(batches)
        self._clock = 0.0
        """When the time trained so far started counting (perf_counter seconds; moved on past
        every wait, so that only training counts)."""
        # each Run iterates in a context of its own, where NumPy's floating-point warnings are
        # off (overflow is how divergence shows itself); the caller's error state is untouched
        self._context = contextvars.Context()
        self._epochs = self._train()

    def __iter__(self) -> Run:
        return self

    def __next__(self) -> EpochResult:
        return self._context.run(next, self._epochs)

    @property
    def n(self) -> int:
        return self.data.n

    @property
    def epoch(self) -> int:
        """Epochs run so far."""
        return self.trainer.epoch

    @property
    def position(self) -> tuple[int, int]:
        """(updates done in the current epoch, updates per epoch): (3, 21) is three
        mini-batches (or samples, for sgd) into an epoch of 21."""
        return self.trainer.position, self.trainer.batches

    @property
    def lr(self) -> float:
        """The learning rate in force: the one the next update uses."""
        return self.trainer.rate(0)

    def settings(self) -> Config:
        """The config with the settings in force (changed live, ``lr`` the rate in force)."""
        return self.trainer.settings(0)

    def retune(self, **changes) -> None:
        """Change live settings from the next update on: see RunControl.retune."""
        self.control.retune(**changes)

    def _proceed(self, per_epoch: int) -> bool:
        """RunControl.proceed (a pause, a speed limit, settings changed live): its wait does not
        count as time trained."""
        start = time.perf_counter()
        try:
            return self.control.proceed(per_epoch, self._retune)
        finally:
            self._clock += time.perf_counter() - start

    def _retune(self, changes: dict) -> list[Change]:
        return self.trainer.retune(0, **changes)

    @property
    def loss_history(self) -> np.ndarray:
        """The loss of every epoch that counts, a copy."""
        return self.trainer.losses(0).copy()

    def predictions(self) -> np.ndarray:
        """Outputs (n,) at the current weights, in the data's order."""
        return self.net.predict(self.data.x)

    def snapshot(self, detail: bool = False) -> Snapshot:
        """The current weights and what they do to the data, from one forward pass; with
        ``detail``, also what it takes to explain the next step (the optimizer's state, the
        next batch)."""
        return Snapshot.of(
            self.net,
            self.data.x,
            optimizer=self.trainer.optimizer_copy() if detail else None,
            next_batch=self.trainer.next_batch() if detail else None,
        )

    def explain(self, sample: int | None = None) -> Step:
        """The next update laid open (engine.explain) at the current weights: on one sample
        (its index into the data), or, with None, on the samples the next update will see."""
        indices = self.trainer.next_batch() if sample is None else np.array([sample])
        settings = self.settings()
        return explain(
            self.net,
            LOSSES[self.config.loss],
            self.trainer.optimizer_copy(),
            self.data.x[indices],
            self.data.y[indices],
            indices=indices,
            sample=sample,
            optimizer_name=self.config.optimizer,
            lr=settings.lr,
            l2=settings.l2,
            l1=settings.l1,
        )

    def progress(self, history: bool = True) -> Outcome:
        """The run so far, without its predictions (cheap enough to ask every few epochs);
        ``history=False`` leaves out the loss history too."""
        return self.trainer.progress(0, history)

    def outcome(self) -> Outcome:
        """Where the run stands, from the current weights; its state says whether and how it
        ended (done, diverged, stopped) once the iteration is over."""
        over = self._over or self.control.cancelled
        return self.trainer.outcome(0, cancelled=self.control.cancelled, finished=over)

    def _train(self):
        np.seterr(all="ignore")  # inside self._context: see __init__
        blas.for_training(self.config.threads)  # as training starts, not as the Run is made
        control, trainer = self.control, self.trainer
        n = trainer.n  # the samples it trains on: a split's test samples are not among them
        self._over = False
        alive, correct = trainer.alive, trainer.correct
        full_batch = trainer.batch == n  # else the trainer asks the control before each batch

        def tested() -> float | None:
            return None if trainer.held_out is None else float(trainer._tested[0][0])

        # the time trained is the loop's, between epochs too (the caller's work on each result
        # included): what a user waits for, less the waits of pauses and speed limits
        self._clock = time.perf_counter()
        for epoch in range(1, trainer.epochs + 1):
            if full_batch and control.interrupted and not self._proceed(1):
                break
            losses = trainer.step_epoch()
            now = time.perf_counter()
            trainer.seconds += now - self._clock
            self._clock = now
            if losses is None:  # cancelled between two batches
                break
            loss = losses[0]
            result = EpochResult(
                epoch, float(loss), float(correct[0] / n), tested(), trainer.epoch_rate(0)
            )
            if not alive[0]:
                if trainer.epochs_run(0) == epoch:  # non-finite weights: the epoch counts
                    yield result
                break
            yield result
        self._over = True


def train_together(
    configs: Sequence[Config],
    progress: Callable[[Trainer], None] | None = None,
    every: float = 0.25,
    cancelled: Callable[[], bool] | None = None,
) -> list[Outcome]:
    """Train compatible runs (see engine.trainer.batch_key) as one computation, each to its
    last epoch (or until all diverged, or ``cancelled()``); one Outcome per config, in order.

    ``progress(trainer)`` is called about every ``every`` seconds and at the end, and
    ``cancelled()`` is asked as often (it may be a call to another process).
    """
    blas.for_training(max((c.threads for c in configs if c.threads), default=None))
    trainer = Trainer(configs)
    start = time.perf_counter()
    due = start + every
    stopped = False
    with np.errstate(all="ignore"):
        while trainer.epoch < trainer.epochs and trainer.alive.any():
            trainer.step_epoch()
            now = time.perf_counter()
            trainer.seconds = now - start
            if now >= due:
                if progress is not None:
                    progress(trainer)
                if cancelled is not None and cancelled():
                    stopped = True
                    break
                due = time.perf_counter() + every
        if progress is not None:
            progress(trainer)
        return [trainer.outcome(k, cancelled=stopped) for k in range(len(trainer.configs))]

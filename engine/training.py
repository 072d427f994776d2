"""The training loop: a :class:`Run` is an iterator of per-epoch results.

    run = Run(config)
    for result in run:            # EpochResult(epoch, loss, accuracy)
        ...
    run.result()                  # RunResult: predictions, accuracy, diverged_at, saturated, ...

One epoch is one pass over the data. Its loss and accuracy are those of the predictions made
during the pass (before each step's update), so for full-batch gd the loss of epoch k is the
loss at the weights before the k-th update, as in a PyTorch loop that records ``loss.item()``;
for batched optimizers it is the sample-weighted mean of the batch losses.

``run.control`` pauses, steps, resumes and cancels the run from another thread.
"""

from __future__ import annotations

import contextvars
import math
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .config import Config
from .datasets import DATASETS, Dataset, load_csv
from .losses import LOSSES
from .network import Network, Workspace, columns_with_ones
from .optimizers import OPTIMIZERS
from .weights import load_weights

HALF = np.array(0.5)
SATURATION_WINDOW = 50
"""Epochs between saturation checks; the loss must not have fallen over one window."""
SATURATION_EPS = 1e-3
"""An output within this of 0 or 1 counts as saturated."""
SATURATION_HINT = (
    "outputs saturated at 0 or 1 and the loss is stuck: the learning rate may be too high"
)


def saturated(p: np.ndarray, y: np.ndarray, old_loss, new_loss) -> np.ndarray:
    """Per network (p, y of shape (..., n)): some sample is wrong, every output is within
    SATURATION_EPS of 0 or 1, and the loss has not fallen from ``old_loss`` (SATURATION_WINDOW
    epochs ago) to ``new_loss`` -- the sigmoid's gradient has vanished, the run is stuck."""
    with np.errstate(all="ignore"):
        wrong = np.count_nonzero((p >= 0.5) != (y == 1.0), axis=-1) > 0
        stuck = np.all(np.minimum(p, 1.0 - p) < SATURATION_EPS, axis=-1)
        falling = np.asarray(new_loss) < np.asarray(old_loss) * (1 - 1e-6)
    return wrong & stuck & ~falling


def step(net: Network, optimizer, ws: Workspace, x, y, p, d) -> None:
    """One optimizer step on a batch: forward (p), error d = p - y, backward, update."""
    net.forward(ws, x, p)
    np.subtract(p, y, d)
    optimizer.step(net.theta, net.backward(ws, x, p, d))


def step_batches(net: Network, optimizer, ws: Workspace, full_batches, tail) -> None:
    """A pass of steps over the batches: ``full_batches`` are the pass's (x, y, p, d) arrays
    viewed as (batches, ..., batch size); ``tail`` is the last, smaller batch with its own
    workspace, or None."""
    for xb, yb, pb, db in zip(*full_batches):
        step(net, optimizer, ws, xb, yb, pb, db)
    if tail is not None:
        step(net, optimizer, *tail)


class EpochResult(NamedTuple):
    """One finished epoch: its number (from 1), mean loss and accuracy (0..1) over the pass."""

    epoch: int
    loss: float
    accuracy: float


@dataclass(frozen=True)
class Snapshot:
    """A run's state between epochs, for views: outputs, weights, and units that are dead."""

    predictions: np.ndarray
    """Outputs (n,) in the data's order."""
    weights: np.ndarray
    """A copy of the flat parameter vector (see engine.network.split_blocks)."""
    dead: list[np.ndarray]
    """Per hidden layer, a bool per unit: its activation is 0 on every sample (a dead ReLU)."""


@dataclass(frozen=True)
class RunResult:
    """Where a run ended: final predictions (n,) at the final weights, and how it went."""

    predictions: np.ndarray
    accuracy: float
    loss_history: list[float]
    epochs_run: int
    diverged_at: int | None
    saturated: bool
    cancelled: bool
    epochs_to_100: int | None = None
    """The first epoch whose pass got every sample right."""

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


class RunControl:
    """Thread-safe pause / resume / step / cancel for a run iterated in another thread.

    The run checks it before every epoch; while paused, the iterating thread blocks until
    resumed, stepped (one epoch per step) or cancelled.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._paused = False
        self._steps = 0
        self._cancelled = False
        self.interrupted = False
        """Paused or cancelled: the run must call :meth:`proceed` before its next epoch."""
        self.before_wait: Callable[[], None] | None = None
        """Called in the run's thread just before it blocks on a pause (e.g. to show the last
        epochs before going quiet)."""

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def pause(self) -> None:
        with self._condition:
            self._paused = self.interrupted = True

    def resume(self) -> None:
        with self._condition:
            self._paused = False
            self._steps = 0  # steps owed while paused are not carried into the next pause
            self.interrupted = self._cancelled
            self._condition.notify_all()

    def step(self, epochs: int = 1) -> None:
        """While paused, let ``epochs`` more epochs run."""
        with self._condition:
            self._steps += epochs
            self._condition.notify_all()

    def cancel(self) -> None:
        with self._condition:
            self._cancelled = self.interrupted = True
            self._condition.notify_all()

    def proceed(self) -> bool:
        """Called by the run before an epoch when interrupted: wait while paused (unless a step
        is owed); False once cancelled."""
        if self._paused and not self._steps and not self._cancelled and self.before_wait:
            self.before_wait()
        with self._condition:
            while self._paused and not self._steps and not self._cancelled:
                self._condition.wait()
            if self._cancelled:
                return False
            if self._paused:
                self._steps -= 1
            return True


def seed_streams(seed: int) -> tuple[np.random.Generator, ...]:
    """Independent generators for (data, initial weights, shuffling), all from one seed."""
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))


def make_dataset(config: Config) -> Dataset:
    """The config's data: its CSV file, or the built-in dataset drawn from the config's seed."""
    if config.data:
        return load_csv(config.data)
    data_rng = seed_streams(config.seed)[0]
    return DATASETS[config.dataset].make(config.samples, config.noise, data_rng)


class Run:
    """One training run of ``config``: iterate it to train, one EpochResult per epoch.

    ``data`` replaces the config's dataset; ``init_weights`` (an .npz path) replaces the seeded
    initial weights. The data, the initial weights and the shuffling each draw from their own
    stream of ``config.seed``, so the same config gives the same loss history bit for bit.
    """

    def __init__(
        self,
        config: Config,
        data: Dataset | None = None,
        init_weights: str | Path | None = None,
    ):
        self.config = config
        self.data = data if data is not None else make_dataset(config)
        _, init_rng, self._rng = seed_streams(config.seed)
        self.net = Network(config.sizes, config.activation)
        self.net.initialise(init_rng)
        if init_weights is not None:
            load_weights(self.net, init_weights)
        self.control = RunControl()
        self.loss_history = array("d")
        self.epoch = 0
        self.diverged_at: int | None = None
        self.saturated = False
        self.epochs_to_100: int | None = None
        """The first epoch whose pass got every sample right."""
        self._loss = LOSSES[config.loss]
        n = self.data.n
        self._optimizer = OPTIMIZERS[config.optimizer].make(self.net.theta, config.lr)
        self._batch = OPTIMIZERS[config.optimizer].batch(n, config.batch_size)
        # one column per sample (see engine.network): inputs (3, n) with a row of ones,
        # labels (1, n)
        self._x = columns_with_ones(self.data.x)
        self._y = self.data.y.reshape(1, n).copy()
        # the epoch's predictions p and errors d = p - y, in the order the pass saw the samples
        self._p = np.empty((1, n))
        self._d = np.empty((1, n))
        self._tmp = np.empty((1, n))
        self._positive = self._y == 1.0
        self._predicted = np.empty((1, n), dtype=bool)
        # a non-finite weight shows in the weights' sum (inf and nan propagate): one BLAS dot
        self._ones = np.ones_like(self.net.theta)
        scale = self._optimizer.grad_scale
        if self._batch == n:  # full batch: the data in its own order, one workspace
            self._ws = Workspace(self.net, n, self._loss, scale)
        else:
            self._x_seen = np.empty_like(self._x)
            self._y_seen = np.empty_like(self._y)
            self._positive_seen = np.empty_like(self._positive)
            # the pass's full batches as (batches, rows, batch) views of the shuffled columns:
            # iterating them hands out each batch's views in C, not by slicing in Python
            size, full = self._batch, n // self._batch

            def batches(a: np.ndarray) -> np.ndarray:
                return a[:, : full * size].reshape(a.shape[0], full, size).transpose(1, 0, 2)

            self._ws = Workspace(self.net, size, self._loss, scale)
            self._full_batches = [
                batches(a) for a in (self._x_seen, self._y_seen, self._p, self._d)
            ]
            tail = slice(full * size, n)
            self._tail = None
            if n % size:
                tail_arrays = (self._x_seen, self._y_seen, self._p, self._d)
                self._tail = (
                    Workspace(self.net, n % size, self._loss, scale),
                    *(a[:, tail] for a in tail_arrays),
                )
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

    def predictions(self) -> np.ndarray:
        """Outputs (n,) at the current weights, in the data's order."""
        return self.net.predict(self.data.x)

    def snapshot(self) -> Snapshot:
        """The current weights and what they do to the data, from one forward pass."""
        predictions, hidden = self.net.inspect(self.data.x)
        return Snapshot(
            predictions=predictions,
            weights=self.net.theta.copy(),
            dead=[~np.any(a != 0.0, axis=0) for a in hidden],
        )

    def result(self) -> RunResult:
        """The run's outcome so far, from the current weights."""
        predictions = self.predictions()
        if self.diverged_at is None:
            self._check_saturation(predictions, self.data.y)
        correct = int(np.count_nonzero((predictions >= 0.5) == (self.data.y == 1.0)))
        return RunResult(
            predictions=predictions,
            accuracy=float(correct / self.n),
            loss_history=self.loss_history.tolist(),
            epochs_run=len(self.loss_history),
            diverged_at=self.diverged_at,
            saturated=self.saturated,
            cancelled=self.control.cancelled,
            epochs_to_100=self.epochs_to_100,
        )

    def _train(self):
        np.seterr(all="ignore")  # inside self._context: see __init__
        control, history, theta, ones = self.control, self.loss_history, self.net.theta, self._ones
        n = self.n
        if self._batch == self.n:
            one_epoch, y_seen = self._full_batch_epoch, self._y
        else:
            one_epoch, y_seen = self._batched_epoch, self._y_seen
        for epoch in range(1, self.config.epochs + 1):
            if control.interrupted and not control.proceed():
                return
            loss, correct = one_epoch()
            if not math.isfinite(loss):
                self.diverged_at = epoch
                return
            history.append(loss)
            self.epoch = epoch
            if correct == n and self.epochs_to_100 is None:
                self.epochs_to_100 = epoch
            if not math.isfinite(np.dot(theta, ones)):
                self.diverged_at = epoch
            elif epoch % SATURATION_WINDOW == 0:
                # the pass's predictions, in the order it saw the samples
                self._check_saturation(self._p, y_seen)
            yield EpochResult(epoch, loss, correct / self.n)
            if self.diverged_at is not None:
                return

    def _full_batch_epoch(self) -> tuple[float, int]:
        """One step on the whole set; returns the loss and number correct before the step."""
        x, y, p, d = self._x, self._y, self._p, self._d
        step(self.net, self._optimizer, self._ws, x, y, p, d)
        return float(self._loss.mean(p, y, d, self._tmp)[0]), self._correct(self._positive)

    def _batched_epoch(self) -> tuple[float, int]:
        """One pass in a fresh random order, one step per batch (the last may be smaller)."""
        x, y, p, d = self._x_seen, self._y_seen, self._p, self._d
        order = self._rng.permutation(self.n)
        np.take(self._x, order, axis=1, out=x)
        np.take(self._y, order, axis=1, out=y)
        np.take(self._positive, order, axis=1, out=self._positive_seen)
        step_batches(self.net, self._optimizer, self._ws, self._full_batches, self._tail)
        return float(self._loss.mean(p, y, d, self._tmp)[0]), self._correct(self._positive_seen)

    def _correct(self, positive: np.ndarray) -> int:
        """How many of the pass's predictions are right: p >= 0.5 exactly where y = 1."""
        predicted = self._predicted
        np.greater_equal(self._p, HALF, predicted)
        return np.count_nonzero(np.equal(predicted, positive, predicted))

    def _check_saturation(self, p: np.ndarray, y: np.ndarray) -> None:
        history = self.loss_history
        if len(history) >= SATURATION_WINDOW:
            old, now = history[-SATURATION_WINDOW], history[-1]
            self.saturated = bool(saturated(p.reshape(-1), y.reshape(-1), old, now))

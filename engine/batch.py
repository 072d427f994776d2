"""Several runs trained as one computation, with a leading "model" axis.

Runs that share layer sizes, activation, loss, optimizer, batch size, epoch count and number of
samples go through the same NumPy calls, so K of them cost little more than one (at the lab's
sizes a call costs more than its arithmetic). Each keeps its own data, initial weights, learning
rate and shuffling, all drawn exactly as a single :class:`engine.training.Run` draws them, so
each run's loss history is the one it would have alone (to rounding: see the sweep tests).

    outcomes = BatchRun(configs).run()       # one RunResult per config, in order
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .config import Config
from .losses import LOSSES
from .network import Network, Workspace, columns_with_ones
from .optimizers import OPTIMIZERS
from .training import (
    HALF,
    SATURATION_WINDOW,
    RunResult,
    make_dataset,
    saturated,
    seed_streams,
    step,
    step_batches,
)


def batch_key(config: Config, n: int) -> tuple:
    """What runs must share to be trained together (n: the number of samples)."""
    batch = OPTIMIZERS[config.optimizer].batch(n, config.batch_size)
    return (config.sizes, config.activation, config.loss, config.optimizer, batch, config.epochs, n)


class BatchRun:
    """K compatible runs (see :func:`batch_key`) trained together."""

    def __init__(self, configs: list[Config]):
        self.configs = list(configs)
        K = len(configs)
        first = configs[0]
        self.data = [make_dataset(c) for c in configs]
        n = self.data[0].n
        keys = {batch_key(c, d.n) for c, d in zip(configs, self.data)}
        if len(keys) != 1:
            raise ValueError("runs in a batch must share shape, optimizer, batch, epochs and n")
        self.n, self.epochs = n, first.epochs
        streams = [seed_streams(c.seed) for c in configs]
        self.net = Network(first.sizes, first.activation, models=K)
        self.net.initialise_each([s[1] for s in streams])
        self._shufflers = [s[2] for s in streams]
        self._loss = LOSSES[first.loss]
        # one learning rate per network, as a column that broadcasts over its parameters
        lr = np.array([[c.lr] for c in configs])
        self._optimizer = OPTIMIZERS[first.optimizer].make(self.net.theta, lr)
        self._batch = OPTIMIZERS[first.optimizer].batch(n, first.batch_size)
        scale = self._optimizer.grad_scale
        self._x = np.stack([columns_with_ones(d.x) for d in self.data])  # (K, 3, n)
        self._y = np.stack([d.y.reshape(1, n) for d in self.data])  # (K, 1, n)
        self._positive = self._y == 1.0
        self._p, self._d = np.empty((K, 1, n)), np.empty((K, 1, n))
        self._tmp = np.empty((K, 1, n))
        self._predicted = np.empty((K, 1, n), dtype=bool)
        self._ones = np.ones(self.net.theta.shape[1])
        if self._batch == n:
            self._ws = Workspace(self.net, n, self._loss, scale)
        else:
            size, full = self._batch, n // self._batch
            self._x_seen, self._y_seen = np.empty_like(self._x), np.empty_like(self._y)
            self._positive_seen = np.empty_like(self._positive)
            self._ws = Workspace(self.net, size, self._loss, scale)

            def batches(a: np.ndarray) -> np.ndarray:
                rows = a.shape[1]
                return a[..., : full * size].reshape(K, rows, full, size).transpose(2, 0, 1, 3)

            arrays = (self._x_seen, self._y_seen, self._p, self._d)
            self._full_batches = [batches(a) for a in arrays]
            self._tail = None
            if n % size:
                tail = slice(full * size, n)
                ws = Workspace(self.net, n % size, self._loss, scale)
                self._tail = (ws, *(a[..., tail] for a in arrays))
        self.history = np.zeros((self.epochs, K))
        self.correct = np.zeros((self.epochs, K), dtype=np.int64)
        self.alive = np.ones(K, dtype=bool)
        self.diverged_at: list[int | None] = [None] * K
        self.saturated = np.zeros(K, dtype=bool)
        self.epoch = 0
        self.seconds = 0.0

    def run(
        self,
        progress: Callable[[BatchRun], None] | None = None,
        every: float = 0.25,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[RunResult]:
        """Train every run to its last epoch (or until all diverged, or ``cancelled()``);
        ``progress(self)`` is called about every ``every`` seconds and at the end, and
        ``cancelled()`` is asked as often (it may be a call to another process)."""
        start = due = time.perf_counter()
        epoch_fn = self._full_batch_epoch if self._batch == self.n else self._batched_epoch
        y_seen = self._y if self._batch == self.n else self._y_seen
        stopped = False
        with np.errstate(all="ignore"):
            for epoch in range(1, self.epochs + 1):
                losses, correct = epoch_fn()
                self._record(epoch, losses, correct, y_seen)
                if not self.alive.any():
                    break
                if time.perf_counter() >= due:
                    if progress is not None:
                        progress(self)
                    if cancelled is not None and cancelled():
                        stopped = True
                        break
                    due = time.perf_counter() + every
        self.seconds = time.perf_counter() - start
        if progress is not None:
            progress(self)
        return self.results(stopped)

    def _record(self, epoch, losses, correct, y_seen) -> None:
        """Book one epoch: losses of live runs, divergence, saturation (as Run does, per run)."""
        lost = self.alive & ~np.isfinite(losses)
        for k in np.flatnonzero(lost):  # a non-finite loss: this epoch does not count
            self.diverged_at[k] = epoch
        self.alive &= ~lost
        self.history[epoch - 1] = losses
        self.correct[epoch - 1] = correct
        self.epoch = epoch
        broken = self.alive & ~np.isfinite(self.net.theta @ self._ones)
        for k in np.flatnonzero(broken):  # non-finite weights: the epoch counts, then it stops
            self.diverged_at[k] = epoch
        checking = self.alive & ~broken
        self.alive &= ~broken
        if epoch % SATURATION_WINDOW == 0 and checking.any():
            self._check_saturation(self._p, y_seen, checking, epoch)

    def _check_saturation(self, p, y, which, epoch) -> None:
        p, y = p.reshape(len(p), -1), y.reshape(len(y), -1)
        old, now = self.history[epoch - SATURATION_WINDOW], self.history[epoch - 1]
        self.saturated[which] = saturated(p, y, old, now)[which]

    def epochs_run(self, k: int) -> int:
        """How many epochs of run k count (its loss history's length)."""
        at = self.diverged_at[k]
        if at is None:
            return self.epoch
        return at if np.isfinite(self.history[at - 1, k]) else at - 1

    def losses(self, k: int) -> np.ndarray:
        return self.history[: self.epochs_run(k), k]

    def results(self, cancelled: bool = False) -> list[RunResult]:
        """Each run's outcome from the final weights."""
        out = []
        perfect = self.epochs_to_100()
        for k, (config, data) in enumerate(zip(self.configs, self.data)):
            net = Network.from_weights(config.sizes, config.activation, self.net.theta[k])
            predictions = net.predict(data.x)
            if self.diverged_at[k] is None:
                self._final_saturation(k, predictions, data.y)
            correct = int(np.count_nonzero((predictions >= 0.5) == (data.y == 1.0)))
            out.append(
                RunResult(
                    predictions=predictions,
                    accuracy=float(correct / self.n),
                    loss_history=self.losses(k).tolist(),
                    epochs_run=self.epochs_run(k),
                    diverged_at=self.diverged_at[k],
                    saturated=bool(self.saturated[k]),
                    cancelled=cancelled,
                    epochs_to_100=perfect[k],
                )
            )
        return out

    def _final_saturation(self, k: int, p: np.ndarray, y: np.ndarray) -> None:
        history = self.losses(k)
        if len(history) >= SATURATION_WINDOW:
            self.saturated[k] = saturated(p, y, history[-SATURATION_WINDOW], history[-1])

    def epochs_to_100(self) -> list[int | None]:
        """Per run, the first epoch whose pass got every sample right."""
        out = []
        for k in range(len(self.configs)):
            hits = np.flatnonzero(self.correct[: self.epochs_run(k), k] == self.n)
            out.append(int(hits[0]) + 1 if len(hits) else None)
        return out

    def _full_batch_epoch(self):
        x, y, p, d = self._x, self._y, self._p, self._d
        step(self.net, self._optimizer, self._ws, x, y, p, d)
        return self._loss.mean(p, y, d, self._tmp)[:, 0], self._correct(self._positive)

    def _batched_epoch(self):
        x, y, p, d = self._x_seen, self._y_seen, self._p, self._d
        # each run shuffles with its own generator, as it would alone
        order = np.stack([rng.permutation(self.n) for rng in self._shufflers])[:, None, :]
        np.copyto(x, np.take_along_axis(self._x, np.broadcast_to(order, x.shape), axis=2))
        np.copyto(y, np.take_along_axis(self._y, order, axis=2))
        np.copyto(self._positive_seen, np.take_along_axis(self._positive, order, axis=2))
        step_batches(self.net, self._optimizer, self._ws, self._full_batches, self._tail)
        return self._loss.mean(p, y, d, self._tmp)[:, 0], self._correct(self._positive_seen)

    def _correct(self, positive: np.ndarray) -> np.ndarray:
        predicted = self._predicted
        np.greater_equal(self._p, HALF, predicted)
        return np.count_nonzero(np.equal(predicted, positive, predicted), axis=(1, 2))

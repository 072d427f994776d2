"""The training core: K runs of one shape trained as one computation, K = 1 included.

    trainer = Trainer(configs)          # runs that share batch_key(config, n)
    while trainer.epoch < trainer.epochs and trainer.alive.any():
        trainer.step_epoch()            # one pass over the data for every run
    trainer.outcome(k)                  # run k's Outcome, from its final weights

One epoch is one pass over the data. Its loss and accuracy are those of the predictions made
during the pass (before each step's update), so for full-batch gd the loss of epoch k is the
loss at the weights before the k-th update, as in a PyTorch loop that records ``loss.item()``;
for batched optimizers it is the sample-weighted mean of the batch losses.

Runs that share layer sizes, activation, loss, optimizer, batch size, epoch count and number of
samples go through the same NumPy calls, so K of them cost little more than one (at the lab's
sizes a call costs more than its arithmetic). Each keeps its own data, initial weights, learning
rate and shuffling, drawn exactly as it would draw them alone, so each run's loss history is the
one it has alone, to the bit. A single run (K = 1) has no model axis at all: its products are
``np.dot`` calls, the cheapest there are.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .books import SATURATION_EPS, SATURATION_HINT, SATURATION_WINDOW, EpochBooks, saturated
from .config import Config
from .datasets import DATASETS, Dataset, load_csv
from .live import LiveSettings
from .losses import LOSSES
from .network import Network, Workspace, block_shapes
from .optimizers import OPTIMIZERS
from .outcome import Change
from .penalty import Penalty
from .results import TrainerResults
from .split import HeldOut, split, subset
from .weights import load_weights

# saturated and its constants are engine.books'; they import from here too, as they did
__all__ = [
    "SATURATION_EPS",
    "SATURATION_HINT",
    "SATURATION_WINDOW",
    "Trainer",
    "batch_key",
    "make_dataset",
    "saturated",
    "seed_streams",
]


def seed_streams(seed: int) -> tuple[np.random.Generator, ...]:
    """Independent generators for (data, initial weights, shuffling), all from one seed."""
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))


# gradients buffered before their norms are summed (Trainer._sum_norms): NORM_ROWS epochs
# worth, at most NORM_FLOATS floats a run (a large network sums every epoch or so)
NORM_ROWS, NORM_FLOATS = 64, 1 << 16


def make_dataset(config: Config) -> Dataset:
    """The config's data: its CSV file, or the built-in dataset drawn from the config's seed."""
    if config.data:
        return load_csv(config.data)
    data_rng = seed_streams(config.seed)[0]
    return DATASETS[config.dataset].make(config.samples, config.noise, data_rng)


def batch_key(config: Config, n: int) -> tuple:
    """What runs must share to be trained together (n: the number of samples)."""
    batch = OPTIMIZERS[config.optimizer].batch(n, config.batch_size)
    key = (config.sizes, config.activation, config.loss, config.optimizer, batch, config.epochs, n)
    key += (config.features,)  # the inputs the first layer's columns are made of
    if config.test_fraction:  # the test set's size follows the data: the same data, then
        data = (config.dataset, config.data, config.samples, config.noise, config.seed)
        return (*key, config.test_fraction, data)
    return key


class Trainer(EpochBooks, TrainerResults, LiveSettings):
    """K compatible runs (see :func:`batch_key`) and their books: losses, divergence,
    saturation, the first epoch at 100%.

    ``data`` replaces the configs' datasets; ``init_weights`` (an .npz path, one run only)
    replaces the seeded initial weights. Arrays of a single run have no leading model axis.

    Here are its state and one epoch; its base classes hold the rest of its methods, which
    share this state: EpochBooks (engine.books) the books kept as each epoch ends,
    TrainerResults (engine.results) what is read from them, up to the outcome, and
    LiveSettings (engine.live) its learning rates and the settings changed live.
    """

    def __init__(
        self,
        configs: Sequence[Config],
        data: Sequence[Dataset] | None = None,
        init_weights: str | Path | None = None,
    ):
        self.configs = list(configs)
        self.full = list(data) if data is not None else [make_dataset(c) for c in configs]
        """Every run's samples; it trains on ``data``, the ones its split leaves for training."""
        self.splits = [split(d, c.test_fraction, c.seed) for c, d in zip(self.configs, self.full)]
        """Per run, (train, test) indices into its full data (engine.split)."""
        tested = any(len(test) for _, test in self.splits)
        self.data = [
            subset(d, train) if tested else d for d, (train, _) in zip(self.full, self.splits)
        ]
        first, K = self.configs[0], len(self.configs)
        n = self.n = self.data[0].n
        if len({batch_key(c, d.n) for c, d in zip(self.configs, self.data)}) != 1:
            raise ValueError("runs trained together must share shape, optimizer, batch, epochs, n")
        self.epochs = first.epochs
        self.single = K == 1
        lead = () if self.single else (K,)
        streams = [seed_streams(c.seed) for c in self.configs]
        self.net = Network.of(first, models=None if self.single else K)
        if self.single:
            self.net.initialise(streams[0][1])
            if init_weights is not None:
                load_weights(self.net, init_weights)
        else:
            self.net.initialise_each([s[1] for s in streams])
        self._shufflers = [s[2] for s in streams]
        self._loss = LOSSES[first.loss]
        # one learning rate per run; for K runs a column that broadcasts over their parameters
        lr = first.lr if self.single else np.array([[c.lr] for c in self.configs])
        self._optimizer = OPTIMIZERS[first.optimizer].make(self.net.theta, lr)
        self.tuned = list(self.configs)
        """Per run, its config with the live settings in force (engine.config.LIVE: those
        :meth:`retune` changed), all but the rate, which is ``_rates``."""
        self._rates = [c.lr for c in self.configs]
        """Per run, the learning rate in force (a new list whenever one changes)."""
        self._scheduled = any(c.schedule != "constant" for c in self.configs)
        self._varied = [c.schedule != "constant" for c in self.configs]
        """Per run, whether its rate may change (its lr history is kept and reported)."""
        self._recording = False
        """Rates have changed: _lrs holds every epoch's rates (before, none did)."""
        self.changes: list[list[Change]] = [[] for _ in self.configs]
        """Per run, the settings :meth:`retune` changed."""
        self.batch = OPTIMIZERS[first.optimizer].batch(n, first.batch_size)
        # one column per sample (see engine.network): inputs [features; 1], labels (1, n)
        columns = [self.net.columns(d.x) for d in self.data]
        self._x = np.stack(columns).reshape(*lead, len(first.features) + 1, n)
        self._y = np.stack([d.y.reshape(1, n) for d in self.data]).reshape(*lead, 1, n)
        self._positive = self._y == 1.0
        # the pass's predictions p and errors d = p - y, in the order the pass saw the samples
        self._p, self._d, self._tmp = (np.empty((*lead, 1, n)) for _ in range(3))
        self._predicted = np.empty((*lead, 1, n), dtype=bool)
        # a non-finite weight shows in the weights' sum (inf and nan propagate): one BLAS call
        self._ones = np.ones(self.net.theta.shape[-1])
        self._set_up_batches()
        self.penalty = Penalty.of(self.configs, first.sizes, self._optimizer.grad_scale)
        """The runs' L2/L1 penalty (engine.penalty), or None: then nothing of it is computed."""
        self._penalty_tmp = np.empty_like(self.net.theta) if self.penalty else None
        self._penalty_sum = np.zeros(lead)  # this pass's penalties, times their batches' sizes
        self._penalised = [bool(c.l2 or c.l1) for c in self.configs]
        self._history = np.empty((min(self.epochs, 1024), K))
        self._penalties = np.zeros(self._history.shape)  # per epoch and run: see penalties()
        self._lrs = np.empty(self._history.shape)  # per epoch and run, once rates change
        self.held_out = None
        """The runs' test samples (engine.split.HeldOut), or None without a split."""
        if tested:
            tests = [subset(d, test) for d, (_, test) in zip(self.full, self.splits)]
            self.held_out = HeldOut(self.net, self._loss, tests)
        self._tests = np.zeros((*self._history.shape, 2))  # per epoch, run: test loss, right
        self._tested = None  # the test loss and right of the pass under way, at its start
        self._rights = np.empty(self._history.shape, dtype=np.int64)  # samples right per epoch
        # per epoch, run and layer: the squared norm of the epoch's last gradient, times
        # grad_scale^2 (square roots and the scale are taken when read). An epoch only copies
        # its gradient into a buffer (one call); every NORM_ROWS epochs the buffer's squares
        # are summed per layer at once, by one product with a (P, layers) 0/1 matrix
        self._squares = np.empty((len(self._history), K, self.net.depth))
        counts = [r * c for r, c in block_shapes(first.sizes)]
        self._layer_of = np.repeat(np.eye(len(counts)), counts, axis=0)
        rows = max(1, min(NORM_ROWS, NORM_FLOATS // self.net.theta.size))
        self._grads = np.empty((rows, *self.net.theta.shape))
        self._pending = 0
        """Epochs whose gradient is in the buffer, not yet summed into _squares."""
        self._grad = None
        self.record_norms = True  # benchmarks/grad_norms.py turns it off to time it
        self._scale = np.abs(np.asarray(self._optimizer.grad_scale, dtype=np.float64)).reshape(
            -1, 1
        )
        self.epoch = 0
        self.alive = np.ones(K, dtype=bool)
        self.diverged_at: list[int | None] = [None] * K
        self.saturated = np.zeros(K, dtype=bool)
        self._first_perfect = np.zeros(K, dtype=np.int64)
        self._awaiting_perfect = True
        self.correct = np.zeros(K, dtype=np.int64)
        """Per run, the samples its latest pass got right."""
        self.seconds = 0.0
        """Seconds spent training so far, as the loop that drives the trainer counts them (see
        engine.training): the Outcome's ``seconds`` are each run's share."""
        self.before_batch: Callable[[int], bool] | None = None
        """Asked before each batch ``b`` of a pass of mini-batches (not of full-batch passes):
        False ends the pass there (it does not count). It may block (a pause)."""
        self.position = 0
        """Batches of the current pass done so far (0 between passes)."""
        self._in_pass = False
        """A pass of mini-batches has drawn its order (self._order) and not ended."""

    def _set_up_batches(self) -> None:
        """Workspaces, and for batched optimizers the shuffled copies and their batch views."""
        scale, size, n = self._optimizer.grad_scale, self.batch, self.n
        self._ws = Workspace(self.net, size, self._loss, scale)
        if size == n:  # full batch: the data in its own order
            self._seen = (self._x, self._y, self._positive)
            return
        self._seen = tuple(np.empty_like(a) for a in (self._x, self._y, self._positive))
        full = n // size
        arrays = (self._seen[0], self._seen[1], self._p, self._d)

        def batches(a: np.ndarray) -> np.ndarray:
            # (batches, ..., rows, batch) views: iterating them hands out each batch in C
            shaped = a[..., : full * size].reshape(*a.shape[:-1], full, size)
            return np.moveaxis(shaped, -2, 0)

        self._full_batches = [batches(a) for a in arrays]
        self._tail = None
        if n % size:  # the last, smaller batch is a batch of its own
            tail = slice(full * size, n)
            ws = Workspace(self.net, n % size, self._loss, scale)
            self._tail = (ws, *(a[..., tail] for a in arrays))

    # --- one epoch -------------------------------------------------------------------------------

    def step_epoch(self) -> np.ndarray | None:
        """Train every run one pass over its data; returns the pass's mean loss per run (K,),
        or None when ``before_batch`` ended the pass between two batches."""
        if self.held_out is not None:  # at the weights the pass starts from
            self._tested = self.held_out.evaluate()
        if self.batch == self.n:
            self._step(self._ws, self._x, self._y, self._p, self._d)
        else:
            self._shuffle()
            self._in_pass = True
            ask = self.before_batch
            batches = zip(*self._full_batches)
            if self._tail is not None:
                batches = itertools.chain(batches, [self._tail[1:]])
            for b, (xb, yb, pb, db) in enumerate(batches):
                if ask is not None and not ask(b):
                    # a stop takes effect within one batch; the pass does not count
                    self.position, self._in_pass = 0, False
                    return None
                ws = self._ws if self._tail is None or b < self.batches - 1 else self._tail[0]
                self._step(ws, xb, yb, pb, db)
                self.position = b + 1
            self.position, self._in_pass = 0, False
        losses = self._loss.mean(self._p, self._seen[1], self._d, self._tmp).reshape(-1)
        self._book(losses)
        if self._scheduled and self.epoch < self.epochs:
            self._step_schedules()
        return losses

    def next_batch(self) -> np.ndarray:
        """Indices into the run's full data (``full[0]``, held-out samples included) of the
        samples the next update will see (one run): every training sample for full batches;
        else the next batch of the pass under way, or, between passes, the first batch of the
        next pass (drawn from a copy of the shuffling generator, so the run itself draws the
        same order)."""
        train = self.splits[0][0]  # position in the training samples -> index in the data
        if self.batch == self.n:
            return train.copy()
        if self._in_pass:
            order = self._order
        else:
            order = copy.deepcopy(self._shufflers[0]).permutation(self.n)
        start = self.position * self.batch
        return train[order[start : start + self.batch]]

    def optimizer_copy(self):
        """A copy of the optimizer with its state (momentum, Adam's moments and step count),
        to take the next step on a copy of the weights (engine.explain)."""
        return copy.deepcopy(self._optimizer)

    @property
    def batches(self) -> int:
        """Batches (updates) in one pass."""
        return -(-self.n // self.batch)

    def _step(self, ws: Workspace, x, y, p, d) -> None:
        """One optimizer step on a batch: forward (p), error d = p - y, backward, (the
        penalty's gradient added), update."""
        self.net.forward(ws, x, p)
        np.subtract(p, y, d)
        self._grad = self.net.backward(ws, x, p, d)
        if self.penalty is not None:  # at the weights the batch's loss was taken at
            self._penalty_sum += self.penalty.value(self.net.theta) * x.shape[-1]
            self.penalty.add_gradient(self.net.theta, self._grad, self._penalty_tmp)
        self._optimizer.step(self.net.theta, self._grad)

    def _shuffle(self) -> None:
        """A fresh random order for the pass; each run draws from its own generator."""
        if self.single:
            order = self._order = self._shufflers[0].permutation(self.n)
            for source, seen in zip((self._x, self._y, self._positive), self._seen):
                np.take(source, order, axis=-1, out=seen)
            return
        order = np.stack([rng.permutation(self.n) for rng in self._shufflers])[:, None, :]
        for source, seen in zip((self._x, self._y, self._positive), self._seen):
            index = np.broadcast_to(order, source.shape)
            np.copyto(seen, np.take_along_axis(source, index, axis=-1))

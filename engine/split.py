"""Held-out data: a run's samples split into the ones it trains on and the ones it is tested on.

    train, test = split(data, fraction, seed)     # sorted indices into data

The split is stratified by label (each class gives round(fraction * its count) test samples)
and drawn from the seed's own stream (the fourth of engine.trainer.seed_streams' family, so
the data, the initial weights and the shuffling are drawn exactly as without a split): the
same for every run with that seed and data, whatever else differs. A fraction of 0 tests on
nothing and trains on every sample, in their order, as before.
"""

from __future__ import annotations

import numpy as np

from .datasets import Dataset, NothingToTrain


def split_stream(seed: int) -> np.random.Generator:
    """The generator the split is drawn from: the seed's fourth spawned stream."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[3])


def split(data: Dataset, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, test): sorted indices into ``data``; ``test`` is empty for a fraction of 0.
    Raises NothingToTrain (a DataError) when no training sample would be left."""
    everything = np.arange(data.n)
    if not fraction:
        return everything, everything[:0]
    rng = split_stream(seed)
    chosen = []
    for label in (0.0, 1.0):
        members = np.flatnonzero(data.y == label)
        count = int(round(fraction * len(members)))
        chosen.append(rng.permutation(members)[:count])
    test = np.sort(np.concatenate(chosen))
    train = np.setdiff1d(everything, test)
    if not len(train):
        raise NothingToTrain(
            f"a test fraction of {fraction:g} leaves no sample to train on ({data.n} in all)"
        )
    return train, test


def none_held_out(fraction: float, test: np.ndarray, n: int) -> str | None:
    """A note when a test fraction > 0 rounds to no sample of either label, or None."""
    if not fraction or len(test):
        return None
    return f"a test fraction of {fraction:g} holds out no sample of {n}: nothing is tested"


def subset(data: Dataset, index: np.ndarray) -> Dataset:
    """The samples at ``index``, in that order."""
    return Dataset(data.x[index], data.y[index])


class HeldOut:
    """The test samples of K runs (or one) of one shape, evaluated at the current weights:
    the loss and the samples right per run, from one forward pass that changes nothing the
    training uses (a workspace of its own)."""

    def __init__(self, net, loss, tests: list[Dataset]) -> None:
        from .network import Workspace

        single = len(tests) == 1
        m = tests[0].n
        lead = () if single else (len(tests),)
        self.net, self.loss, self.m = net, loss, m
        columns = [net.columns(t.x) for t in tests]
        self.x = np.stack(columns).reshape(*lead, len(net.features) + 1, m)
        self.y = np.stack([t.y.reshape(1, m) for t in tests]).reshape(*lead, 1, m)
        self.positive = self.y == 1.0
        self.ws = Workspace(net, m, loss)
        self.p, self.d, self.tmp = (np.empty((*lead, 1, m)) for _ in range(3))
        self.right = np.empty((*lead, 1, m), dtype=bool)
        self.axes = -1 if single else (1, 2)

    def evaluate(self) -> tuple[np.ndarray, np.ndarray]:
        """(loss (K,), samples right (K,)) at the network's current weights."""
        self.net.forward(self.ws, self.x, self.p)
        np.subtract(self.p, self.y, self.d)
        losses = self.loss.mean(self.p, self.y, self.d, self.tmp).reshape(-1)
        np.greater_equal(self.p, 0.5, self.right)
        np.equal(self.right, self.positive, self.right)
        return losses, np.atleast_1d(np.count_nonzero(self.right, axis=self.axes))

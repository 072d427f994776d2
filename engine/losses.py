"""Losses on the sigmoid output, a name-keyed registry.

p, y, d are float64 arrays of shape (..., 1, m): prediction, label (0 or 1) and d = p - y, for
one network (1, m) or K at once (K, 1, m).

    mean(p, y, d, tmp) -> (..., 1)   the mean loss over the m samples, per network
    delta(p, d, out, tmp, scale)     out = scale * (p - y) p (1 - p) for mse, scale * (p - y)
                                     for bce: the output layer's error; scale = factor / m
                                     gives dL/dz, the exact gradient of the mean
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ONE

BCE_EPS = np.array(1e-12)
"""torch.nn.BCELoss's floor on p (1 - p) in its gradient."""
LOG_FLOOR = -100.0
"""log(p) is clamped here in the BCE value, as torch.nn.BCELoss does: p = 0 gives 100, not inf."""


@dataclass(frozen=True)
class Loss:
    """One loss: its mean value and the error it sends back through the output sigmoid."""

    name: str
    mean: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], None]
    factor: float
    """The loss's constant: dL/dz = factor / m * delta(scale=1)."""


# Means are sums along the samples' (last) axis, the same reduction for one network or K, so a
# run's loss is the same to the bit whether it trains alone or in a batch (engine.batch).


def _mse_mean(p, y, d, tmp):
    # mean((p - y)^2)
    np.multiply(d, d, tmp)
    return np.add.reduce(tmp, axis=-1) / tmp.shape[-1]


def _mse_delta(p, d, out, tmp, scale):
    # dL/dz = (2 / m (p - y)) (1 - p) p, in torch's order (MSELoss, then the sigmoid's backward)
    np.subtract(ONE, p, tmp)
    np.multiply(d, scale, out)
    np.multiply(out, tmp, out)
    np.multiply(out, p, out)


def _bce_logs(p, y, tmp):
    # y is 0 or 1, so each sample's term is the log of p or of 1 - p, clamped as torch does
    np.subtract(1.0, p, out=tmp)
    np.copyto(tmp, p, where=y > 0.5)
    np.log(tmp, out=tmp)
    np.maximum(tmp, LOG_FLOOR, out=tmp)
    return tmp


def _bce_mean(p, y, d, tmp):
    # -mean(y log p + (1 - y) log(1 - p))
    return -np.add.reduce(_bce_logs(p, y, tmp), axis=-1) / tmp.shape[-1]


def _bce_delta(p, d, out, tmp, scale):
    # dL/dz = 1/m (p - y) / max(p (1 - p), eps) * p (1 - p): torch's BCELoss backward (which
    # clamps the log's derivative), then the sigmoid's. Where p (1 - p) >= eps (any output not
    # within 1e-12 of 0 or 1) this is exactly 1/m (p - y).
    np.subtract(ONE, p, tmp)
    np.multiply(tmp, p, tmp)
    np.maximum(tmp, BCE_EPS, out=out)
    np.divide(d, out, out)
    np.multiply(out, scale, out)
    np.multiply(out, tmp, out)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("mse", _mse_mean, _mse_delta, factor=2.0),
        Loss("bce", _bce_mean, _bce_delta, factor=1.0),
    )
}
"""Losses by name."""

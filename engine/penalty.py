"""Regularisation, as in the TensorFlow Playground: a penalty on the weights W_i (never the
biases) added to the batch's mean loss before its gradient is taken.

    L2:  lambda * 1/2 * sum(w^2)     d/dw = lambda * w
    L1:  lambda * sum(|w|)           d/dw = lambda * sign(w)  (0 at w = 0, as torch's sign)

    penalty = Penalty.of(configs, sizes, grad_scale)   # None when every lambda is 0
    penalty.add_gradient(theta, grad, tmp)             # grad += grad_scale * d(penalty)/dtheta
    penalty.value(theta)                               # the penalty per run, (K,) or ()

``theta`` is the flat parameter vector (engine.network), one row per run for K runs; a mask
picks its weights out of the [W_i; b_i] blocks. The gradient it adds is scaled like the loss's
(``grad_scale``: the learning rate for plain gradient descent, 1 otherwise; see
engine.optimizers), so the optimizer steps on d(loss + penalty)/dtheta.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .network import block_shapes


def weight_mask(sizes: tuple[int, ...]) -> np.ndarray:
    """1.0 at the weights of a flat parameter vector, 0.0 at the biases (each block's last row)."""
    parts = []
    for rows, cols in block_shapes(sizes):
        block = np.ones((rows, cols))
        block[-1] = 0.0
        parts.append(block.reshape(-1))
    return np.concatenate(parts)


class Penalty:
    """The L2 and L1 penalties of K runs (or one) of one network shape."""

    def __init__(self, l2: np.ndarray, l1: np.ndarray, mask: np.ndarray, grad_scale) -> None:
        # per run (a column for K runs), the lambdas; and, scaled, the gradient's coefficients
        self.l2, self.l1, self.mask = l2, l1, mask
        scale = np.asarray(grad_scale, dtype=np.float64)
        self._l2_grad = self.l2 * scale * mask if np.any(self.l2) else None
        self._l1_grad = self.l1 * scale * mask if np.any(self.l1) else None

    @classmethod
    def of(cls, configs: Sequence, sizes: tuple[int, ...], grad_scale) -> Penalty | None:
        """The penalty of these runs (configs with ``l2`` and ``l1``), or None if none has one."""
        l2s, l1s = [c.l2 for c in configs], [c.l1 for c in configs]
        return cls.rates(l2s, l1s, sizes, grad_scale) if any(l2s + l1s) else None

    @classmethod
    def rates(cls, l2s: Sequence, l1s: Sequence, sizes: tuple[int, ...], grad_scale) -> Penalty:
        """The penalty of runs with these lambdas, one each (zeros included)."""
        single = len(l2s) == 1
        column = (lambda v: np.array(v[0])) if single else (lambda v: np.array(v)[:, None])
        l2 = column([float(v) for v in l2s])
        l1 = column([float(v) for v in l1s])
        return cls(l2, l1, weight_mask(sizes), grad_scale)

    def add_gradient(self, theta: np.ndarray, grad: np.ndarray, tmp: np.ndarray) -> None:
        """grad += grad_scale * (l2 * w + l1 * sign(w)) at the weights (biases untouched)."""
        if self._l2_grad is not None:
            np.multiply(theta, self._l2_grad, tmp)
            np.add(grad, tmp, grad)
        if self._l1_grad is not None:
            np.sign(theta, tmp)
            np.multiply(tmp, self._l1_grad, tmp)
            np.add(grad, tmp, grad)

    def value(self, theta: np.ndarray) -> np.ndarray:
        """l2 * 1/2 * sum(w^2) + l1 * sum(|w|) over the weights, per run: (K,) or ()."""
        weights = theta * self.mask
        l2, l1 = (v.reshape(theta.shape[:-1]) for v in (self.l2, self.l1))
        squares = np.einsum("...p,...p->...", weights, weights)
        return l2 * 0.5 * squares + l1 * np.abs(weights).sum(axis=-1)

"""Optimizers, a name-keyed registry: how many samples a step sees and how the step moves theta.

The contract. ``OPTIMIZERS[name].make(theta, lr)`` builds the optimizer for one parameter
vector: theta of shape (P,) for one network, or (K, P) for K networks trained together (lr is
then a (K, 1) column, one rate per network). ``step(theta, grad)`` updates theta in place, from
grad of theta's shape, and keeps whatever state it needs (momentum buffer, Adam moments) in
arrays of that shape. The gradient it receives is ``grad_scale`` * dL/dtheta of the batch's mean
loss, as engine.network's backward returns it: plain gd, sgd and minibatch have grad_scale = lr
(lr is folded into the output error, so their step is one subtraction) and receive lr * dL/dtheta;
momentum and adam have grad_scale = 1 and receive dL/dtheta. ``lr`` is the rate in force;
``set_lr(lr)`` changes it from the next step on (a schedule, a live change: engine.trainer),
and with it a plain optimizer's grad_scale, which the trainer then hands to the backward pass.

Every update works on the whole flat parameter vector at once (one call per operation).

    gd, sgd, minibatch   theta -= lr * g                            (batch: n, 1, batch_size)
    momentum             buf = 0.9 buf + g;  theta -= lr * buf      (torch.optim.SGD, momentum 0.9)
    adam                 m = lerp(m, g, 0.1);  v = 0.999 v + 0.001 g^2;
                         theta -= lr / (1 - 0.9^t) * m / (sqrt(v) / sqrt(1 - 0.999^t) + 1e-8)
                                                                          (torch.optim.Adam)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DEFAULT_MINIBATCH = 32
"""Batch size of ``minibatch`` when none is given."""


class Plain:
    """theta -= lr * g. The gradient arrives already multiplied by lr (``grad_scale``), so the
    step is a single subtraction: the backward pass folds lr into the output error for free."""

    folds_lr = True

    def __init__(self, theta: np.ndarray, lr: float):
        self.lr = self.grad_scale = lr

    def set_lr(self, lr) -> None:
        self.lr = self.grad_scale = lr

    def step(self, theta: np.ndarray, scaled_grad: np.ndarray) -> None:
        np.subtract(theta, scaled_grad, theta)


class Momentum:
    """torch.optim.SGD(momentum=0.9, dampening=0, nesterov=False): the first step sets buf = g."""

    grad_scale = 1.0
    folds_lr = False
    momentum = 0.9

    def __init__(self, theta: np.ndarray, lr: float):
        self.lr = lr
        self.buf = np.zeros_like(theta)
        self.tmp = np.empty_like(theta)
        self.started = False

    def set_lr(self, lr) -> None:
        self.lr = lr

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        if self.started:
            np.multiply(self.buf, self.momentum, out=self.buf)
            np.add(self.buf, grad, out=self.buf)
        else:
            np.copyto(self.buf, grad)
            self.started = True
        np.multiply(self.buf, self.lr, out=self.tmp)
        np.subtract(theta, self.tmp, out=theta)


class Adam:
    """torch.optim.Adam(betas=(0.9, 0.999), eps=1e-8), in torch's order of operations."""

    grad_scale = 1.0
    folds_lr = False
    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, theta: np.ndarray, lr: float):
        self.lr = lr
        self.m = np.zeros_like(theta)
        self.v = np.zeros_like(theta)
        self.tmp = np.empty_like(theta)
        self.tmp2 = np.empty_like(theta)
        self.t = 0

    def set_lr(self, lr) -> None:
        self.lr = lr

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self.t += 1
        m, v, tmp, tmp2 = self.m, self.v, self.tmp, self.tmp2
        # m.lerp_(g, 1 - beta1) = m + (1 - beta1) (g - m)
        np.subtract(grad, m, out=tmp)
        np.multiply(tmp, 1.0 - self.beta1, out=tmp)
        np.add(m, tmp, out=m)
        # v.mul_(beta2).addcmul_(g, g, 1 - beta2) = beta2 v + ((1 - beta2) g) g
        np.multiply(v, self.beta2, out=v)
        np.multiply(grad, 1.0 - self.beta2, out=tmp)
        np.multiply(tmp, grad, out=tmp)
        np.add(v, tmp, out=v)
        # denom = sqrt(v) / sqrt(1 - beta2^t) + eps;  theta -= (lr / (1 - beta1^t)) m / denom
        step_size = self.lr / (1.0 - self.beta1**self.t)
        np.sqrt(v, out=tmp)
        np.divide(tmp, (1.0 - self.beta2**self.t) ** 0.5, out=tmp)
        np.add(tmp, self.eps, out=tmp)
        np.multiply(m, step_size, out=tmp2)
        np.divide(tmp2, tmp, out=tmp2)
        np.subtract(theta, tmp2, out=theta)


@dataclass(frozen=True)
class Optimizer:
    """One optimizer: its update rule and the batch size a step uses."""

    name: str
    make: Callable[[np.ndarray, float], Plain | Momentum | Adam]
    batch: Callable[[int, int | None], int]
    """(n samples, configured batch size or None) -> samples per step."""
    uses_batch_size: bool
    """Whether the configured batch size means anything to this optimizer."""
    calls: int
    """NumPy calls of one step (engine.plan's estimate of a sweep's time counts them)."""


def _whole_set(n: int, batch_size: int | None) -> int:
    return n


def _one(n: int, batch_size: int | None) -> int:
    return 1


def _given_or(default: int | None) -> Callable[[int, int | None], int]:
    def batch(n: int, batch_size: int | None) -> int:
        size = batch_size or default or n
        return min(size, n)

    return batch


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("gd", Plain, _whole_set, False, 1),
        Optimizer("sgd", Plain, _one, False, 1),
        Optimizer("minibatch", Plain, _given_or(DEFAULT_MINIBATCH), True, 1),
        Optimizer("momentum", Momentum, _given_or(None), True, 4),
        Optimizer("adam", Adam, _given_or(None), True, 13),
    )
}
"""Optimizers by name."""

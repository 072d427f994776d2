"""Hidden-layer activations, a name-keyed registry.

Each activation is written in terms of its *output* ``a = f(z)``: the backward pass needs only
the cached activations, never the pre-activations, so the forward pass may work in place.

    forward(z, out)            out = f(z)                 (z may be overwritten)
    backward(a, da, out, tmp)  out = da * f'(z), with f'(z) expressed through a

Arrays are float64 of shape (units, m), one column per sample; forward may run in place
(out is z). Callers run these inside ``np.errstate(all="ignore")``: ``exp`` overflows to
``inf`` for z < -709, which gives the correct limit 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01
"""Negative slope of leaky_relu (as torch.nn.LeakyReLU's default)."""


@dataclass(frozen=True)
class Activation:
    """One hidden activation: its math and the initialisation that suits it."""

    name: str
    forward: Callable[[np.ndarray, np.ndarray], None]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], None]
    init: str
    """Weight initialisation for layers feeding this activation: "glorot" or "he"."""
    calls: int
    """NumPy calls of a forward and a backward pass through one layer (engine.plan's
    estimate of a sweep's time counts them)."""


# NumPy calls below pass ``out`` positionally and scalars as 0-d arrays: for arrays this small,
# keyword parsing and float-to-array conversion are a large part of each call's cost.
ONE = np.array(1.0)
SLOPE = np.array(LEAKY_SLOPE)
ONE_MINUS_SLOPE = np.array(1.0 - LEAKY_SLOPE)


def sigmoid_forward(z: np.ndarray, out: np.ndarray) -> None:
    """out = 1 / (1 + exp(-z))."""
    np.negative(z, z)
    np.exp(z, z)
    np.add(z, ONE, z)
    np.reciprocal(z, out)


def _sigmoid_backward(a, da, out, tmp):
    # f'(z) = a (1 - a), applied as (da (1 - a)) a in torch's order
    np.subtract(ONE, a, tmp)
    np.multiply(da, tmp, out)
    np.multiply(out, a, out)


def _tanh_forward(z, out):
    np.tanh(z, out)


def _tanh_backward(a, da, out, tmp):
    # f'(z) = 1 - a^2
    np.multiply(a, a, tmp)
    np.subtract(ONE, tmp, tmp)
    np.multiply(da, tmp, out)


def _relu_forward(z, out):
    np.maximum(z, 0.0, out=out)


def _relu_backward(a, da, out, tmp):
    # f'(z) = 1 where z > 0 (a > 0), else 0 -- torch's convention at z = 0
    np.greater(a, 0.0, tmp)
    np.multiply(da, tmp, out)


def _leaky_relu_forward(z, out):
    if out is not z:
        np.copyto(out, z)
    np.multiply(out, SLOPE, out, where=out < 0.0)


def _leaky_relu_backward(a, da, out, tmp):
    # f'(z) = 1 where a > 0, else slope: slope + (1 - slope) [a > 0]
    np.greater(a, 0.0, tmp)
    np.multiply(tmp, ONE_MINUS_SLOPE, tmp)
    np.add(tmp, SLOPE, tmp)
    np.multiply(da, tmp, out)


def _none_forward(z, out):
    if out is not z:
        np.copyto(out, z)


def _none_backward(a, da, out, tmp):
    np.copyto(out, da)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid_forward, _sigmoid_backward, "glorot", 4 + 3),
        Activation("tanh", _tanh_forward, _tanh_backward, "glorot", 1 + 3),
        Activation("relu", _relu_forward, _relu_backward, "he", 1 + 2),
        Activation("leaky_relu", _leaky_relu_forward, _leaky_relu_backward, "he", 2 + 4),
        Activation("none", _none_forward, _none_backward, "glorot", 1 + 1),
    )
}
"""Hidden activations by name; the output layer is always sigmoid."""

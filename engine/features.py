"""Input features: what the first layer sees of a point (x1, x2), as in the TensorFlow
Playground.

    features(x, ("x1", "x2", "x1x2"))    (n, 2) points -> (n, 3): the columns x1, x2, x1*x2

A network's first layer takes the feature columns in the order given, so its fan-in is their
number; ``x1,x2`` (the default) is the points themselves. Each feature is its formula on the
point's coordinates, computed in float64 exactly as written (x1sq is x1 * x1, sinx1 is
np.sin(x1)), so a framework given the same matrix sees the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np


class Feature(NamedTuple):
    """One input feature: its formula on the coordinates x1, x2 (arrays (n,)), how it is
    written (``label``) and its name in three characters at most (``short``, for the network
    view's weight columns)."""

    formula: Callable[[np.ndarray, np.ndarray], np.ndarray]
    label: str
    short: str


FEATURES: dict[str, Feature] = {
    "x1": Feature(lambda x1, x2: x1, "x1", "x1"),
    "x2": Feature(lambda x1, x2: x2, "x2", "x2"),
    "x1sq": Feature(lambda x1, x2: x1 * x1, "x1²", "x1²"),
    "x2sq": Feature(lambda x1, x2: x2 * x2, "x2²", "x2²"),
    "x1x2": Feature(lambda x1, x2: x1 * x2, "x1·x2", "x12"),
    "sinx1": Feature(lambda x1, x2: np.sin(x1), "sin x1", "sx1"),
    "sinx2": Feature(lambda x1, x2: np.sin(x2), "sin x2", "sx2"),
}
"""Every feature by name, in the order the help lists them."""

DEFAULT_FEATURES = ("x1", "x2")
"""The points themselves: the lab's network."""


def features(x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Points x (n, 2) -> the feature matrix (n, F): column j is feature ``names[j]``."""
    x1, x2 = x[:, 0], x[:, 1]
    out = np.empty((x.shape[0], len(names)))
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name].formula(x1, x2)
    return out


def labels(names: Sequence[str]) -> list[str]:
    """How each feature is written: x1, x2, x1², x1·x2, sin x1, ..."""
    return [FEATURES[name].label for name in names]

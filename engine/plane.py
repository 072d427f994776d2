"""The input plane: the network's output over a grid, for drawing decision boundaries."""

from __future__ import annotations

import numpy as np

from .network import Network

MARGIN = 0.1
"""Fraction of the data's span added on every side of the plane."""


def extent(x: np.ndarray) -> tuple[float, float, float, float]:
    """(x1 min, x1 max, x2 min, x2 max) around inputs x (n, 2), with a margin; never empty."""
    low, high = x.min(axis=0), x.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    low, high = low - MARGIN * span, high + MARGIN * span
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def grid_outputs(
    net: Network, bounds: tuple[float, float, float, float], columns: int, rows: int
) -> np.ndarray:
    """Outputs (rows, columns) at the centres of a grid over ``bounds``; row 0 is the top
    (largest x2), column 0 the left (smallest x1)."""
    x1_min, x1_max, x2_min, x2_max = bounds
    x1 = x1_min + (np.arange(columns) + 0.5) * (x1_max - x1_min) / columns
    x2 = x2_max - (np.arange(rows) + 0.5) * (x2_max - x2_min) / rows
    points = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)
    return net.predict(points).reshape(rows, columns)


def cell_of(
    x: np.ndarray, bounds: tuple[float, float, float, float], columns: int, rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) of the grid cell each input (n, 2) falls in, clipped to the grid."""
    x1_min, x1_max, x2_min, x2_max = bounds
    column = np.floor((x[:, 0] - x1_min) / (x1_max - x1_min) * columns).astype(int)
    row = np.floor((x2_max - x[:, 1]) / (x2_max - x2_min) * rows).astype(int)
    return np.clip(row, 0, rows - 1), np.clip(column, 0, columns - 1)


def grid_points(bounds: tuple[float, float, float, float], columns: int, rows: int) -> np.ndarray:
    """The (rows * columns, 2) centres of a grid over ``bounds``, row-major, laid out as in
    :func:`grid_outputs` (row 0 the top, column 0 the left)."""
    x1_min, x1_max, x2_min, x2_max = bounds
    x1 = x1_min + (np.arange(columns) + 0.5) * (x1_max - x1_min) / columns
    x2 = x2_max - (np.arange(rows) + 0.5) * (x2_max - x2_min) / rows
    return np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)


def unit_outputs(
    net: Network, bounds: tuple[float, float, float, float], columns: int, rows: int
) -> list[np.ndarray]:
    """Every layer's values over a grid (as :func:`grid_points`), one (rows, columns, units)
    array per layer of ``net.sizes``: the input features (x1, x2 themselves by default), each
    hidden layer's activations a_i, and the output."""
    points = grid_points(bounds, columns, rows)
    outputs, hidden = net.inspect(points)
    layers = [net.inputs(points), *hidden, outputs[:, None]]
    return [layer.reshape(rows, columns, -1) for layer in layers]

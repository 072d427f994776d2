"""Datasets: the lab's ``linear`` and ``xor``, the TensorFlow playground's ``circle``, ``spiral``
and ``gauss``, and a user's CSV file.

Every dataset is a :class:`Dataset` of inputs x (n, 2) float64 and labels y (n,) float64 of 0/1.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import UnreadableFile, read_regular


class DataError(ValueError):
    """A dataset file that cannot be used; the message names the file and what is wrong."""

    flag = "--data"
    """The command-line flag whose value is the cause."""


class NothingToTrain(DataError):
    """The held-out share of the data leaves no sample to train on."""

    flag = "--test-fraction"


@dataclass(frozen=True)
class Dataset:
    """Inputs x of shape (n, 2) and labels y of shape (n,), each 0.0 or 1.0."""

    x: np.ndarray
    y: np.ndarray

    @property
    def n(self) -> int:
        return len(self.y)


def linear(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """n points uniform in [0,1]^2, label 0 where x1 > x2 else 1 (the lab's generate_linear).

    With noise > 0 the points are then jittered by U(-noise, noise), keeping their labels.
    """
    x = rng.uniform(0.0, 1.0, size=(n, 2))
    y = np.where(x[:, 0] > x[:, 1], 0.0, 1.0)
    if noise > 0:
        x = x + rng.uniform(-noise, noise, size=x.shape)
    return Dataset(x, y)


def xor(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """The lab's 21 points: for i in 0..10, (0.1i, 0.1i) labelled 0 and, unless 0.1i = 0.5,
    (0.1i, 1 - 0.1i) labelled 1, in that order. n and noise do not apply."""
    points, labels = [], []
    for i in range(11):
        points.append((0.1 * i, 0.1 * i))
        labels.append(0.0)
        if 0.1 * i == 0.5:
            continue
        points.append((0.1 * i, 1 - 0.1 * i))
        labels.append(1.0)
    return Dataset(np.array(points), np.array(labels))


def circle(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Playground "circle": half the points within radius 2.5 of the origin (label 1), half in
    the ring 3.5..5 (label 0); each jittered by U(-5, 5) * noise, labelled by where it lands."""
    inner = n // 2
    radius = np.concatenate([rng.uniform(0, 2.5, inner), rng.uniform(3.5, 5.0, n - inner)])
    angle = rng.uniform(0, 2 * math.pi, n)
    x = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    x = x + rng.uniform(-5.0, 5.0, size=x.shape) * noise
    y = np.where(np.hypot(x[:, 0], x[:, 1]) < 2.5, 1.0, 0.0)
    return Dataset(x, y)


def spiral(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Playground "spiral": two interleaved arms of radius 0..5 turning 1.75 times, label 1
    for the first arm and 0 for the second (rotated by pi); jitter U(-1, 1) * noise."""
    arms = []
    for label, offset, count in ((1.0, 0.0, n - n // 2), (0.0, math.pi, n // 2)):
        i = np.arange(count) / count
        r, t = i * 5.0, 1.75 * i * 2 * math.pi + offset
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xy = xy + rng.uniform(-1.0, 1.0, size=xy.shape) * noise
        arms.append((xy, np.full(count, label)))
    return Dataset(np.concatenate([a[0] for a in arms]), np.concatenate([a[1] for a in arms]))


def gauss(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Playground "gauss": two Gaussian clouds at (2, 2) (label 1) and (-2, -2) (label 0),
    variance 0.5 at noise 0 rising linearly to 4 at noise 1."""
    std = math.sqrt(0.5 + 3.5 * noise)
    half = n - n // 2
    x = np.concatenate(
        [rng.normal(2.0, std, size=(half, 2)), rng.normal(-2.0, std, size=(n // 2, 2))]
    )
    y = np.concatenate([np.ones(half), np.zeros(n // 2)])
    return Dataset(x, y)


@dataclass(frozen=True)
class Generator:
    """A built-in dataset: how to make it and which settings it takes."""

    name: str
    make: Callable[[int, float, np.random.Generator], Dataset]
    uses_samples: bool = True
    uses_noise: bool = True


DATASETS: dict[str, Generator] = {
    g.name: g
    for g in (
        Generator("linear", linear),
        Generator("xor", xor, uses_samples=False, uses_noise=False),
        Generator("circle", circle),
        Generator("spiral", spiral),
        Generator("gauss", gauss),
    )
}
"""Built-in datasets by name."""


MAX_CSV_BYTES = 128 * 2**20
"""The largest CSV file read (a million rows of three numbers take about 40 MB)."""


def load_csv(path: str | Path) -> Dataset:
    """Read ``x1,x2,label`` rows (a header line is optional); labels must be 0 or 1.

    Raises DataError naming the file and line for a wrong column count, a value that is not a
    finite number, a label other than 0/1, or a file with no rows.
    """
    path = Path(path).expanduser()
    try:
        text = read_regular(path, MAX_CSV_BYTES, "CSV file").decode("utf-8-sig")
    except UnreadableFile as error:
        raise DataError(f"{path}: {error}") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: cannot read it ({_reason(error)})") from None
    try:
        rows = [
            (number, row)
            for number, row in enumerate(csv.reader(text.splitlines()), start=1)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as error:
        raise DataError(f"{path}: not a CSV file ({error})") from None
    if rows and not _is_number(rows[0][1][0]):
        rows = rows[1:]  # the header
    if not rows:
        raise DataError(f"{path}: no data rows (expected lines of x1,x2,label)")
    x, y = np.empty((len(rows), 2)), np.empty(len(rows))
    for i, (number, row) in enumerate(rows):
        where = f"{path} line {number}"
        if len(row) != 3:
            raise DataError(f"{where}: expected 3 columns x1,x2,label, found {len(row)}")
        values = []
        for name, cell in zip(("x1", "x2", "label"), row):
            if not _is_number(cell):
                raise DataError(f"{where}: {name} is not a number: {cell.strip()!r}")
            value = float(cell)
            if not math.isfinite(value):
                raise DataError(f"{where}: {name} must be a finite number, found {cell.strip()}")
            values.append(value)
        if values[2] not in (0.0, 1.0):
            raise DataError(f"{where}: label must be 0 or 1, found {row[2].strip()}")
        x[i], y[i] = values[:2], values[2]
    return Dataset(x, y)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)

"""Charts drawn as characters: curves, exact axis ticks, braille or plain markers.

Plain NumPy, no Textual: a :class:`Figure` is rows of cells, each a character and the index of
the curve that drew it (for its colour), with the y tick labels on the left and the x tick labels
underneath. tui.widgets.plot paints it.

Every value maps to a fractional row ``u = (top - v) / (top - bottom) * rows``; it is drawn in
row ``floor(u)`` (or in one of that row's four braille dots), and a tick labelled ``v`` sits in
the same row, so a label is never more than half a row from its value.

    figure = draw([Curve(epochs, losses)], width=50, height=10, log=True)
    figure.lines()                # ["1e-1 ⠉⠒⢄…", …, "epoch 1      5000     10000"]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

MARKERS = "*+ox#@%&=$^~"
RULE = "┆"
"""A marked epoch's dotted vertical line (see :func:`draw`)."""
RULED = -2
"""The curve index of a rule's cells (no curve: drawn in the axis' style)."""
"""A plain character per overlaid curve: twelve curves differ without colour."""
BRAILLE = 0x2800
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Braille dot bits by (row, column) inside a cell of 4 x 2 dots."""
LOSS_FLOOR = 1e-300
"""Losses are clipped here before log10, so a loss of exactly 0 still plots."""


@dataclass
class Curve:
    """One curve: x values (epochs), y values (losses, or log10 of them on a log chart)."""

    x: np.ndarray
    y: np.ndarray
    marker: str = "*"
    """Its character where it is drawn with markers (overlays, plain mode)."""
    line: bool = False
    """Drawn as a braille line among curves drawn with markers (where braille may be used)."""


@dataclass
class Figure:
    """A drawn chart: ``rows`` of (character, curve index or -1) cells beside y labels."""

    cells: list[list[tuple[str, int]]]
    y_labels: list[str]
    """One per row, right-aligned, "" where there is no tick."""
    x_labels: str
    """The row under the plot, aligned with it (the y labels' width of padding first)."""
    label_width: int
    top: float = 0.0
    bottom: float = 0.0
    ticks: list[tuple[int, float]] = field(default_factory=list)
    """(row, value) of every y tick."""

    def lines(self) -> list[str]:
        """The figure as plain text, one string per row."""
        rows = [
            f"{label:>{self.label_width - 1}}│" + "".join(c for c, _ in cells)
            for label, cells in zip(self.y_labels, self.cells)
        ]
        return [*rows, self.x_labels]


def log_values(values: np.ndarray) -> np.ndarray:
    """log10 of losses (0 clipped to LOSS_FLOOR), without warnings."""
    with np.errstate(all="ignore"):
        return np.log10(np.maximum(np.asarray(values, dtype=np.float64), LOSS_FLOOR))


def draw(
    curves: list[Curve],
    width: int,
    height: int,
    log: bool = True,
    braille: bool = True,
    x_last: int | None = None,
    rules: Sequence[int] = (),
) -> Figure:
    """Draw ``curves`` into ``width`` x ``height`` characters (one row of it for the x labels).

    ``log``: y values are log10 and their ticks are labelled as powers of ten. ``braille``
    draws a single curve, and any curve marked ``line``, with braille dots (2 x 4 per cell);
    otherwise, and for several curves, each curve is its marker, one per cell, drawn over the
    braille lines. ``x_last`` fixes the x axis' end (default: the largest x). ``rules``: epochs
    marked by a dotted vertical line (RULE, behind the curves; ":" without braille), e.g. where
    a setting was changed.
    """
    rows = max(height - 1, 1)
    finite = [(c, np.isfinite(c.y)) for c in curves]
    ys = [c.y[ok] for c, ok in finite if ok.any()]
    xs = [c.x for c in curves if len(c.x)]
    bottom, top = _y_range(ys)
    last = max(x_last or 0, max((int(x.max()) for x in xs), default=1), 2)
    ticks = _y_ticks(bottom, top, rows, log)
    labels = [""] * rows
    for (row, _), text in zip(ticks, _labels(ticks, log)):
        labels[row] = text
    label_width = max(max(map(len, labels)), 5) + 1
    plot_width = max(width - label_width, 1)
    single = len(curves) == 1
    cells: list[list[tuple[str, int]]] = [[(" ", -1)] * plot_width for _ in range(rows)]
    for epoch in rules:
        column = min(max(int((epoch - 1) / (last - 1) * plot_width), 0), plot_width - 1)
        for row in cells:
            row[column] = (RULE if braille else ":", RULED)
    marks: list[set[tuple[int, int]]] = []
    for index, (curve, ok) in enumerate(finite):
        marks.append(set())
        if not ok.any():
            continue
        u = (top - curve.y[ok]) / (top - bottom) * rows
        v = (curve.x[ok].astype(np.float64) - 1) / (last - 1) * plot_width
        if braille and (single or curve.line):
            _draw_dots(cells, v * 2, u * 4, index)
        else:
            marks[-1] = _connect(v, u, rows, plot_width)
    if any(marks):
        _share_cells(cells, marks, [c.marker for c in curves])
    x_labels = _x_labels(last, plot_width, label_width)
    return Figure(cells, labels, x_labels, label_width, top, bottom, ticks)


def _y_range(ys: list[np.ndarray]) -> tuple[float, float]:
    if not ys:
        return 0.0, 1.0
    bottom = float(min(y.min() for y in ys))
    top = float(max(y.max() for y in ys))
    if top - bottom < 1e-12 * max(1.0, abs(top)):
        return bottom - 0.5, top + 0.5
    return bottom, top


def _row(value: float, top: float, bottom: float, rows: int) -> int:
    u = (top - value) / (top - bottom) * rows
    return min(max(int(math.floor(u)), 0), rows - 1)


def _y_ticks(bottom: float, top: float, rows: int, log: bool) -> list[tuple[int, float]]:
    """Tick values inside [bottom, top], each in the row its value falls in, at most one a row
    and a row apart: powers of ten (or 1, 2, 5 times them) on a log chart, round numbers on a
    linear one; where too few fit, the values of the top and bottom rows."""
    most = max(rows // 2, 2)
    if log:
        for factors in ((1.0,), (1.0, 2.0, 5.0)):
            candidates = [
                d + math.log10(f)
                for d in range(math.floor(bottom), math.ceil(top) + 1)
                for f in factors
                if bottom <= d + math.log10(f) <= top
            ]
            if len(candidates) >= 2:
                step = max(1, math.ceil(len(candidates) / most))
                return _spaced(candidates[::-1][::step], top, bottom, rows)
    else:
        span = top - bottom
        raw = span / most
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        first = math.ceil(bottom / step)
        candidates = [k * step for k in range(first, int(math.floor(top / step)) + 1)]
        if len(candidates) >= 2:
            return _spaced(candidates[::-1], top, bottom, rows)
    # the values at the centres of the top and bottom rows
    centre = (top - bottom) / rows / 2
    return [(0, top - centre), (rows - 1, bottom + centre)]


def _labels(ticks: list[tuple[int, float]], log: bool) -> list[str]:
    """The ticks' labels, with as many digits as it takes to tell them apart."""
    for digits in range(2, 8):
        labels = [_label(value, log, digits) for _, value in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _spaced(values: list[float], top: float, bottom: float, rows: int) -> list[tuple[int, float]]:
    ticks: list[tuple[int, float]] = []
    for value in values:
        row = _row(value, top, bottom, rows)
        if all(abs(row - r) >= 2 for r, _ in ticks):
            ticks.append((row, value))
    return ticks


def _label(value: float, log: bool, digits: int = 2) -> str:
    """1e-2 for a decade on a log chart, 2.5e-3 between; 0.25 or 1.5e+04 on a linear one
    (``digits`` significant digits at most)."""
    if log:
        mantissa, exponent = f"{10**value:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    if abs(value) < 1e-12:
        return "0"
    return f"{value:.{digits + 1}g}"


def _x_labels(last: int, plot_width: int, label_width: int) -> str:
    """Epoch ticks at round numbers under the columns they fall in, "epoch" on the left."""
    line = list("epoch".rjust(label_width - 1) + " " + " " * plot_width)
    ticks = [1]
    raw = (last - 1) / max(plot_width // 10, 1)
    power = 10 ** math.floor(math.log10(max(raw, 1)))
    steps = [m * power for m in (1, 2, 2.5, 5, 10) if float(m * power).is_integer()]
    step = int(next(s for s in steps if s >= raw))
    ticks += [k * step for k in range(1, last // step + 1)]
    taken = label_width  # columns before this are used
    for tick in ticks:
        column = min(int((tick - 1) / (last - 1) * plot_width), plot_width - 1)
        text = str(tick)
        start = label_width + column - len(text) // 2
        start = min(max(start, label_width), label_width + plot_width - len(text))
        if start < taken + (1 if taken > label_width else 0):
            continue
        line[start : start + len(text)] = text
        taken = start + len(text)
    return "".join(line)


def _draw_dots(cells, columns: np.ndarray, rows: np.ndarray, index: int) -> None:
    """A connected braille line through (column, row) dot coordinates."""
    height, width = len(cells) * 4, len(cells[0]) * 2
    points = _connect(columns, rows, height, width)
    bits: dict[tuple[int, int], int] = {}
    for c, r in points:
        key = (r // 4, c // 2)
        bits[key] = bits.get(key, 0) | _DOTS[r % 4][c % 2]
    for (row, column), value in bits.items():
        old, _ = cells[row][column]
        if BRAILLE <= ord(old) < BRAILLE + 256:
            value |= ord(old) - BRAILLE
        cells[row][column] = (chr(BRAILLE + value), index)


def _share_cells(cells, marks: list[set[tuple[int, int]]], markers: list[str]) -> None:
    """Each curve's marker in its cells; where curves cross or lie on each other, a cell goes
    to the one showing in the fewest cells so far, so no curve is hidden under the others."""
    owners: dict[tuple[int, int], list[int]] = {}
    for index, points in enumerate(marks):
        for point in points:
            owners.setdefault(point, []).append(index)
    shown = [0] * len(marks)
    for point in sorted(owners):
        index = min(reversed(owners[point]), key=lambda i: shown[i])
        shown[index] += 1
        column, row = point
        cells[row][column] = (markers[index], index)


def _connect(columns: np.ndarray, rows: np.ndarray, height: int, width: int) -> set:
    """The grid points of a line through the points, joined point to point, so a sparse curve
    and a steep fall both stay one line."""
    c = np.clip(np.floor(columns), 0, width - 1)
    r = np.clip(np.floor(rows), 0, height - 1)
    if len(c) > 1:
        steps = np.maximum(np.abs(np.diff(c)), np.abs(np.diff(r))).astype(np.int64)
        steps = np.maximum(steps, 1)
        start = np.repeat(np.arange(len(steps)), steps)
        fraction = (
            np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)
        ) / np.repeat(steps, steps)
        c = np.concatenate([c[start] + (c[start + 1] - c[start]) * fraction, c[-1:]])
        r = np.concatenate([r[start] + (r[start + 1] - r[start]) * fraction, r[-1:]])
    return set(zip(np.rint(c).astype(np.int64).tolist(), np.rint(r).astype(np.int64).tolist()))

"""The network view's picture without the widget: tile sizes, colour levels, weight text.

Plain NumPy (no Textual), drawn by tui.widgets.neuron_tiles: where each unit's tile goes for a
network's layer sizes and the screen's size, each unit's output over the plane as colour levels,
and the weights into a unit in three characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.features import DEFAULT_FEATURES, FEATURES
from engine.network import split_blocks

LEVELS = 21
"""Shades of each colour: values are rounded to 1/20 before drawing (as the boundary map)."""


def colour_names(no_color: bool) -> tuple[str, str]:
    """What the low and high colours look like: blue and orange; under NO_COLOR, where the
    terminal draws them in greys, dark and light grey."""
    return ("dark grey", "light grey") if no_color else ("blue", "orange")


MAX_SHOWN = 16
"""Units drawn per layer at most; a wider layer shows its first ones and counts the others."""
MIN_TILE, MAX_TILE_HEIGHT = (4, 2), 8
"""Smallest tile (columns, rows) and tallest; tiles are twice as wide as tall (square-ish)."""
CELL = 4
"""Characters per weight in a connection panel: a 3-character value and a space."""
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""The drawn range of a bounded activation; any other is scaled per unit around 0."""


def weight_text(w: float) -> str:
    """A weight in 3 characters, sign first: "+.3" below 1, "-12" up to 99, "+##" past it."""
    if not np.isfinite(w):
        return "nan" if w != w else ("+in" if w > 0 else "-in")
    sign, size = "+" if w >= 0 else "-", abs(w)
    if size < 0.95:
        text = f".{round(size * 10)}"
    elif size < 99.5:
        text = f"{size:.0f}"
    else:
        text = "##"
    return f"{sign}{text}".rjust(3)


def largest(block: np.ndarray) -> float:
    """The largest finite |w| of a block (1 if there is none), for shading its weights."""
    finite = np.abs(block[np.isfinite(block)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def to_levels(layers: list[np.ndarray], activation: str) -> list[np.ndarray]:
    """Per layer, values (rows, columns, units) as colour levels 0..LEVELS-1 (uint8).

    The inputs span their own range; hidden layers use ``activation``'s range (RANGES), or for
    an unbounded one each unit's largest |a| around 0; the output is a sigmoid's (0, 1)."""
    out = []
    last = len(layers) - 1
    with np.errstate(all="ignore"):
        for i, values in enumerate(layers):
            if i == 0:
                low, high = values.min(axis=(0, 1)), values.max(axis=(0, 1))
            elif i < last and activation not in RANGES:
                high = np.abs(values).max(axis=(0, 1))
                high = np.where(high > 0, high, 1.0)  # a unit that is 0 everywhere: neutral
                low = -high
            else:
                low, high = RANGES["sigmoid" if i == last else activation]
            span = np.where(high - low > 0, high - low, 1.0)
            unit = np.nan_to_num((values - low) / span, nan=0.5, posinf=1.0, neginf=0.0)
            out.append(np.rint(np.clip(unit, 0.0, 1.0) * (LEVELS - 1)).astype(np.uint8))
    return out


@dataclass(frozen=True)
class Layout:
    """Where everything goes, for layer sizes ``sizes`` in a panel of a given size."""

    sizes: tuple[int, ...]
    tile: tuple[int, int]
    """(columns, rows) of character cells per tile; a tile is a grid of columns x 2 * rows."""
    shown: tuple[int, ...]
    """Units drawn per layer."""
    x: tuple[int, ...]
    """The first column of each layer's tiles."""
    tops: tuple[tuple[int, ...], ...]
    """Per layer, the first row of each shown unit's tile."""
    width: int
    height: int
    inputs: tuple[str, ...] = DEFAULT_FEATURES
    """The input features (engine.features), one per unit of the first column."""
    spacing: int = 2
    """Columns of a weights panel besides its CELL per weight: a space before them, one after
    (none when the picture is tight)."""

    def input_name(self, unit: int, width: int) -> str:
        """How input ``unit`` is named in ``width`` characters: "sin x1" where it fits, else
        its short name ("sx1")."""
        feature = FEATURES[self.inputs[unit]]
        return feature.label if len(feature.label) <= width else feature.short

    @property
    def grid(self) -> tuple[int, int]:
        """(columns, points per column) to compute each tile's outputs at."""
        return self.tile[0], 2 * self.tile[1]

    @property
    def weights_line(self) -> int:
        """The row of a tile beside which the weights into its unit are (its bias under them)."""
        return max(0, (self.tile[1] - 2) // 2)

    @property
    def hidden(self) -> list[tuple[int, int]]:
        """(layer, units not drawn) for each layer with more units than are drawn."""
        return [(i, n - s) for i, (n, s) in enumerate(zip(self.sizes, self.shown)) if n > s]


def plan(
    sizes: tuple[int, ...],
    width: int,
    height: int,
    inputs: tuple[str, ...] = DEFAULT_FEATURES,
) -> Layout:
    """The largest tiles that fit ``width`` x ``height`` (never below MIN_TILE), and as many
    units of each layer as fit the height at that size (at most MAX_SHOWN); a network too deep
    for the width is laid out wider than it (the widget scrolls). ``inputs``: the features
    the first column shows; when they do not all fit with a gap under each tile, their tiles
    are drawn without gaps."""
    per_unit = MIN_TILE[1] + 1  # a tile and the gap under it
    fit = height // per_unit
    if max(sizes) > fit:  # a row to say how many are not drawn
        fit = (height - 1) // per_unit
    shown = [min(n, max(1, min(fit, MAX_SHOWN))) for n in sizes]
    gaps = [1] * len(sizes)
    if shown[0] < sizes[0]:
        # inputs (features) that do not all fit with a gap under each tile go without: the
        # name on each tile's first line tells them apart, and no weights sit beside them
        gaps[0] = 0
        cut = any(s < n for s, n in zip(shown[1:], sizes[1:]))
        packed = (height - 1 - cut) // MIN_TILE[1]
        if packed < sizes[0] and not cut:
            packed = (height - 2) // MIN_TILE[1]
        shown[0] = min(sizes[0], max(1, min(packed, MAX_SHOWN)))
    shown = tuple(shown)
    more = 1 if shown != tuple(sizes) else 0
    panels = [CELL * k + 2 for k in shown[:-1]]
    spacing, least = 2, len(sizes) * MIN_TILE[0]
    if sum(panels) + least > width >= sum(panels) - len(panels) + least:
        spacing = 1  # one space less after each panel's weights makes it fit
        panels = [panel - 1 for panel in panels]
    room = height - 1 - more
    rows = min((room + g) // s - g for s, g in zip(shown, gaps))
    rows = max(MIN_TILE[1], min(rows, MAX_TILE_HEIGHT))
    columns = max(MIN_TILE[0], min((width - sum(panels)) // len(sizes), 2 * rows))
    rows = max(MIN_TILE[1], min(rows, columns // 2))
    x, left = [], 0
    for i in range(len(sizes)):
        x.append(left)
        left += columns + (panels[i] if i < len(panels) else 0)
    extents = [s * (rows + g) - g for s, g in zip(shown, gaps)]
    body = max(extents)
    tops = []
    for s, g, extent in zip(shown, gaps, extents):
        first = 1 + (body - extent) // 2
        tops.append(tuple(first + k * (rows + g) for k in range(s)))
    return Layout(
        tuple(sizes),
        (columns, rows),
        shown,
        tuple(x),
        tuple(tops),
        left,
        1 + body + more,
        tuple(inputs),
        spacing,
    )


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture's numbers, computed off the UI thread by :func:`make_frame`."""

    layout: Layout
    levels: list[np.ndarray]
    """Per layer, colour levels (2 * tile rows, tile columns, shown units), see to_levels."""
    texts: list[np.ndarray]
    """Per layer after the inputs, the shown weights W and the bias row b below them, as
    weight_text draws them: (shown units of the layer before + 1, shown units)."""
    shades: list[np.ndarray]
    """The same weights' shades, 0..8: |w| over the largest |w| of their layer."""
    dead: list[np.ndarray]
    """Per hidden layer, a bool per unit: its output is 0 on every sample."""


def make_frame(
    layout: Layout,
    values: list[np.ndarray],
    weights: np.ndarray,
    activation: str,
    dead: list[np.ndarray],
) -> Frame:
    """A frame from every layer's values over the grid (engine.plane.unit_outputs), and the
    flat weights."""
    levels = to_levels([v[..., :count] for v, count in zip(values, layout.shown)], activation)
    texts, shades = [], []
    for i, block in enumerate(split_blocks(weights, layout.sizes)):
        part = np.concatenate([block[: layout.shown[i]], block[-1:]])[:, : layout.shown[i + 1]]
        texts.append(np.vectorize(weight_text, otypes=["U3"])(part))
        with np.errstate(all="ignore"):
            shade = np.round(np.minimum(np.abs(part) / largest(block), 1.0) * 8)
        shades.append(np.where(np.isfinite(part), shade, 8).astype(np.int8))
    return Frame(layout, levels, texts, shades, dead)


def changed_rows(old: Frame, new: Frame) -> set[int] | None:
    """The rows of the picture that look different in ``new`` than in ``old`` (None: any)."""
    layout = new.layout
    if old.layout != layout or len(old.dead) != len(new.dead):
        return None
    if not all(np.array_equal(a, b) for a, b in zip(old.dead, new.dead)):
        return None
    rows: set[int] = set()
    for layer, (a, b) in enumerate(zip(old.levels, new.levels)):
        differs = (a != b).any(axis=1)  # (2 * tile rows, units)
        for line, unit in zip(*np.nonzero(differs[0::2] | differs[1::2])):
            rows.add(layout.tops[layer][int(unit)] + int(line))
    for layer in range(1, len(layout.sizes)):
        differs = (old.texts[layer - 1] != new.texts[layer - 1]) | (
            old.shades[layer - 1] != new.shades[layer - 1]
        )
        for unit in np.nonzero(differs.any(axis=0))[0]:
            top = layout.tops[layer][int(unit)] + layout.weights_line
            rows.update((top, top + 1))  # its weights and its bias
    return rows


def layer_title(i: int, depth: int, short: bool) -> str:
    if i == 0:
        return "in" if short else "input"
    if i == depth:
        return "out" if short else "output"
    return f"h{i}" if short else f"hidden {i}"

"""NetworkScreen: every layer's weights and biases as a shaded matrix with its values.

Rows are the layer's inputs (x1, x2 or the previous layer's units) and its bias; columns are its
units. Positive weights are shaded red, negative blue, stronger for larger magnitudes, and the
sign is printed, so it reads without colour. A hidden unit whose activation is 0 on every sample
(a dead ReLU) is flagged in its column heading.
"""

from __future__ import annotations

import numpy as np
from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine.network import split_blocks
from tui.session import RunRecord

from .live import LiveView

NEGATIVE, POSITIVE = Color.parse("#2f7fd1"), Color.parse("#d9534f")


def layer_names(sizes: tuple[int, ...], activation: str) -> list[str]:
    names = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        kind = "sigmoid output" if i == len(sizes) - 1 else activation
        names.append(f"Layer {i}: {fan_in} -> {fan_out} ({kind})")
    return names


def matrix_table(block: np.ndarray, inputs: list[str], dead: np.ndarray | None) -> Table:
    """A (fan_in + 1, fan_out) block [W; b] as a table of shaded, signed values."""
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("", style="bold", no_wrap=True)
    for unit in range(block.shape[1]):
        heading = f"u{unit + 1}"
        if dead is not None and dead[unit]:
            heading = Text(f"u{unit + 1} DEAD", style="bold reverse")
        table.add_column(heading, justify="right", no_wrap=True)
    finite = np.abs(block[np.isfinite(block)])
    scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    for name, row in zip([*inputs, "bias"], block):
        cells = []
        for value in row:
            strength = min(abs(float(value)) / scale, 1.0) if np.isfinite(value) else 1.0
            colour = (POSITIVE if value >= 0 else NEGATIVE).with_alpha(0.15 + 0.7 * strength)
            background = Color(0, 0, 0).blend(colour, colour.a).rich_color
            text = f"{value:+.3f}" if abs(value) < 1e4 or value != value else f"{value:+.2e}"
            cells.append(Text(text, style=Style(bgcolor=background)))
        table.add_row(name, *cells)
    return table


class NetworkScreen(LiveView):
    """The weights of every layer, redrawn as they change."""

    HEADING = "Network: weights W (rows: inputs) and bias b of each layer; red > 0, blue < 0"

    def compose_view(self) -> ComposeResult:
        yield VerticalScroll(Static("", id="layers"), id="network")

    def update_view(self, record: RunRecord | None) -> None:
        layers = self.query_one("#layers", Static)
        if record is None or record.weights is None:
            layers.update("no trained network yet: ctrl+r trains")
            return
        sizes, activation = record.config.sizes, record.config.activation
        blocks = split_blocks(record.weights, sizes)
        parts = []
        for i, (name, block) in enumerate(zip(layer_names(sizes, activation), blocks)):
            inputs = ["x1", "x2"] if i == 0 else [f"h{j + 1}" for j in range(block.shape[0] - 1)]
            dead = record.dead[i] if i < len(record.dead) else None
            heading = Text(name, style="bold")
            if dead is not None and dead.any():
                count = int(dead.sum())
                heading.append(
                    f"   {count} dead unit{'s' if count > 1 else ''}: output 0 on every sample",
                    style="bold",
                )
            parts.extend([heading, matrix_table(block, inputs, dead), Text("")])
        layers.update(Group(*parts))

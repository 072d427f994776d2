"""NetworkScreen: the network as a picture, following the run as it learns.

Every unit is a tile of its output over the input plane, in columns by layer from the inputs
(x1, x2, or each feature --features chose, drawn over the same plane) to the output (the
decision boundary), with the weights into each unit beside it and dead units marked
(tui.widgets.neuron_tiles). The tiles are computed in a thread worker from a snapshot of the
weights -- never on the UI thread -- at most twice a second, and a frame for weights or a size
that are no longer current is dropped. "v" shows the exact weights and biases instead, as shaded
tables; they are also what a diverged run (weights not finite) shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from engine.features import labels
from engine.network import Network, split_blocks
from engine.plane import extent, unit_outputs
from tui.session import RunRecord
from tui.tiles import Frame, colour_names, make_frame
from tui.widgets.boundary_map import HIGH, LOW
from tui.widgets.neuron_tiles import NeuronTiles, TilesCaption

from .live import LiveView

NEGATIVE, POSITIVE = LOW, HIGH
"""Shades of negative and positive weights: the tiles' colours for low and high."""
UNIT_SQUARE = (-0.1, 1.1, -0.1, 1.1)
"""The plane drawn for a run without data at hand (the xor and linear data's own extent)."""


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
    """Every unit's output over the plane and the weights between them, redrawn as they change."""

    HEADING = "Network: each unit's output over the plane, by layer, and the weights into it"
    BINDINGS = [
        Binding(
            "v",
            "toggle_values",
            "Values",
            tooltip="Show the exact weights and biases, or the picture",
        ),
        Binding(
            "m", "toggle_mode", "Colour/shade", tooltip="Draw the tiles in colours or in characters"
        ),
    ]

    @dataclass
    class Computed(Message):
        """Tiles and weights for the run and layout ``key``."""

        key: tuple
        frame: Frame

    def compose_view(self) -> ComposeResult:
        yield NeuronTiles(id="tiles")
        yield VerticalScroll(Static("", id="layers"), id="network")
        yield TilesCaption("", id="network-caption", markup=False)

    def on_mount(self) -> None:
        self.tiles.shade_mode = self.app.no_color
        self._computed_for: tuple | None = None
        self._values = False
        """The user asked for the exact values instead of the picture."""
        super().on_mount()

    @property
    def tiles(self) -> NeuronTiles:
        return self.query_one(NeuronTiles)

    def update_view(self, record: RunRecord | None) -> None:
        if record is None or record.weights is None:
            self.tiles.clear()
            self.query_one("#layers", Static).update("")
            waiting = (
                "setting up the run"
                if record is not None and record.active
                else "no weights for this run"
            )
            self.caption("no run yet (ctrl+r)" if record is None else waiting)
            return
        sizes, activation = record.config.sizes, record.config.activation
        finite = bool(np.isfinite(record.weights).all())
        tables = self._values or not finite
        self.tiles.display = not tables
        self.query_one("#network").display = tables
        if tables:
            self.query_one("#layers", Static).update(weight_tables(record))
            low, high = colour_names(self.app.no_color)
            self.caption(
                f"weights W (rows: inputs), biases b: {high} > 0, {low} < 0 | v: picture"
                if finite
                else "the weights are not finite (the run diverged): no picture to draw"
            )
            return
        layout = self.tiles.set_network(sizes, activation, record.config.features)
        self.caption(self.legend(record))
        key = (record.run_id, record.epoch, layout)
        if key == self._computed_for:
            return
        self._computed_for = key
        bounds = UNIT_SQUARE if record.data is None else extent(record.data.x)
        dead = [flags.copy() for flags in record.dead]
        self.compute(key, layout, activation, record.weights.copy(), bounds, dead)

    def caption(self, text: str) -> None:
        """Say ``text`` under the picture (unless it says so already: a redraw is not free)."""
        caption = self.query_one(TilesCaption)
        if str(caption.content) != text:
            caption.update(text)

    def legend(self, record: RunRecord) -> str:
        """The line under the picture: what the tiles and numbers mean, dead and unseen units."""
        shades = ("' '", "▒")
        low, high = shades if self.tiles.shade_mode else colour_names(self.app.no_color)
        parts = [
            f"{record.config.activation}: {low} low, {high} high",
            "left of a unit: weights in, b bias",
        ]
        dead = sum(int(flags.sum()) for flags in record.dead)
        if dead:
            parts.append(f"{dead} DEAD")
        if note := self.tiles.inputs_note():
            parts.append(note)
        if note := self.tiles.hidden_note():
            parts.append(note)
        return " | ".join(parts)

    @work(thread=True, exclusive=True, group="network")
    def compute(self, key, layout, activation, weights, bounds, dead) -> None:
        """Off the UI thread: each shown unit's output over the plane, and the weights."""
        net = Network.from_weights(layout.sizes, activation, weights, layout.inputs)
        columns, points = layout.grid
        values = unit_outputs(net, bounds, columns, points)
        self.post_message(self.Computed(key, make_frame(layout, values, weights, activation, dead)))

    def on_network_screen_computed(self, message: Computed) -> None:
        if message.key != self._computed_for:
            return  # tiles for weights or a size that are no longer current
        self.tiles.show(message.frame)

    def on_neuron_tiles_layout_changed(self) -> None:
        self.tick(force=True)

    def action_toggle_values(self) -> None:
        self._values = not self._values
        self.tick(force=True)
        shown = self.query_one("#network") if self._values else self.tiles
        if shown.display:
            shown.focus()  # its keys scroll it

    def action_toggle_mode(self) -> None:
        self.tiles.shade_mode = not self.tiles.shade_mode
        self.tick(force=True)


def weight_tables(record: RunRecord) -> Group:
    """Every layer's [W; b] as a table of shaded, signed values, under the layer's name."""
    sizes, activation = record.config.sizes, record.config.activation
    blocks = split_blocks(record.weights, sizes)
    parts = []
    for i, (name, block) in enumerate(zip(layer_names(sizes, activation), blocks)):
        inputs = (
            labels(record.config.features)
            if i == 0
            else [f"h{j + 1}" for j in range(block.shape[0] - 1)]
        )
        dead = record.dead[i] if i < len(record.dead) else None
        heading = Text(name, style="bold")
        if dead is not None and dead.any():
            count = int(dead.sum())
            heading.append(
                f"   {count} dead unit{'s' if count > 1 else ''}: output 0 on every sample",
                style="bold",
            )
        parts.extend([heading, matrix_table(block, inputs, dead), Text("")])
    return Group(*parts)

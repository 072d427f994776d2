"""BoundaryScreen: the decision boundary, shaded over the input plane as the network learns.

The grid of outputs is computed in a thread worker from a snapshot of the weights -- never on
the UI thread -- at most twice a second and only when the weights have changed, at the full
resolution of the panel. The plane spans the data (any range: spiral, gauss, a CSV file).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from engine.network import Network
from engine.plane import extent, grid_outputs
from tui.session import RunRecord
from tui.tiles import colour_names
from tui.widgets.boundary_map import BoundaryMap

from .live import LiveView


class BoundaryScreen(LiveView):
    """The network's output over the plane, with every sample on it."""

    HEADING = "Decision boundary: the network's output  o/x label 0/1  O X wrong  0 1 test"
    BINDINGS = [
        Binding(
            "m", "toggle_mode", "Colour/shade", tooltip="Draw the map in colours or in characters"
        ),
    ]

    @dataclass
    class Computed(Message):
        """A grid of outputs for the weights of run ``key``."""

        key: tuple
        grid: np.ndarray
        bounds: tuple[float, float, float, float]

    def compose_view(self) -> ComposeResult:
        yield BoundaryMap(id="map")
        yield Static("", id="map-axes", markup=False)

    def on_mount(self) -> None:
        self.query_one(BoundaryMap).shade_mode = self.app.no_color
        self._computed_for: tuple | None = None
        self._axes, self._finite = "", True
        super().on_mount()

    @property
    def map(self) -> BoundaryMap:
        return self.query_one(BoundaryMap)

    def update_view(self, record: RunRecord | None) -> None:
        if record is None or record.weights is None or record.data is None:
            self.map.clear()
            self.query_one("#map-axes", Static).update("no trained network yet: ctrl+r trains")
            return
        columns, points = self.map.grid_size()
        key = (record.run_id, record.epoch, columns, points)
        if key == self._computed_for:
            return
        self._computed_for = key
        bounds = extent(record.data.x)
        predictions = record.predictions
        wrong = None
        if predictions is not None and len(predictions) == record.data.n:
            wrong = (predictions >= 0.5) != (record.data.y == 1.0)
        self.map.set_samples(record.data.x, record.data.y, wrong, record.is_test())
        self.compute(
            key,
            record.config,
            record.weights.copy(),
            bounds,
            columns,
            points,
        )

    @work(thread=True, exclusive=True, group="boundary")
    def compute(self, key, config, weights, bounds, columns, points) -> None:
        """Off the UI thread: the outputs over the plane for a snapshot of the weights."""
        net = Network.of(config, weights)
        self.post_message(self.Computed(key, grid_outputs(net, bounds, columns, points), bounds))

    def on_boundary_screen_computed(self, message: Computed) -> None:
        if message.key != self._computed_for:
            return  # a grid for weights or a size that are no longer current
        finite = bool(np.isfinite(message.grid).all())
        self.map.set_grid(message.grid, message.bounds)
        x1_min, x1_max, x2_min, x2_max = message.bounds
        self._axes = f"x1 {x1_min:.3g}..{x1_max:.3g}  x2 {x2_min:.3g}..{x2_max:.3g}"
        self._finite = finite
        self.caption()

    def caption(self) -> None:
        """The line under the map: what the shades mean, the plane's extent, the key."""
        if not self._finite:
            text = "the network's outputs are not finite (the run diverged): nothing to shade"
        elif self.map.shade_mode:
            text = f"0 ' ' · ░ ▒ 1   {self._axes}   m: colours"
        else:
            low, high = colour_names(self.app.no_color)
            text = f"0 {low} .. 1 {high}   {self._axes}   m: shades"
        self.query_one("#map-axes", Static).update(text)

    def on_resize(self) -> None:
        self.tick(force=True)

    def action_toggle_mode(self) -> None:
        self.map.shade_mode = not self.map.shade_mode
        self.caption()

"""BackpropScreen: the next update of the run laid open, layer by layer, as the lab derives it.

For one sample (n / p choose it; enter on a row of the main screen's samples table opens it at
that sample) or the batch the next update sees (b), one layer at a time ([ and ] page): the
forward values z = a W + b and a = f(z), the backward f'(z), delta = dL/dz, dL/dW and dL/db, the
update the optimizer makes (with momentum's velocity or Adam's moments), and beside the analytic
gradient the numerical one. The numbers are the engine's own (engine.explain), computed in a
thread from the worker's latest snapshot; ctrl+n steps the run one update and the view follows.
g shows the gradient flow instead: each layer's gradient norm by epoch, on a log scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Static

from engine.explain import Step, explain_weights
from engine.features import labels
from tui.canvas import MARKERS, Curve, log_values
from tui.plotting import downsample
from tui.session import RunRecord
from tui.widgets.plot import Plot, legend_mark

from .live import LiveView

LABEL_WIDTH, NUMBER_WIDTH = 13, 9
"""Columns of the tables: the row names, and each number ("+0.12345", "-1.23e-05")."""
SHOWN_SAMPLES = 8
"""Rows of per-sample values shown for a batch (the JSON of ``explain --batch`` has them all)."""


def number(value: float) -> str:
    if not np.isfinite(value):
        return str(value)
    if value == 0 or 1e-4 <= abs(value) < 1e4:
        return f"{value:+.5f}"
    return f"{value:+.2e}"


def grid(title: str, columns: list[str], rows: list[tuple[str, np.ndarray]]) -> Group:
    """A title line over a table: a name column, then one column per unit."""
    table = Table(box=None, padding=(0, 1), pad_edge=False)
    table.add_column("", style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    for column in columns:
        table.add_column(column, justify="right", no_wrap=True, min_width=NUMBER_WIDTH)
    for name, values in rows:
        table.add_row(name, *(number(float(v)) for v in values))
    return Group(Text(title, style="bold", no_wrap=True, overflow="ellipsis"), table)


class BackpropScreen(LiveView):
    """One update laid open: forward, backward, update and the gradient check, per layer."""

    HEADING = "Back-propagation: the next update  [ ] layer  n p sample  b batch  g flow"
    BINDINGS = [
        Binding("right_square_bracket", "layer(1)", "Layer", tooltip="Show the next layer"),
        Binding(
            "left_square_bracket",
            "layer(-1)",
            "Prev layer",
            show=False,
            tooltip="Show the previous layer",
        ),
        Binding("n", "sample(1)", "Sample", tooltip="Explain the step on the next sample"),
        Binding(
            "p", "sample(-1)", "Prev sample", show=False, tooltip="Explain the previous sample"
        ),
        Binding(
            "b", "batch", "Batch", show=False, tooltip="Explain the update on the batch it sees"
        ),
        Binding("g", "flow", "Flow", tooltip="Each layer's gradient norm by epoch"),
    ]
    KEYBAR_APP_KEYS = ("main('step')", "main('pause')")
    """The app's keys the key bar shows here: those that move the step on."""

    @dataclass
    class Explained(Message):
        """A step worked out in the thread, for the view's state ``key``."""

        key: tuple
        step: Step | None
        error: str = ""

    def __init__(self, state, sample: int | None = None) -> None:
        super().__init__(state)
        self.sample = sample
        """The sample explained, or None for the batch the next update sees."""
        self.at_layer = 0
        self.flow = False
        self.step: Step | None = None
        self._asked: tuple | None = None

    def compose_view(self) -> ComposeResult:
        yield Static("", id="bp-summary", markup=False)
        with ScrollableContainer(id="bp-body"):
            yield Static("", id="bp-tables")
        yield Plot(id="bp-flow")

    def on_mount(self) -> None:
        self.state.runner.explain_detail(True)
        self.query_one("#bp-flow").display = False
        self.query_one("#bp-body").focus()
        super().on_mount()

    def on_unmount(self) -> None:
        self.state.runner.explain_detail(False)

    def key(self) -> tuple:
        record = self.record
        moved = None if record is None else (id(record.snapshot), record.position)
        return (super().key(), moved, self.sample, self.at_layer, self.flow)

    # --- keys -------------------------------------------------------------------------------------

    def action_layer(self, delta: int) -> None:
        if self.step is not None:
            self.at_layer = (self.at_layer + delta) % len(self.step.layers)
            self.tick(force=True)

    def action_sample(self, delta: int) -> None:
        record = self.record
        if record is None or record.data is None:
            return
        n = record.data.n
        start = self.sample if self.sample is not None else (-1 if delta > 0 else 0)
        self.sample = (start + delta) % n
        self.tick(force=True)

    def action_batch(self) -> None:
        self.sample = None
        self.tick(force=True)

    def action_flow(self) -> None:
        self.flow = not self.flow
        self.query_one("#bp-flow").display = self.flow
        self.query_one("#bp-body").display = not self.flow
        self.tick(force=True)

    # --- drawing ----------------------------------------------------------------------------------

    def update_view(self, record: RunRecord | None) -> None:
        if self.flow:
            self.draw_flow(record)
            return
        summary = self.query_one("#bp-summary", Static)
        if record is None:
            summary.update("no run yet (ctrl+r trains, ctrl+n steps one update)")
            self.query_one("#bp-tables", Static).update("")
            return
        snapshot = record.snapshot
        kept_weights_only = snapshot is not None and snapshot.optimizer is None
        if kept_weights_only and not record.active and record.data is not None:
            # a re-opened sweep's run (or one stopped at once): only its weights were kept
            summary.update(
                "this run has ended without its optimizer's state: no next step to explain "
                "(ctrl+r trains its settings again; g: gradient flow)"
            )
            self.query_one("#bp-tables", Static).update("")
            return
        if record.data is None or snapshot is None or snapshot.optimizer is None:
            summary.update("waiting for the run's next snapshot...")
            return
        if not np.isfinite(snapshot.weights).all():
            summary.update("the weights are not finite (the run diverged): nothing to explain")
            self.query_one("#bp-tables", Static).update("")
            return
        if self.sample is not None and self.sample >= record.data.n:
            self.sample = None
        key = (record.run_id, id(snapshot), self.sample)
        if key != self._asked:
            self._asked = key
            indices = snapshot.next_batch if self.sample is None else np.array([self.sample])
            self.work_out(key, record, snapshot, indices, self.sample)
        elif self.step is not None:
            self.draw(self.step, record)

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def work_out(self, key, record: RunRecord, snapshot, indices, sample) -> None:
        try:
            step = explain_weights(
                record.settings(),
                record.data,
                snapshot.weights,
                snapshot.optimizer,
                indices,
                sample,
            )
        except Exception as error:  # shown in the view, never a crash
            self.post_message(self.Explained(key, None, f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.Explained(key, step))

    def on_backprop_screen_explained(self, message: Explained) -> None:
        if message.key != self._asked:
            return  # a stale frame
        if message.step is None:
            self.query_one("#bp-summary", Static).update(f"cannot explain: {message.error}")
            return
        self.step = message.step
        self.at_layer = min(self.at_layer, len(self.step.layers) - 1)
        if self.record is not None:
            self.draw(self.step, self.record)

    def draw(self, step: Step, record: RunRecord) -> None:
        config = record.config
        last = len(step.layers)
        i = self.at_layer + 1
        layer = step.layers[self.at_layer]
        m = len(step.indices)
        if m == 1:
            x = ", ".join(f"{v:.3f}" for v in step.x[0])
            values = f"x=({x}) y={step.y[0]:g}"
        if step.sample is not None:
            who = f"sample {step.sample} of {record.data.n}  {values}  (b: the next update)"
        elif m == 1:
            who = f"next update: sample {step.indices[0]}  {values}  (n p: another)"
        else:
            who = f"next update: a batch of {m}  (n p: one sample)"
        check = f"grad check {step.grad_check_max_rel_error:.1e}"
        self.query_one("#bp-summary", Static).update(
            f"{who}\nlayer {i} of {last}  epoch {record.epoch}{record.where()}  "
            f"its loss {step.loss:.6f}  {check}"
        )
        units = [f"u{k + 1}" for k in range(layer.W.shape[1])]
        inputs = (
            labels(step.features)
            if i == 1
            else [f"a{i - 1}.{k + 1}" for k in range(layer.W.shape[0])]
        )
        kind = "sigmoid output" if i == last else config.activation
        rows = min(len(step.indices), SHOWN_SAMPLES)
        per_sample = []
        for s in range(rows):  # sample by sample: forward, then backward, as derived by hand
            for name, values in (
                (f"z{i}=aW+b", layer.z),
                (f"a{i}=f(z)", layer.a),
                (f"f'(z{i})", layer.fprime),
                (f"δ{i}=dL/dz", layer.delta),
            ):
                label = name if len(step.indices) == 1 else f"s{step.indices[s]} {name}"
                per_sample.append((label, values[s]))
        rule = "dL/dp·f'(z)" if i == last else f"(δ{i + 1} W{i + 1}ᵀ)·f'(z{i})"
        parts: list = [
            grid(
                f"Layer {i}: {layer.W.shape[0]} -> {layer.W.shape[1]} ({kind});  δ{i} = {rule}",
                units,
                per_sample,
            )
        ]
        if len(step.indices) > rows:
            parts.append(Text(f"  ... {len(step.indices) - rows} more samples not shown"))
        parts.append(
            grid(
                f"bias: b{i}, dL/db{i} (sum of δ over samples), its update",
                units,
                [
                    (f"b{i}", layer.b),
                    (f"dL/db{i}", layer.grad_b),
                    ("numeric", layer.numeric_b),
                    (f"Δb{i}", layer.update_b),
                    *[(f"{name}", values[1]) for name, values in layer.state.items()],
                ],
            )
        )
        for title, matrix in (
            (f"W{i} (rows: inputs)", layer.W),
            (f"dL/dW{i} = a{i - 1}ᵀ δ{i}", layer.grad_W),
            (f"numeric dL/dW{i} (central differences)", layer.numeric_W),
            (f"ΔW{i} ({config.optimizer}, lr {step.lr:g})", layer.update_W),
            *[(f"{name} W{i}", values[0]) for name, values in layer.state.items()],
        ):
            parts.append(grid(title, units, list(zip(inputs, matrix))))
        tables = self.query_one("#bp-tables", Static)
        # never narrower than the numbers: a wide layer scrolls sideways (left, right)
        longest = max(len(name) for name, _ in [*per_sample, *zip(inputs, inputs)])
        label = max(LABEL_WIDTH, longest) + 1  # and its padding
        tables.styles.width = label + (NUMBER_WIDTH + 2) * len(units) + 2
        tables.update(Group(*parts))

    def draw_flow(self, record: RunRecord | None) -> None:
        plot = self.query_one("#bp-flow", Plot)
        summary = self.query_one("#bp-summary", Static)
        plot.border_title = "Gradient flow (g: back to the step)"
        norms = record.grad_norms() if record is not None else None
        if norms is None:
            plot.show([])
            summary.update("gradient flow: no epochs yet (g: back to the step)")
            return
        epochs, values = norms
        index = downsample(len(epochs), max(plot.size.width, 20))
        curves = [
            Curve(epochs[index], log_values(values[index, k]), MARKERS[k % len(MARKERS)])
            for k in range(values.shape[1])
        ]
        plot.show(curves)
        legend = Text("|dL/d[W;b]| by epoch, log scale: ")
        for k in range(values.shape[1]):
            legend.append_text(legend_mark(k))
            legend.append(f" layer {k + 1}  ")
        summary.update(legend)

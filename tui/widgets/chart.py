"""LossChart: the loss per epoch, growing live, on a log or a linear scale.

The chart owns its data: ``append(losses, tests)`` adds epochs, ``reset()`` forgets them,
``load()`` takes a whole history at once (a re-opened run's, thinned or not), ``replot()`` draws.
It plots about two points per column (a braille cell is two dots wide), so drawing costs the same
at epoch 100 as at epoch 10 million.

A run with held-out samples has a second curve, its test loss: drawn with "+" markers in a colour
of its own over the training loss's line (a "*" line in plain mode), and named in the title.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from textual.reactive import reactive

from tui.canvas import Curve, log_values
from tui.plotting import downsample

from .plot import Plot, colour

TEST_MARKER = "+"
"""The test loss curve's character."""


class LossChart(Plot):
    """The loss curve of one run, and its test loss curve if it has held-out samples: x = epoch,
    y = loss (log scale by default)."""

    log_scale: reactive[bool] = reactive(True)
    """Plot the loss on a log scale (the default) or a linear one."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._losses = array("d")
        self._tests = array("d")
        """The test loss per epoch (empty without held-out samples), aligned with _losses."""
        self._epochs: np.ndarray | None = None
        self.changed_at: list[int] = []
        """Epochs after which a setting was changed live: a dotted line each."""
        """The epoch of each loss, for a loaded history that was thinned (None: 1, 2, 3...)."""

    @property
    def series(self) -> tuple[np.ndarray, np.ndarray]:
        """The (epochs, values) last plotted, finite ones only."""
        if not self.curves:
            return np.zeros(0), np.zeros(0)
        curve = self.curves[0]
        finite = np.isfinite(curve.y)
        return curve.x[finite], curve.y[finite]

    @property
    def epochs(self) -> int:
        """The last epoch shown."""
        if self._epochs is not None and len(self._epochs):
            return int(self._epochs[-1])
        return len(self._losses)

    @property
    def test_series(self) -> tuple[np.ndarray, np.ndarray]:
        """The (epochs, values) of the test curve last plotted, finite ones only."""
        if len(self.curves) < 2:
            return np.zeros(0), np.zeros(0)
        curve = self.curves[1]
        finite = np.isfinite(curve.y)
        return curve.x[finite], curve.y[finite]

    def append(self, losses: Iterable[float], tests: Iterable[float] = ()) -> None:
        """The next epochs' losses, and their test losses for a run with held-out samples."""
        last, shown = self.epochs, len(self._losses)
        self._losses.extend(losses)
        self._tests.extend(tests)
        if self._epochs is not None:
            added = np.arange(1, len(self._losses) - shown + 1)
            self._epochs = np.append(self._epochs, last + added)

    def reset(self) -> None:
        self._losses, self._tests, self._epochs = array("d"), array("d"), None
        self.changed_at = []
        self.replot()

    def mark(self, epochs: list[int]) -> None:
        """Mark these epochs (after which settings were changed) with dotted lines."""
        if epochs != self.changed_at:
            self.changed_at = list(epochs)
            self.replot()

    def load(
        self,
        losses: Iterable[float],
        epochs: np.ndarray | None = None,
        tests: Iterable[float] = (),
    ) -> None:
        """Show a whole loss history (and its test losses, if any) in place of the one shown;
        ``epochs`` gives the epoch of each value when it was thinned
        (engine.Outcome.history_epochs)."""
        self._losses = array("d", losses)
        self._tests = array("d", tests)
        self._epochs = None if epochs is None else np.asarray(epochs)
        self.replot()

    def watch_log_scale(self) -> None:
        self.replot()

    def on_resize(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Redraw from the data: the downsampled series, on the chosen scale."""
        n = len(self._losses)
        index = downsample(n, max(2 * self.size.width, 20))
        epochs = index + 1 if self._epochs is None else self._epochs[index]
        tested = n and len(self._tests) == n
        curves = []
        for series, marker in ((self._losses, "*"), (self._tests, TEST_MARKER)):
            if not n or (series is self._tests and not tested):
                continue
            values = np.frombuffer(series, dtype=np.float64)[index]
            values = log_values(values) if self.log_scale else values
            curves.append(Curve(epochs, values, marker, line=True))
        if tested:
            curves[1].line = False
        rules = [epoch + 1 for epoch in self.changed_at]  # the change's first epoch
        self.show(curves, log=self.log_scale, rules=rules)
        self.border_title = self.title(tested)

    def title(self, tested: bool) -> str:
        """ "Loss (log scale, ^y: linear)", then what the curves and the dotted rules are; the
        key's hint (and "scale") make way where the border has no room for them."""
        scale, other = ("log scale", "linear") if self.log_scale else ("linear", "log")
        after = f"  {self.legend()}" if tested else ""
        shown = len("  ⠒ training  + test") if tested else 0
        if self.changed_at:
            after += "  ┆ changed" if not getattr(self.app, "plain", False) else "  : changed"
            shown += len("  ┆ changed")
        short = scale.split()[0]
        heads = [f"Loss ({scale}, ^y: {other})", f"Loss ({short}, ^y: {other})", f"Loss ({scale})"]
        room = self.size.width - 4
        head = next((h for h in heads if len(h) + shown <= room), f"Loss ({short})")
        return head + after

    def legend(self) -> str:
        """What the two curves are, by the marks they are drawn with."""
        line = "*" if getattr(self.app, "plain", False) else "⠒"
        return f"[{colour(0)}]{line} training[/]  [{colour(1)}]{TEST_MARKER} test[/]"

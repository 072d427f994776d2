"""LossChart: the loss per epoch, growing live, on a log or a linear scale.

The chart owns its data: ``append(losses)`` adds epochs, ``reset()`` forgets them, ``replot()``
draws. It plots about one point per column, so drawing costs the same at epoch 100 as at epoch
10 million. The log view plots log10(loss) on a linear axis: plotext's own log axis fails when
the plot is redrawn at a new size.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from tui.plotting import LOSS_FLOOR, downsample, epoch_axis


class LossChart(PlotextPlot):
    """The loss curve of one run: x = epoch, y = loss or log10(loss)."""

    log_scale: reactive[bool] = reactive(True)
    """Plot log10(loss) (the default) or the loss itself."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._losses = array("d")
        self.series: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))
        """The (epochs, values) last plotted."""

    @property
    def epochs(self) -> int:
        return len(self._losses)

    def append(self, losses: Iterable[float]) -> None:
        self._losses.extend(losses)

    def reset(self) -> None:
        self._losses = array("d")
        self.replot()

    def watch_log_scale(self) -> None:
        self.replot()

    def on_resize(self) -> None:
        self.replot()

    def replot(self) -> None:
        """Redraw from the data: clear, plot the downsampled series, refresh."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        n = len(self._losses)
        # the y axis labels take about 10 columns; the rest is one point per column
        index = downsample(n, max(self.size.width - 10, 10))
        values = np.frombuffer(self._losses, dtype=np.float64)[index] if n else np.zeros(0)
        if self.log_scale:
            with np.errstate(all="ignore"):
                values = np.log10(np.maximum(values, LOSS_FLOOR))
        epochs = index + 1
        finite = np.isfinite(values)
        self.series = (epochs[finite], values[finite])
        if len(self.series[0]):
            plt.plot(self.series[0].tolist(), self.series[1].tolist(), marker="braille")
        plt.ylabel("log10(loss)" if self.log_scale else "loss")
        epoch_axis(plt, n)
        self.refresh()

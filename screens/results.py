"""ResultScreen: the data coloured by ground truth beside the same points coloured by the
network's prediction, as in the lab's "Ground truth" / "Predict result" figure.

Class 0 is drawn as "o" and class 1 as "x" (and in two colours), so it reads without colour; on
the prediction side a sample the network gets wrong is drawn in capitals, "O" or "X" (the class
it predicts, in red where there is colour).
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual_plotext import PlotextPlot

from tui.plotting import percent
from tui.session import RunRecord

from .live import LiveView

MARKERS = {0: ("o", "blue"), 1: ("x", "orange"), 2: ("O", "red"), 3: ("X", "red")}
"""How each class is drawn, marker and colour; 2 and 3: classes 0 and 1 predicted wrongly."""
MAX_POINTS = 2000
"""Points drawn per plot; larger datasets are drawn from an even sample of them."""


def scatter(plot: PlotextPlot, x: np.ndarray, classes: np.ndarray, title: str) -> None:
    """Draw points x (n, 2) with one marker and colour per class."""
    plt = plot.plt
    plt.clear_data()
    plt.clear_figure()
    if len(x) > MAX_POINTS:
        keep = np.linspace(0, len(x) - 1, MAX_POINTS).astype(int)
        x, classes = x[keep], classes[keep]
    for label, (marker, colour) in MARKERS.items():
        points = x[classes == label]
        if len(points):
            plt.scatter(points[:, 0].tolist(), points[:, 1].tolist(), marker=marker, color=colour)
    plt.title(title)
    plt.xlabel("x1")
    plt.ylabel("x2")
    plot.refresh()


class ResultScreen(LiveView):
    """Ground truth | prediction, for the current run, redrawn as it learns."""

    HEADING = "Results: ground truth beside prediction   o class 0   x class 1   O X wrong"

    def compose_view(self) -> ComposeResult:
        with Horizontal(id="results"):
            yield PlotextPlot(id="truth")
            yield PlotextPlot(id="prediction")

    def update_view(self, record: RunRecord | None) -> None:
        truth, prediction = self.query_one("#truth"), self.query_one("#prediction")
        if record is None or record.data is None:
            waiting = "no run yet (ctrl+r)" if record is None else "setting up the run"
            for plot, title in ((truth, "Ground truth"), (prediction, "Prediction")):
                scatter(plot, np.zeros((0, 2)), np.zeros(0), f"{title}: {waiting}")
            return
        x, labels = record.data.x, record.data.y.astype(int)
        scatter(truth, x, labels, "Ground truth")
        if record.predictions is None:
            scatter(prediction, x[:0], labels[:0], "Prediction: not yet")
        else:
            finite = np.isfinite(record.predictions)
            predicted = (record.predictions >= 0.5).astype(int)
            accuracy = float(np.mean(predicted == labels))
            wrong = predicted != labels
            title = f"Prediction: acc {percent(accuracy)}, {int(wrong.sum())} wrong"
            if not finite.all():
                title = "Prediction: none (diverged)"  # short: plotext drops a wider one
            shown = predicted + 2 * wrong  # capitals for the mistakes
            scatter(prediction, x[finite], shown[finite], title)

"""ResultScreen: the data coloured by ground truth beside the same points coloured by the
network's prediction, as in the lab's "Ground truth" / "Predict result" figure.

Class 0 is drawn as "o" and class 1 as "x" (and in two colours), so it reads without colour; on
the prediction side a sample the network gets wrong is drawn in capitals, "O" or "X" (the class
it predicts, in red where there is colour). A held-out test sample is drawn as its class's digit,
"0" or "1", unless it is wrong: a mistake is a capital whichever samples it is among.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual_plotext import PlotextPlot

from tui.plotting import percent
from tui.session import RunRecord

from .live import LiveView

MARKERS = {
    0: ("o", "blue"),
    1: ("x", "orange"),
    2: ("O", "red"),
    3: ("X", "red"),
    4: ("0", "cyan"),
    5: ("1", "yellow"),
}
"""How each class is drawn, marker and colour; 2 and 3: classes 0 and 1 predicted wrongly; 4 and
5: classes 0 and 1 on held-out test samples."""
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

    HEADING = "Results: ground truth beside prediction  o/x class 0/1  O X wrong  0 1 test"

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
        test = record.is_test()
        test = np.zeros(len(labels), dtype=bool) if test is None else test
        scatter(truth, x, labels + 4 * test, "Ground truth")
        if record.predictions is None:
            scatter(prediction, x[:0], labels[:0], "Prediction: not yet")
        else:
            finite = np.isfinite(record.predictions)
            predicted = (record.predictions >= 0.5).astype(int)
            wrong = predicted != labels
            title = prediction_title(wrong, test)
            if not finite.all():
                title = "Prediction: none (diverged)"  # short: plotext drops a wider one
            # capitals for the mistakes, digits for the test samples it gets right
            shown = predicted + 2 * wrong + 4 * (test & ~wrong)
            scatter(prediction, x[finite], shown[finite], title)


def prediction_title(wrong: np.ndarray, test: np.ndarray) -> str:
    """ "Prediction: acc 95%, 1 wrong"; with test samples, their accuracy instead of the training
    one (the status line has both): "Prediction: 3 wrong, test 80%" (plotext drops a title
    wider than its plot)."""
    count = int(wrong.sum())
    if not test.any():
        return f"Prediction: acc {percent(float(np.mean(~wrong)))}, {count} wrong"
    return f"Prediction: {count} wrong, test {percent(float(np.mean(~wrong[test])))}"

"""Plot helpers shared by the app's charts and the command line's text charts.

Plain NumPy and a plotext figure passed in (``plt``): no Textual, so ``backprop-tui sweep --out``
draws its text charts without loading the app.
"""

from __future__ import annotations

import numpy as np

from engine import Outcome

from .canvas import MARKERS, Curve, log_values


def downsample(n: int, points: int) -> np.ndarray:
    """About ``points`` evenly spread indices into range(n), always with the first and last."""
    if n <= points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max(points, 2)).round().astype(np.int64))


def epoch_axis(plt, epochs: int) -> None:
    """An x axis of epochs 1..epochs with four whole-number ticks."""
    last = max(epochs, 2)
    plt.xlim(1, last)
    ticks = sorted({int(round(t)) for t in np.linspace(1, last, 4)})
    plt.xticks(ticks, [str(t) for t in ticks])
    plt.xlabel("epoch")


def log_losses(outcome: Outcome, points: int, test: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, log10 losses) of about ``points`` evenly spread values of a run's loss history
    (thinned or not; ``test``: of its held-out samples' loss history), finite ones only."""
    history = outcome.test_loss_history if test else outcome.loss_history
    values = np.asarray(history, dtype=np.float64)
    index = downsample(len(values), points)
    logs = log_values(values[index])
    finite = np.isfinite(logs)
    return outcome.history_epochs()[index][finite], logs[finite]


def overlay(plt, curves: list[tuple[str, Outcome]], points: int, title: str) -> str:
    """Plot log10 loss curves, one marker each, and return their legend as one line of text
    ("* lr=0.1   + lr=1"): kept out of the plot, where plotext's legend would hide data."""
    legend, longest = [], 0
    for i, (name, outcome) in enumerate(curves):
        marker = MARKERS[i % len(MARKERS)]
        epochs, values = log_losses(outcome, points)
        if len(epochs):
            plt.plot(epochs.tolist(), values.tolist(), marker=marker)
            longest = max(longest, int(epochs[-1]))
        legend.append(f"{marker} {name}")
    plt.title(title)
    plt.ylabel("log10(loss)")
    epoch_axis(plt, longest)
    return "   ".join(legend)


def curves_of(outcomes: list[Outcome], width: int, test: bool = False) -> list[Curve]:
    """Log-scale curves of runs' loss histories (``test``: their test loss histories) for a
    Plot ``width`` columns wide, each with the marker of its place (tui.canvas.MARKERS)."""
    curves = []
    for i, outcome in enumerate(outcomes):
        epochs, values = log_losses(outcome, max(width, 20), test)
        curves.append(Curve(epochs, values, MARKERS[i % len(MARKERS)]))
    return curves


def percent(accuracy: float) -> str:
    """0.952 -> "95.2%", 1.0 -> "100%"."""
    return f"{100 * accuracy:.1f}".rstrip("0").rstrip(".") + "%"


def short_loss(loss: float) -> str:
    """A loss in a narrow column: six decimals, or exponent form below 1e-4."""
    return f"{loss:.6f}" if loss >= 1e-4 or loss == 0 else f"{loss:.3e}"

"""One run's figures: its ground truth beside its prediction (the lab's own figure) and its
decision boundary, the samples told apart by colour and marker and misclassified ones ringed;
then the files ``train --figures`` writes, and the app's marked runs compared side by side."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine import Config, Dataset, Network, Outcome
from engine.labels import differing
from engine.plane import extent, grid_outputs

from .curves import curves_figure
from .style import Written, _figure, _legend_below, _title, require, save

GRID = 200
"""Cells per side of the decision boundary's grid."""
CLASSES = (("class 0", "#1f77b4", "o"), ("class 1", "#d62728", "^"))
"""(name, colour, marker) per label: the colour and the shape both tell the classes apart."""


def _samples(ax, x: np.ndarray, classes: np.ndarray, wrong: np.ndarray | None = None) -> None:
    """The samples by class (colour and marker); ``wrong`` ones ringed in black."""
    for value, (name, colour, marker) in enumerate(CLASSES):
        mine = classes == value
        ax.scatter(x[mine, 0], x[mine, 1], c=colour, marker=marker, s=36, label=name, zorder=3)
    if wrong is not None and wrong.any():
        ax.scatter(
            x[wrong, 0],
            x[wrong, 1],
            s=160,
            facecolors="none",
            edgecolors="black",
            linewidths=1.5,
            label=f"misclassified ({int(wrong.sum())})",
            zorder=4,
        )
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if _square(x):
        ax.set_aspect("equal", adjustable="datalim")


def _square(x: np.ndarray) -> bool:
    """Whether the two inputs span comparable ranges (within a factor of 3): then one unit is
    drawn the same length on both axes, else each axis fits its own range."""
    spans = np.ptp(x, axis=0) if len(x) else np.ones(2)
    spans = np.maximum(spans, 1e-12)
    return bool(1 / 3 <= spans[0] / spans[1] <= 3)


def _note(ax, text: str) -> None:
    """A line of text in the middle of a panel that has nothing else to say."""
    ax.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=10,
        bbox={"facecolor": "white", "edgecolor": "grey"},
        zorder=5,
    )


def truth_vs_prediction_figure(
    config: Config, data: Dataset, predictions: np.ndarray, diverged_at: int | None = None
):
    """The lab's figure: the samples coloured by ground truth, beside the same samples by
    predicted class (output >= 0.5 is class 1), misclassified ones ringed. A run that
    diverged predicts nothing: its panel says so."""
    figure, (truth, guess) = _figure(2, width=11.0)
    labels_ = data.y.astype(int)
    _samples(truth, data.x, labels_)
    truth.set_title("Ground truth")
    _legend_below(truth)
    predictions = np.asarray(predictions, dtype=np.float64)
    if diverged_at is not None or not np.all(np.isfinite(predictions)):
        where = f" at epoch {diverged_at}" if diverged_at is not None else ""
        guess.set_title("Prediction: none")
        guess.set_xlabel("x1")
        guess.set_ylabel("x2")
        guess.set_xlim(truth.get_xlim())
        guess.set_ylim(truth.get_ylim())
        _note(guess, f"the run diverged{where}:\nits outputs are not numbers")
    else:
        predicted = (predictions >= 0.5).astype(int)
        _samples(guess, data.x, predicted, predicted != labels_)
        right = int(np.count_nonzero(predicted == labels_))
        guess.set_title(f"Prediction ({right}/{data.n} right)")
        _legend_below(guess)
    _title(figure, "Ground truth and prediction", [config])
    return figure


def boundary_figure(
    config: Config, data: Dataset, weights: np.ndarray, diverged_at: int | None = None
):
    """The network's output over the plane (shaded, the 0.5 contour drawn as the decision
    boundary) with the samples on it, misclassified ones ringed. For weights that are not
    numbers (a diverged run) the samples alone, and a note saying why."""
    net = Network.of(config, weights)
    bounds = extent(data.x)
    figure, (ax,) = _figure(width=7.0, height=6.0)
    labels_ = data.y.astype(int)
    if not np.all(np.isfinite(weights)):
        _samples(ax, data.x, labels_)
        where = f" at epoch {diverged_at}" if diverged_at is not None else ""
        _note(ax, f"the run diverged{where}:\nno boundary to draw")
    else:
        with np.errstate(all="ignore"):
            outputs = grid_outputs(net, bounds, GRID, GRID)[::-1]  # row 0 at the bottom
            predicted = (net.predict(data.x) >= 0.5).astype(int)
        x1 = np.linspace(bounds[0], bounds[1], GRID)
        x2 = np.linspace(bounds[2], bounds[3], GRID)
        levels = np.linspace(0, 1, 11)
        shade = ax.contourf(x1, x2, outputs, levels=levels, cmap="RdBu_r", alpha=0.45)
        if outputs.min() < 0.5 < outputs.max():
            ax.contour(x1, x2, outputs, levels=[0.5], colors="black", linewidths=1.5)
            ax.plot([], [], color="black", linewidth=1.5, label="output 0.5: the boundary")
        figure.colorbar(shade, ax=ax, label="network output (class 1 at >= 0.5)")
        _samples(ax, data.x, labels_, predicted != labels_)
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    if _square(data.x):
        ax.set_aspect("equal", adjustable="box")
    _legend_below(ax, 2)
    _title(figure, "Decision boundary", [config])
    return figure


# --- what the commands write ------------------------------------------------------------------


def run_figures(config: Config, outcome: Outcome, data: Dataset, directory: str | Path) -> Written:
    """A run's four figures in ``directory``: loss, accuracy, truth_vs_prediction, boundary."""
    require()
    run = [(config, outcome)]
    drawn = [
        ("Loss by epoch", "loss", curves_figure(run, (), "Loss by epoch")),
        ("Accuracy by epoch", "accuracy", curves_figure(run, (), "Accuracy by epoch", True)),
    ]
    at = outcome.diverged_at
    if outcome.predictions is not None:
        figure = truth_vs_prediction_figure(config, data, outcome.predictions, at)
        drawn.append(("Ground truth and prediction", "truth_vs_prediction", figure))
    if outcome.weights is not None:
        figure = boundary_figure(config, data, outcome.weights, at)
        drawn.append(("Decision boundary", "boundary", figure))
    return [(caption, save(figure, directory, stem)[0]) for caption, stem, figure in drawn]


def compare_figures(runs: Sequence[tuple[Config, Outcome]], directory: str | Path) -> Written:
    """Runs side by side (the app's marked runs): their loss and accuracy by epoch, one curve
    per run, labelled by the settings that differ."""
    require()
    vary = differing([config for config, _ in runs])
    drawn = [
        ("Loss by epoch", "loss", curves_figure(runs, vary, "Loss by epoch", split=False)),
        (
            "Accuracy by epoch",
            "accuracy",
            curves_figure(runs, vary, "Accuracy by epoch", accuracy=True, split=False),
        ),
    ]
    return [(caption, save(figure, directory, stem)[0]) for caption, stem, figure in drawn]

"""Figures for a lab report, drawn with matplotlib (the ``figures`` extra, Agg, no screen).

    figures.require("--figures")                       # UsageError-free check: FiguresMissing
    paths = figures.run_figures(config, outcome, data, directory)
    paths = figures.sweep_figures(name, runs, vary, directory)

Each figure is written as SVG and PNG side by side (``loss.svg``, ``loss.png``), atomically.
A run gives the loss by epoch (log scale), the accuracy by epoch, its ground truth beside its
prediction (the lab's own figure) and its decision boundary with the samples on it; a sweep
section gives its learning curves and accuracy (one curve per run, one panel per value of the
settings varied besides the first) and its final loss and epochs to 100% against the first
varied setting (``loss_by_lr``). Titles state the settings; classes differ by colour and by
marker, and misclassified samples are ringed, so every figure reads in black and white too.

matplotlib loads only when a figure is drawn: the app and the commands never need it otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine import Config, Dataset, Network, Outcome
from engine.labels import differing, show
from engine.plane import extent, grid_outputs

from .curves import MAX_CURVES, MAX_PANELS, curves_figure
from .style import (
    DPI,
    FORMATS,
    INSTALL,
    LINE_STYLES,
    SIZE,
    STYLE,
    FiguresMissing,
    Written,
    _figure,
    _legend_below,
    _style,
    _title,
    available,
    require,
    save,
)

__all__ = [
    "DPI",
    "FORMATS",
    "INSTALL",
    "LINE_STYLES",
    "MAX_CURVES",
    "MAX_PANELS",
    "SIZE",
    "STYLE",
    "FiguresMissing",
    "Written",
    "available",
    "curves_figure",
    "require",
    "save",
]


GRID = 200
"""Cells per side of the decision boundary's grid."""
CLASSES = (("class 0", "#1f77b4", "o"), ("class 1", "#d62728", "^"))
"""(name, colour, marker) per label: the colour and the shape both tell the classes apart."""


# --- the samples --------------------------------------------------------------------------------


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


# --- a sweep's results against its setting ----------------------------------------------------


def by_setting_figure(
    runs: Sequence[tuple[Config, Outcome]], vary: Sequence[str], what: str, setting: str = ""
):
    """Final loss (log scale) and epochs to 100% against one varied setting (``setting``, by
    default the first), one series per combination of the others (past MAX_CURVES, per value
    of the next one only, as points). Diverged runs are black crosses at their last loss."""
    from matplotlib.ticker import NullLocator

    setting = setting or vary[0]
    others = [k for k in vary if k != setting]
    values = list(dict.fromkeys(getattr(c, setting) for c, _ in runs))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    positions = values if numeric else list(range(len(values)))
    series: dict[str, list] = {}
    for keys in (others, others[:1]):
        series = {}
        for config, outcome in runs:
            key = " ".join(f"{k}={show(getattr(config, k))}" for k in keys)
            series.setdefault(key, []).append((getattr(config, setting), outcome))
        if len(series) <= MAX_CURVES:
            break
    joined = numeric and all(
        len(points) == len({v for v, _ in points}) for points in series.values()
    )
    figure, (loss_ax, epochs_ax) = _figure(2, width=11.0)
    for i, (key, points) in enumerate(series.items()):
        xs = [positions[values.index(v)] for v, _ in points]
        losses = [o.final_loss if o.final_loss is not None else np.nan for _, o in points]
        reached = [o.epochs_to_100 or np.nan for _, o in points]
        style = dict(_style(i), marker="os^Dv<>ph*"[i % 10], markersize=8, label=key or None)
        if not joined:  # categories, or several runs at one value: points, not a line
            style["linestyle"] = "none"
        loss_ax.plot(xs, losses, **style)
        epochs_ax.plot(xs, reached, **style)
    lost = [
        (positions[values.index(getattr(c, setting))], o.final_loss)
        for c, o in runs
        if o.diverged and o.final_loss is not None
    ]
    if lost:
        loss_ax.plot(
            *zip(*lost),
            "x",
            color="black",
            markersize=11,
            markeredgewidth=2,
            label="diverged (its last finite loss)",
        )
    for ax in (loss_ax, epochs_ax):
        ax.set_xlabel(setting)
        if numeric and setting == "lr" and min(values) > 0:
            ax.set_xscale("log")
        ax.set_xticks(positions, [show(v) for v in values])  # a tick at every value tried
        ax.xaxis.set_minor_locator(NullLocator())
        low, high = min(positions), max(positions)
        if ax.get_xscale() == "log":
            ax.set_xlim(low / 1.5, high * 1.5)
        else:
            margin = 0.5 if not numeric else 0.08 * (high - low or 1)
            ax.set_xlim(low - margin, high + margin)
    loss_ax.set_ylabel("final loss (log scale)")
    if any((o.final_loss or 0) > 0 for _, o in runs):
        loss_ax.set_yscale("log")
    loss_ax.set_title("Final loss")
    epochs_ax.set_ylabel("first epoch at 100% accuracy")
    epochs_ax.set_title("Epochs to 100% (no point: never reached)")
    handles, texts = loss_ax.get_legend_handles_labels()
    if len(texts) > 1:
        columns = max(min(len(texts), 4), -(-len(texts) // 6))
        figure.legend(
            handles,
            texts,
            loc="outside lower center",
            ncol=columns,
            frameon=False,
            fontsize=8 if len(texts) <= 12 else 6,
        )
    _title(figure, what, [c for c, _ in runs])
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


def sweep_figures(
    name: str, runs: Sequence[tuple[Config, Outcome]], vary: Sequence[str], directory: str | Path
) -> Written:
    """A sweep section's figures in ``directory``: its learning curves (``loss``), accuracy
    (``accuracy``) and the final loss against each setting it varies (``loss_by_<it>``; not
    against the dataset or the seed beside other settings: those are the panels and series)."""
    require()
    heading = f"{name}: " if name else ""
    drawn = [
        ("Loss by epoch", "loss", curves_figure(runs, vary, f"{heading}loss by epoch")),
        (
            "Accuracy by epoch",
            "accuracy",
            curves_figure(runs, vary, f"{heading}accuracy by epoch", accuracy=True),
        ),
    ]
    against = [k for k in vary if k not in ("dataset", "seed")] or list(vary[:1])
    for setting in against:
        what = f"{heading}final loss and epochs to 100% by {setting}"
        figure = by_setting_figure(runs, vary, what, setting)
        drawn.append((f"Final loss by {setting}", f"loss_by_{setting}", figure))
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

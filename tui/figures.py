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

import importlib.util
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine import Config, Dataset, Network, Outcome
from engine.files import atomic_write
from engine.labels import describe_base, differing, labels, show
from engine.plane import extent, grid_outputs

INSTALL = "pip install 'backprop-tui[figures]'"
"""How to get matplotlib, as every message about a missing one says."""

FORMATS = ("svg", "png")
SIZE = (8.0, 5.0)
"""Inches; at DPI, a PNG 1200 pixels wide."""
DPI = 150
GRID = 200
"""Cells per side of the decision boundary's grid."""
CLASSES = (("class 0", "#1f77b4", "o"), ("class 1", "#d62728", "^"))
"""(name, colour, marker) per label: the colour and the shape both tell the classes apart."""
STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "figure.titlesize": 12,
    "svg.fonttype": "none",  # text stays text: small files, searchable
}
LINE_STYLES = ("-", "--", "-.", ":")
"""Curves differ by line style as well as colour (ten colours, then the styles cycle)."""
MAX_PANELS = 6
"""More combinations of the other varied settings than this share one panel."""


class FiguresMissing(Exception):
    """matplotlib is not installed; the message says how to install it."""


def available() -> bool:
    """Whether matplotlib can be imported (without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None


def require() -> None:
    """Raise FiguresMissing, with the command that installs it, when matplotlib is missing."""
    if not available():
        raise FiguresMissing(f"needs matplotlib, which is not installed: {INSTALL}")


def _figure(panels: int = 1, width: float = SIZE[0], height: float = SIZE[1]):
    """A new figure (no pyplot: nothing global, safe in any thread) and its axes."""
    require()
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(STYLE):
        rows = 1 if panels <= 3 else 2
        columns = -(-panels // rows)
        height *= 1 if rows == 1 else 1.6
        figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for extra in axes[panels:]:
        extra.set_visible(False)
    return figure, list(axes[:panels])


def save(figure, directory: str | Path, stem: str) -> list[Path]:
    """Write ``figure`` as ``stem.svg`` and ``stem.png`` in ``directory``; their paths."""
    import matplotlib

    paths = []
    with matplotlib.rc_context(STYLE):
        figure.draw_without_rendering()  # laid out once, not once per file
    figure.set_layout_engine("none")
    for fmt in FORMATS:
        path = Path(directory) / f"{stem}.{fmt}"
        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            # no date in the files: the same run gives the same bytes
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            figure.savefig(buffer, format=fmt, metadata=metadata)
        data = buffer.getvalue()
        atomic_write(path, lambda handle, data=data: handle.write(data))
        paths.append(path)
    return paths


def _title(figure, what: str, configs: Sequence[Config]) -> None:
    """The figure's title: what it shows, then the settings its runs share, wrapped."""
    shared = describe_base(configs)
    lines = [what, *textwrap.wrap(shared, 100)] if shared else [what]
    figure.suptitle("\n".join(lines), fontsize=10)


# --- curves by epoch ----------------------------------------------------------------------------


def _curves(ax, runs: Sequence[tuple[str, Outcome]], accuracy: bool) -> None:
    """One line per run: its loss (log scale) or accuracy (%) at each epoch it kept."""
    for i, (name, outcome) in enumerate(runs):
        epochs = outcome.history_epochs()
        if accuracy:
            values = 100 * np.asarray(outcome.accuracy_history, dtype=np.float64)
            epochs = epochs[: len(values)]
        else:
            values = np.asarray(outcome.loss_history, dtype=np.float64)
        style = LINE_STYLES[(i // 10) % len(LINE_STYLES)]
        ax.plot(epochs, values, style, color=f"C{i % 10}", linewidth=1.4, label=name)
    ax.set_xlabel("epoch")
    if accuracy:
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(-3, 103)
    else:
        ax.set_ylabel("loss (log scale)")
        if any(np.any(np.asarray(o.loss_history, dtype=np.float64) > 0) for _, o in runs):
            ax.set_yscale("log")


def curves_figure(
    runs: Sequence[tuple[Config, Outcome]],
    vary: Sequence[str],
    what: str,
    accuracy: bool = False,
    split: bool = True,
):
    """Loss (or accuracy) by epoch of runs: one panel per combination of the settings in
    ``vary`` after the first (all in one panel past MAX_PANELS, or unless ``split``), one
    curve per run labelled by what differs within its panel."""
    configs = [config for config, _ in runs]
    panels: dict[str, list[tuple[Config, Outcome]]] = {}
    others = list(vary[1:])
    for config, outcome in runs:
        key = " ".join(f"{k}={show(getattr(config, k))}" for k in others)
        panels.setdefault(key, []).append((config, outcome))
    if len(panels) > MAX_PANELS or not split:
        panels = {"": list(runs)}
    figure, axes = _figure(len(panels), width=SIZE[0] if len(panels) == 1 else 11.0)
    legends = []
    for ax, (key, members) in zip(axes, panels.items()):
        names = _names([c for c, _ in members], vary) if len(members) > 1 else [""]
        _curves(ax, [(n, o) for n, (_, o) in zip(names, members)], accuracy)
        ax.set_title(key or None)
        legends.append(names)
    _legends(figure, axes, legends)
    _title(figure, what, configs)
    return figure


def _legends(figure, axes, names: list[list[str]]) -> None:
    """One legend under the figure when every panel has the same curves, else one under each
    panel; none for a lone unnamed curve."""
    if not any(any(n) for n in names):
        return
    if all(n == names[0] for n in names):
        columns = min(len(names[0]), 4 if len(axes) > 1 else 3)
        handles, texts = axes[0].get_legend_handles_labels()
        figure.legend(handles, texts, loc="outside lower center", ncol=columns, frameon=False)
    else:
        for ax, panel in zip(axes, names):
            _legend_below(ax, min(len(panel), 3))


def _names(configs: Sequence[Config], vary: Sequence[str]) -> list[str]:
    """Legend entries: only the settings that differ between these runs."""
    differing = [k for k in vary if len({getattr(c, k) for c in configs}) > 1]
    if differing:
        return [" ".join(f"{k}={show(getattr(c, k))}" for k in differing) for c in configs]
    return labels(list(configs), vary)


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
    ax.set_aspect("equal", adjustable="datalim")


def _legend_below(ax, columns: int = 4) -> None:
    """The legend under the axes, where it hides no sample."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=columns, frameon=False)


def truth_vs_prediction_figure(config: Config, data: Dataset, predictions: np.ndarray):
    """The lab's figure: the samples coloured by ground truth, beside the same samples by
    predicted class (output >= 0.5 is class 1), misclassified ones ringed."""
    figure, (truth, guess) = _figure(2, width=11.0)
    predicted = (np.asarray(predictions) >= 0.5).astype(int)
    labels_ = data.y.astype(int)
    _samples(truth, data.x, labels_)
    truth.set_title("Ground truth")
    _samples(guess, data.x, predicted, predicted != labels_)
    right = int(np.count_nonzero(predicted == labels_))
    guess.set_title(f"Prediction ({right}/{data.n} right)")
    _legend_below(truth)
    _legend_below(guess)
    _title(figure, "Ground truth and prediction", [config])
    return figure


def boundary_figure(config: Config, data: Dataset, weights: np.ndarray):
    """The network's output over the plane (shaded, the 0.5 contour drawn as the decision
    boundary) with the samples on it, misclassified ones ringed."""
    net = Network.from_weights(config.sizes, config.activation, weights)
    bounds = extent(data.x)
    with np.errstate(all="ignore"):
        outputs = grid_outputs(net, bounds, GRID, GRID)[::-1]  # row 0 at the bottom
    figure, (ax,) = _figure(width=7.0, height=6.0)
    x1 = np.linspace(bounds[0], bounds[1], GRID)
    x2 = np.linspace(bounds[2], bounds[3], GRID)
    shade = ax.contourf(x1, x2, outputs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.45)
    if outputs.min() < 0.5 < outputs.max():
        ax.contour(x1, x2, outputs, levels=[0.5], colors="black", linewidths=1.5)
        ax.plot([], [], color="black", linewidth=1.5, label="output 0.5: the boundary")
    figure.colorbar(shade, ax=ax, label="network output (class 1 at >= 0.5)")
    with np.errstate(all="ignore"):
        predicted = (net.predict(data.x) >= 0.5).astype(int)
    _samples(ax, data.x, data.y.astype(int), predicted != data.y.astype(int))
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.set_aspect("equal", adjustable="box")
    _legend_below(ax)
    _title(figure, "Decision boundary", [config])
    return figure


# --- a sweep's results against its setting ----------------------------------------------------


def by_setting_figure(runs: Sequence[tuple[Config, Outcome]], vary: Sequence[str], what: str):
    """Final loss (log scale) and epochs to 100% against the first varied setting, one line
    per combination of the others."""
    setting, others = vary[0], list(vary[1:])
    values = list(dict.fromkeys(getattr(c, setting) for c, _ in runs))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    positions = values if numeric else list(range(len(values)))
    series: dict[str, dict] = {}
    for config, outcome in runs:
        key = " ".join(f"{k}={show(getattr(config, k))}" for k in others)
        series.setdefault(key, {})[getattr(config, setting)] = outcome
    figure, (loss_ax, epochs_ax) = _figure(2, width=11.0)
    for i, (key, outcomes) in enumerate(series.items()):
        xs = [positions[values.index(v)] for v in outcomes]
        losses = [o.final_loss if o.final_loss is not None else np.nan for o in outcomes.values()]
        reached = [o.epochs_to_100 or np.nan for o in outcomes.values()]
        # categories are not in a line: only numbers are joined
        line = LINE_STYLES[i % len(LINE_STYLES)] if numeric else "none"
        style = dict(color=f"C{i % 10}", marker="os^Dv<>ph*"[i % 10], linestyle=line)
        style.update(markersize=8, label=key or None)
        loss_ax.plot(xs, losses, **style)
        epochs_ax.plot(xs, reached, **style)
    from matplotlib.ticker import NullLocator

    for ax in (loss_ax, epochs_ax):
        ax.set_xlabel(setting)
        if numeric and setting == "lr" and min(values) > 0:
            ax.set_xscale("log")
        ax.set_xticks(positions, [show(v) for v in values])  # a tick at every value tried
        ax.xaxis.set_minor_locator(NullLocator())
        if not numeric:
            ax.set_xlim(-0.5, len(values) - 0.5)
    if len(series) > 1:
        _legends(figure, [loss_ax, epochs_ax], [list(series)] * 2)
    loss_ax.set_ylabel("final loss (log scale)")
    if any((o.final_loss or 0) > 0 for _, o in runs):
        loss_ax.set_yscale("log")
    loss_ax.set_title("Final loss")
    epochs_ax.set_ylabel("first epoch at 100% accuracy")
    epochs_ax.set_title("Epochs to 100% (no point: never reached)")
    _title(figure, what, [c for c, _ in runs])
    return figure


# --- what the commands write ------------------------------------------------------------------

Written = list[tuple[str, Path]]
"""(caption, path of the SVG) per figure written: summary.md embeds them."""


def run_figures(config: Config, outcome: Outcome, data: Dataset, directory: str | Path) -> Written:
    """A run's four figures in ``directory``: loss, accuracy, truth_vs_prediction, boundary."""
    require()
    run = [(config, outcome)]
    drawn = [
        ("Loss by epoch", "loss", curves_figure(run, (), "Loss by epoch")),
        ("Accuracy by epoch", "accuracy", curves_figure(run, (), "Accuracy by epoch", True)),
    ]
    if outcome.predictions is not None:
        figure = truth_vs_prediction_figure(config, data, outcome.predictions)
        drawn.append(("Ground truth and prediction", "truth_vs_prediction", figure))
    if outcome.weights is not None and np.all(np.isfinite(outcome.weights)):
        figure = boundary_figure(config, data, outcome.weights)
        drawn.append(("Decision boundary", "boundary", figure))
    return [(caption, save(figure, directory, stem)[0]) for caption, stem, figure in drawn]


def sweep_figures(
    name: str, runs: Sequence[tuple[Config, Outcome]], vary: Sequence[str], directory: str | Path
) -> Written:
    """A sweep section's figures in ``directory``: its learning curves (``loss``), accuracy
    (``accuracy``) and, when it varies a setting, final loss against it (``loss_by_<it>``)."""
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
    if vary:
        what = f"{heading}final loss and epochs to 100% by {vary[0]}"
        figure = by_setting_figure(runs, vary, what)
        drawn.append((f"Final loss by {vary[0]}", f"loss_by_{vary[0]}", figure))
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

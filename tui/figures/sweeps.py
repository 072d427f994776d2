"""A sweep section's figures: its learning curves and accuracy, and its final loss and epochs
to 100% against each setting it varies (``loss_by_<setting>``), as ``sweep --out --figures``
writes them beside the section's summary.md."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine import Config, Outcome
from engine.labels import show

from .curves import MAX_CURVES, curves_figure
from .style import Written, _figure, _style, _title, require, save


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

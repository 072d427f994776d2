"""Curves by epoch, of one run or of many: each run's loss (log scale) or accuracy, one panel
per combination of the settings varied besides the first, curves labelled by what differs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine import Config, Outcome
from engine.labels import labels, show

from .style import SIZE, _figure, _legend_below, _style, _title

MAX_PANELS = 6
"""More combinations of the other varied settings than this share one panel."""
MAX_CURVES = 10
"""More runs than this in a panel are drawn one look per value of the first varied setting."""


def _ended(outcome: Outcome) -> str:
    return f" (diverged at epoch {outcome.diverged_at})" if outcome.diverged else ""


def _curves(ax, runs: Sequence[tuple[str, Outcome]], accuracy: bool, groups=None) -> list[str]:
    """One line per run: its loss (log scale) or accuracy (%) at each epoch it kept; returns
    the legend's entries. ``groups``: per run, the index of its group, whose runs share a
    look and one legend entry (its name, the first run's)."""
    entries: list[str] = []
    seen: set[int] = set()
    for i, (name, outcome) in enumerate(runs):
        group = i if groups is None else groups[i]
        epochs = outcome.history_epochs()
        if accuracy:
            values = 100 * np.asarray(outcome.accuracy_history, dtype=np.float64)
            epochs = epochs[: len(values)]
        else:
            values = np.asarray(outcome.loss_history, dtype=np.float64)
        label = "_nolegend_"
        if name and group not in seen:
            label = name + (_ended(outcome) if groups is None else "")
            entries.append(label)
        seen.add(group)
        few = len(values) < 3  # a run that ended at once: a line of one point shows nothing
        width = 1.4 if groups is None else 0.9
        tested = not accuracy and groups is None and len(outcome.test_loss_history) > 0
        if tested and not name:  # one run: the legend tells its two curves apart
            label = "training"
            entries.append(label)
        ax.plot(
            epochs,
            values,
            marker="o" if few else None,
            linewidth=width,
            label=label,
            alpha=1.0 if groups is None else 0.7,
            **_style(group),
        )
        if tested:  # the held-out samples' loss: the same colour, thin and dotted
            test = np.asarray(outcome.test_loss_history, dtype=np.float64)
            entry = f"{name}: test" if name else "test (held out)"
            look = dict(_style(group), linestyle=":")
            ax.plot(epochs[: len(test)], test, linewidth=1.1, label=entry, **look)
            entries.append(entry)
    ax.set_xlabel("epoch")
    if accuracy:
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(-3, 103)
    else:
        ax.set_ylabel("loss (log scale)")
        if any(np.any(np.asarray(o.loss_history, dtype=np.float64) > 0) for _, o in runs):
            ax.set_yscale("log")
    return entries


def _panels(runs, vary: Sequence[str], split: bool) -> dict[str, list]:
    """Runs by panel: one per combination of the varied settings after the first; past
    MAX_PANELS, one per value of the second; past that, or unless ``split``, one panel."""
    for others in (list(vary[1:]), list(vary[1:2])):
        panels: dict[str, list] = {}
        for config, outcome in runs:
            key = " ".join(f"{k}={show(getattr(config, k))}" for k in others)
            panels.setdefault(key, []).append((config, outcome))
        if split and len(panels) <= MAX_PANELS:
            return panels
    return {"": list(runs)}


def curves_figure(
    runs: Sequence[tuple[Config, Outcome]],
    vary: Sequence[str],
    what: str,
    accuracy: bool = False,
    split: bool = True,
):
    """Loss (or accuracy) by epoch of runs: one panel per combination of the settings in
    ``vary`` after the first (see :func:`_panels`), one curve per run labelled by what differs
    within its panel; a panel of more than MAX_CURVES runs draws one look per value of the
    first varied setting, with one legend entry each."""
    configs = [config for config, _ in runs]
    panels = _panels(runs, vary, split)
    wide = len(panels) > 1
    figure, axes = _figure(len(panels), width=11.0 if wide else SIZE[0], share=wide)
    legends = []
    for ax, (key, members) in zip(axes, panels.items()):
        members_configs = [c for c, _ in members]
        groups = None
        if len(members) > MAX_CURVES and vary:
            values = list(dict.fromkeys(getattr(c, vary[0]) for c in members_configs))
            groups = [values.index(getattr(c, vary[0])) for c in members_configs]
            counts = [groups.count(g) for g in range(len(values))]
            names = [f"{vary[0]}={show(v)} ({n} runs)" for v, n in zip(values, counts)]
            names = [names[g] for g in groups]
        elif len(members) > 1:
            names = _names(members_configs, vary)
        else:
            names = [""]
            ax.set_title(_ended(members[0][1]).strip(" ()") or None)
        entries = _curves(ax, [(n, o) for n, (_, o) in zip(names, members)], accuracy, groups)
        if key:
            ax.set_title(key)
        legends.append(entries)
    _legends(figure, axes, legends)
    _title(figure, what, configs)
    return figure


def _legends(figure, axes, entries: list[list[str]]) -> None:
    """One legend under the figure when every panel has the same entries, else one under each
    panel; none for a lone unnamed curve. Many entries get more columns and smaller type."""
    if not any(entries):
        return
    if all(e == entries[0] for e in entries):
        columns = min(len(entries[0]), 4 if len(axes) > 1 else 3)
        columns = max(columns, -(-len(entries[0]) // 6))  # at most six rows
        handles, texts = axes[0].get_legend_handles_labels()
        size = 8 if len(texts) <= 12 else 6
        figure.legend(
            handles, texts, loc="outside lower center", ncol=columns, frameon=False, fontsize=size
        )
    else:
        for ax, panel in zip(axes, entries):
            _legend_below(ax, min(len(panel), 3))


def _names(configs: Sequence[Config], vary: Sequence[str]) -> list[str]:
    """Legend entries: only the settings that differ between these runs."""
    differing = [k for k in vary if len({getattr(c, k) for c in configs}) > 1]
    if differing:
        return [" ".join(f"{k}={show(getattr(c, k))}" for k in differing) for c in configs]
    return labels(list(configs), vary)

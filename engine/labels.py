"""What tells runs apart: the settings that apply to a run, those that differ between runs and
those they share, labels naming them, and settings that change nothing for a run.

    labels(configs)          ["lr=0.1 dataset=xor activation=sigmoid optimizer=gd hidden=4,4", ...]
    differing(configs)       ["lr"]: settings that take more than one value
    common(configs)          {"dataset": "xor", "epochs": 500, ...}: settings that take one value
    describe_base(configs)   "dataset=xor activation=sigmoid ... epochs=500 seed=1 loss=mse"
    no_effect(config, n)     ["batch size 32 >= 21 samples: minibatch is the same as gd here"]

Every setting that applies to some of the configs is either differing or common. Plain text
only: the command line, the report files and the app all show these strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import SETTINGS, Config
from .optimizers import DEFAULT_MINIBATCH, OPTIMIZERS

KEY_SETTINGS = ("dataset", "activation", "optimizer", "lr", "hidden")
"""The settings every label names, so a run's label says what it was even on its own."""


def settings(config: Config) -> dict[str, object]:
    """The settings of a run, as a label shows them; None where one does not apply (samples and
    noise for xor or a CSV file, batch size for gd and sgd). A setting that replaces another (a
    CSV file for the dataset) is shown by its file name under that one's name."""
    values = {
        name: getattr(config, name) if s.applies(config) else None for name, s in SETTINGS.items()
    }
    for name, s in SETTINGS.items():
        if s.replaces:
            value = values.pop(name)
            if value is not None:
                values[s.replaces] = Path(value).name
    return values


def differing(configs: Sequence[Config]) -> list[str]:
    """Settings that take more than one value among the configs (where they apply)."""
    table = [settings(c) for c in configs]
    names = list(table[0]) if table else []
    return [n for n in names if len({show(t[n]) for t in table if t[n] is not None}) > 1]


def common(configs: Sequence[Config]) -> dict[str, object]:
    """The settings the configs share: those that take one value among the configs where they
    apply, with that value (key settings first, then in the form's order). A setting that
    applies to none of them (batch size when every run uses gd) is left out; one that applies to
    some (samples for linear beside xor) is in, with the value those runs have. A quiet setting
    at its default (no L2 or L1 penalty) is left out too."""
    table = [settings(c) for c in configs]
    names = list(table[0]) if table else []
    names = [n for n in KEY_SETTINGS if n in names] + [n for n in names if n not in KEY_SETTINGS]
    shared = {}
    for name in names:
        values = [t[name] for t in table if t[name] is not None]
        quiet = SETTINGS[name].quiet and values[:1] == [SETTINGS[name].default]
        if values and len({show(v) for v in values}) == 1 and not quiet:
            shared[name] = values[0]
    return shared


def describe_base(configs: Sequence[Config]) -> str:
    """The settings the configs share, as one line of ``name=value`` pairs, e.g.
    "dataset=xor activation=sigmoid optimizer=gd lr=0.5 hidden=4,4 epochs=500 seed=1 loss=mse"
    (see :func:`common`); "" when they share none (or there are none)."""
    return " ".join(f"{name}={show(value)}" for name, value in common(configs).items())


def labels(configs: Sequence[Config], order: Sequence[str] = ()) -> list[str]:
    """A unique label per config: the settings that differ (those named in ``order`` first, in
    that order), then the rest of KEY_SETTINGS, e.g. "lr=0.1 dataset=xor activation=sigmoid
    optimizer=gd hidden=4,4". Identical configs are told apart by " (2)", " (3)", ..."""
    differ = sorted(
        differing(configs), key=lambda n: list(order).index(n) if n in order else len(order)
    )
    names = differ + [n for n in KEY_SETTINGS if n not in differ]
    table = [settings(c) for c in configs]
    raw = [" ".join(f"{n}={show(t[n])}" for n in names if t[n] is not None) for t in table]
    seen: dict[str, int] = {}
    unique = []
    for text in raw:
        seen[text] = seen.get(text, 0) + 1
        unique.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return unique


def no_effect(config: Config, n: int) -> list[str]:
    """Notes on settings that change nothing for this config on its ``n`` samples: a batch size
    the optimizer does not use, or one that takes the whole set each step (minibatch is then the
    same as gd); a gamma or step every its schedule does not use. Empty when every setting
    counts."""
    notes = [
        f"{name.replace('_', ' ')} does not apply to the {config.schedule} schedule"
        for name in ("step_every", "gamma")
        if getattr(config, name) != SETTINGS[name].default and not SETTINGS[name].applies(config)
    ]
    return notes + _batch_notes(config, n)


def _batch_notes(config: Config, n: int) -> list[str]:
    optimizer = OPTIMIZERS[config.optimizer]
    size = config.batch_size
    if not optimizer.uses_batch_size:
        return [] if size is None else [f"batch size {size} does not apply to {config.optimizer}"]
    if config.optimizer == "minibatch":
        size = size or DEFAULT_MINIBATCH
        if size >= n:
            default = " (the default)" if config.batch_size is None else ""
            return [f"batch size {size}{default} >= {n} samples: minibatch is the same as gd here"]
    elif size is not None and size >= n:
        return [
            f"batch size {size} >= {n} samples: {config.optimizer} takes the whole set each "
            "step, as with no batch size"
        ]
    return []


def show(value, join: str = ",") -> str:
    """A setting's value as a label shows it: 0.1, 8,8 (layer sizes joined by ``join``)."""
    if isinstance(value, tuple):
        return join.join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)

"""What tells runs apart: the settings that apply to a run, and labels naming those that differ.

labels(configs)                ["lr=0.1", "lr=1"]: per run, the settings that differ
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .config import SETTINGS, Config


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


def labels(configs: Sequence[Config], order: Sequence[str] = ()) -> list[str]:
    """A unique label per config naming the settings that differ, e.g. "lr=0.1 hidden=8,8"
    (settings named in ``order`` first, in that order)."""
    names = sorted(
        differing(configs), key=lambda n: list(order).index(n) if n in order else len(order)
    )
    table = [settings(c) for c in configs]
    raw = [" ".join(f"{n}={show(t[n])}" for n in names if t[n] is not None) for t in table]
    raw = [text or f"run {i}" for i, text in enumerate(raw, start=1)]
    seen: dict[str, int] = {}
    unique = []
    for text in raw:
        seen[text] = seen.get(text, 0) + 1
        unique.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return unique


def show(value, join: str = ",") -> str:
    """A setting's value as a label shows it: 0.1, 8,8 (layer sizes joined by ``join``)."""
    if isinstance(value, tuple):
        return join.join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)

"""Several runs side by side: what differs between them, and the files of a lab report.

    labels(configs)                ["lr=0.1", "lr=1"]: per run, the settings that differ
    write_report(directory, runs)  loss_history.csv, summary.json, summary.md

loss_history.csv has one column per run, headed by its label, and one row per epoch (row k is
epoch k); a run that stopped earlier leaves its later cells empty.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .datasets import DATASETS
from .optimizers import OPTIMIZERS

REPORT_FILES = ("loss_history.csv", "summary.json", "summary.md")


@dataclass(frozen=True)
class RunSummary:
    """One run as a report shows it."""

    label: str
    config: Config
    loss_history: Sequence[float] = field(repr=False)
    accuracy: float
    epochs_to_100: int | None
    """First epoch whose pass got every sample right."""
    diverged_at: int | None = None
    state: str = "done"
    seconds: float | None = None
    """Time spent training, when known."""

    @property
    def final_loss(self) -> float | None:
        return self.loss_history[-1] if len(self.loss_history) else None

    @property
    def epochs_run(self) -> int:
        return len(self.loss_history)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def to_dict(self) -> dict:
        """Plain JSON values; a non-finite number becomes null."""
        return {
            "label": self.label,
            "config": self.config.to_dict(),
            "final_loss": _finite(self.final_loss),
            "accuracy": _finite(self.accuracy),
            "epochs_run": self.epochs_run,
            "epochs_to_100": self.epochs_to_100,
            "diverged": self.diverged,
            "diverged_at": self.diverged_at,
            "state": self.state,
            "seconds": _finite(self.seconds),
        }


def settings(config: Config) -> dict[str, object]:
    """The settings that apply to a run, as a label shows them; None where one does not apply
    (samples and noise for xor or a CSV file, batch size for gd and sgd). A CSV file is shown
    by its name under ``dataset``."""
    values = {f.name: getattr(config, f.name) for f in dataclasses.fields(Config)}
    del values["data"]
    if config.data:
        values.update(dataset=Path(config.data).name, samples=None, noise=None)
    elif not DATASETS[config.dataset].uses_samples:
        values.update(samples=None, noise=None)
    if not OPTIMIZERS[config.optimizer].uses_batch_size:
        values["batch_size"] = None
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


def history_csv(runs: Sequence[RunSummary]) -> str:
    """One column per run (headed by its label), one row per epoch."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([run.label for run in runs])
    length = max((run.epochs_run for run in runs), default=0)
    for epoch in range(length):
        writer.writerow(
            [repr(float(run.loss_history[epoch])) if epoch < run.epochs_run else "" for run in runs]
        )
    return out.getvalue()


def summary_json(runs: Sequence[RunSummary]) -> str:
    return json.dumps([run.to_dict() for run in runs], indent=2, allow_nan=False) + "\n"


def summary_markdown(runs: Sequence[RunSummary]) -> str:
    """A Markdown table: setting, final loss, accuracy, epochs to 100%, diverged, epochs, time."""
    rows = [
        "| setting | final loss | accuracy | epochs to 100% | diverged | epochs run | seconds |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for run in runs:
        loss = "-" if run.final_loss is None else f"{run.final_loss:.6g}"
        seconds = "-" if run.seconds is None else f"{run.seconds:.2f}"
        diverged = f"at epoch {run.diverged_at}" if run.diverged else "no"
        rows.append(
            f"| {run.label.replace('|', '/')} | {loss} | {100 * run.accuracy:.1f}% | "
            f"{run.epochs_to_100 if run.epochs_to_100 is not None else '-'} | {diverged} | "
            f"{run.epochs_run} | {seconds} |"
        )
    return "\n".join(rows) + "\n"


def existing_report_files(directory: str | Path) -> list[Path]:
    """The report files that writing into ``directory`` would replace."""
    return [Path(directory) / name for name in REPORT_FILES if (Path(directory) / name).exists()]


def write_report(directory: str | Path, runs: Sequence[RunSummary]) -> list[Path]:
    """Write the three report files into ``directory`` (made if missing); returns their paths.

    Existing files are replaced: ask first (see :func:`existing_report_files`).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    texts = (history_csv(runs), summary_json(runs), summary_markdown(runs))
    paths = []
    for name, text in zip(REPORT_FILES, texts):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def show(value, join: str = ",") -> str:
    """A setting's value as a label shows it: 0.1, 8,8 (layer sizes joined by ``join``)."""
    if isinstance(value, tuple):
        return join.join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None

"""Several runs side by side: what differs between them, and the files of a lab report.

    labels(configs)                ["lr=0.1", "lr=1"]: per run, the settings that differ
    write_report(directory, runs)  loss_history.csv, summary.json, summary.md

loss_history.csv has one column per run, headed by its label, and one row per epoch (row k is
epoch k); a run that stopped earlier leaves its later cells empty.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config

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


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None

"""The files of a lab report for runs side by side: loss_history.csv, summary.json, summary.md.

    write_report(directory, runs)      runs: (config, outcome) pairs, labelled by what differs

loss_history.csv has one column per run, headed by its label, and one row per epoch (row k is
epoch k); a run that stopped earlier leaves its later cells empty.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from .config import Config
from .files import write_text
from .labels import labels
from .outcome import Outcome

REPORT_FILES = ("loss_history.csv", "summary.json", "summary.md")

Runs = Sequence[tuple[Config, Outcome]]
"""Runs as a report takes them: each run's config and outcome."""


def history_csv(runs: Runs, names: Sequence[str]) -> str:
    """One column per run (headed by its label), one row per epoch; a run whose history was
    thinned (engine.outcome) fills only the rows of the epochs it kept."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    columns = [
        dict(zip(outcome.history_epochs().tolist(), outcome.loss_history)) for _, outcome in runs
    ]
    for epoch in range(1, max((o.epochs_run for _, o in runs), default=0) + 1):
        writer.writerow([repr(float(c[epoch])) if epoch in c else "" for c in columns])
    return out.getvalue()


def summary_json(runs: Runs, names: Sequence[str]) -> str:
    rows = [
        {"label": name, "config": config.to_dict(), **outcome.to_dict(history=False)}
        for (config, outcome), name in zip(runs, names)
    ]
    return json.dumps(rows, indent=2, allow_nan=False) + "\n"


def summary_markdown(runs: Runs, names: Sequence[str]) -> str:
    """A Markdown table: setting, final loss, accuracy, epochs to 100%, diverged, epochs, time."""
    rows = [
        "| setting | final loss | accuracy | epochs to 100% | diverged | epochs run | seconds |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for (_, run), name in zip(runs, names):
        loss = "-" if run.final_loss is None else f"{run.final_loss:.6g}"
        seconds = f"{run.seconds:.2f}" if run.seconds else "-"
        diverged = f"at epoch {run.diverged_at}" if run.diverged else "no"
        to_100 = run.epochs_to_100 if run.epochs_to_100 is not None else "-"
        rows.append(
            f"| {name.replace('|', '/')} | {loss} | {100 * run.accuracy:.1f}% | {to_100} | "
            f"{diverged} | {run.epochs_run} | {seconds} |"
        )
    return "\n".join(rows) + "\n"


def existing_report_files(directory: str | Path) -> list[Path]:
    """The report files that writing into ``directory`` would replace."""
    return [Path(directory) / name for name in REPORT_FILES if (Path(directory) / name).exists()]


def write_report(directory: str | Path, runs: Runs, order: Sequence[str] = ()) -> list[Path]:
    """Write the three report files into ``directory`` (made if missing); returns their paths.
    Runs are labelled by the settings that differ (those named in ``order`` first).

    Existing files are replaced: ask first (see :func:`existing_report_files`).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = labels([config for config, _ in runs], order)
    writers = (history_csv, summary_json, summary_markdown)
    paths = []
    for name, write in zip(REPORT_FILES, writers):
        path = directory / name
        write_text(path, write(runs, names))
        paths.append(path)
    return paths

"""The files of a lab report for runs side by side: loss_history.csv, summary.json, summary.md;
and the rows of the summary table, which the command line prints too.

    write_report(directory, runs)      runs: (config, outcome) pairs, labelled by what differs
    base_line(configs)                 "base: dataset=xor activation=sigmoid ... seed=1 loss=mse"
    table_rows(runs, names)            the summary's cells per run, and its notes

loss_history.csv has one column per run, headed by its label (and one more, "<label> test", for
its test loss where it holds samples out), and one row per epoch (row k is epoch k); a run that
stopped earlier leaves its later cells empty. summary.md states the
settings the runs share above the table, and notes settings that had no effect below it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .config import Config
from .files import write_text
from .labels import describe_base, labels, no_effect
from .outcome import Outcome
from .trainer import make_dataset

REPORT_FILES = ("loss_history.csv", "summary.json", "summary.md")

Runs = Sequence[tuple[Config, Outcome]]
"""Runs as a report takes them: each run's config and outcome."""

COLUMNS = (
    "final loss",
    "accuracy",
    "epochs to 100%",
    "loss rises",
    "diverged",
    "saturated",
    "dead units",
    "epochs run",
    "seconds",
)
"""The summary table's columns after the run's label (see :func:`cells`)."""
TEST_COLUMNS = ("test loss", "test acc", "test over min")
"""Columns added when a run holds samples out (--test-fraction): the last epoch's test loss,
the test accuracy at the end, and how far the last test loss is above the lowest one (the
overfitting gap: the test loss rising while the training loss falls)."""


def columns(runs: Runs) -> tuple[str, ...]:
    """The table's columns for these runs: COLUMNS, and TEST_COLUMNS if any has a split."""
    tested = any(outcome.test_accuracy is not None for _, outcome in runs)
    return COLUMNS + TEST_COLUMNS if tested else COLUMNS


def test_gap(run: Outcome) -> float | None:
    """How far the last test loss is above the lowest, as a fraction (0.2: 20% above), or None
    without a split."""
    history = np.asarray(run.test_loss_history, dtype=np.float64)
    finite = history[np.isfinite(history)]
    if not len(finite) or finite.min() <= 0 or not np.isfinite(history[-1]):
        return None
    return float(history[-1] / finite.min() - 1.0)


RISE = 0.01
"""A loss counts as risen when it is more than this fraction above the epoch before's."""


def loss_rises(outcome: Outcome) -> int:
    """Epochs whose loss was more than RISE (1%) above the epoch before's: many mean the loss
    goes up and down (with gd, a learning rate too high; with sgd, the noise of single
    samples). Counted over the history kept (every epoch, unless it was thinned)."""
    history = np.asarray(outcome.loss_history, dtype=np.float64)
    with np.errstate(all="ignore"):
        return int(np.count_nonzero(history[1:] > history[:-1] * (1 + RISE)))


def cells(config: Config, run: Outcome) -> dict[str, str]:
    """A run's row of the summary table, one text per column of COLUMNS; "-" where a value is
    missing (no epoch yet, never at 100%, dead units not counted)."""
    units = sum(config.hidden)
    gap = test_gap(run)
    tested = {}
    if run.test_accuracy is not None:
        last = run.test_loss_history[-1] if len(run.test_loss_history) else None
        tested = {
            "test loss": "-" if last is None else f"{last:.6g}",
            "test acc": f"{100 * run.test_accuracy:.1f}%",
            "test over min": "-" if gap is None else f"{100 * gap:.0f}%",
        }
    return {
        "final loss": "-" if run.final_loss is None else f"{run.final_loss:.6g}",
        "accuracy": f"{100 * run.accuracy:.1f}%",
        "epochs to 100%": "-" if run.epochs_to_100 is None else str(run.epochs_to_100),
        "loss rises": str(loss_rises(run)),
        "diverged": f"at epoch {run.diverged_at}" if run.diverged else "no",
        "saturated": "yes" if run.saturated else "no",
        "dead units": "-" if run.dead_units is None else f"{run.dead_units}/{units}",
        "epochs run": str(run.epochs_run),
        "seconds": f"{run.seconds:.2f}" if run.seconds else "-",
        **tested,
    }


def base_line(configs: Sequence[Config]) -> str:
    """The line above a summary table: the settings every run shares (engine.labels.common)."""
    return "base: " + (describe_base(configs) or "(no setting is shared)")


def table_rows(runs: Runs, names: Sequence[str]) -> tuple[list[tuple[str, dict]], list[str]]:
    """The summary table: (label, cells) per run, and the notes below it.

    A setting that had no effect on a run (engine.labels.no_effect) gives a note: "note: ..."
    when it concerns every run, otherwise "[i] ..." with " [i]" after the label of each run it
    concerns."""
    per_run = [run_notes(config, outcome) for config, outcome in runs]
    distinct = list(dict.fromkeys(note for notes in per_run for note in notes))
    everywhere = [note for note in distinct if all(note in notes for notes in per_run)]
    marked = [note for note in distinct if note not in everywhere]
    rows = []
    for (config, outcome), name, notes in zip(runs, names, per_run):
        marks = "".join(f"[{marked.index(n) + 1}]" for n in notes if n in marked)
        rows.append((f"{name} {marks}" if marks else name, cells(config, outcome)))
    lines = [f"note: {note}" for note in everywhere]
    lines += [f"[{i}] {note}" for i, note in enumerate(marked, start=1)]
    return rows, lines


def run_notes(config: Config, outcome: Outcome) -> list[str]:
    """The run's settings that had no effect (engine.labels.no_effect) on its samples."""
    if outcome.predictions is not None:
        n = len(outcome.predictions)
    else:
        try:
            n = make_dataset(config).n
        except (ValueError, OSError):  # a CSV file gone since: nothing to say about it
            return []
    return no_effect(config, n)


def history_csv(runs: Runs, names: Sequence[str]) -> str:
    """One column per run (headed by its label), one row per epoch; a run with held-out
    samples has a second column, its test loss, headed "<label> test". A run whose history
    was thinned (engine.outcome) fills only the rows of the epochs it kept."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header, columns = [], []
    for (_, outcome), name in zip(runs, names):
        epochs = outcome.history_epochs().tolist()
        header.append(name)
        columns.append(dict(zip(epochs, outcome.loss_history)))
        if len(outcome.test_loss_history):
            header.append(f"{name} test")
            columns.append(dict(zip(epochs, outcome.test_loss_history)))
    writer.writerow(header)
    for epoch in range(1, max((o.epochs_run for _, o in runs), default=0) + 1):
        writer.writerow([repr(float(c[epoch])) if epoch in c else "" for c in columns])
    return out.getvalue()


def summary_json(runs: Runs, names: Sequence[str]) -> str:
    """One object per run: its label, config and outcome, with ``dead_units`` (null where not
    counted), ``loss_rises`` and the ``notes`` on settings that had no effect."""
    rows = [
        {
            "label": name,
            "config": config.to_dict(),
            **outcome.to_dict(history=False),
            "dead_units": outcome.dead_units,
            "loss_rises": loss_rises(outcome),
            "notes": run_notes(config, outcome),
        }
        for (config, outcome), name in zip(runs, names)
    ]
    return json.dumps(rows, indent=2, allow_nan=False) + "\n"


Figures = Sequence[tuple[str, str]]
"""(caption, file name relative to the report's directory) per figure summary.md shows."""


def summary_markdown(
    runs: Runs, names: Sequence[str], title: str | None = None, figures: Figures = ()
) -> str:
    """The base settings, then a Markdown table (setting and COLUMNS), then any notes, then
    the settings changed while a run trained (Outcome.changes), then the figures, each under
    its caption."""
    rows, notes = table_rows(runs, names)
    shown = columns(runs)
    lines = [f"# {title}", ""] if title else []
    lines += [base_line([config for config, _ in runs]), ""]
    lines += [
        "| setting | " + " | ".join(shown) + " |",
        "|---|"
        + "|".join("---" if c in ("diverged", "saturated") else "---:" for c in shown)
        + "|",
    ]
    for name, row in rows:
        cells_ = [row.get(c, "-") for c in shown]
        lines.append(f"| {name.replace('|', '/')} | " + " | ".join(cells_) + " |")
    if notes:
        lines += ["", *notes]
    changed = [
        (name, outcome.changes) for (_, outcome), name in zip(runs, names) if outcome.changes
    ]
    if changed:
        lines += ["", "## Settings changed while training", ""]
        for name, changes in changed:
            said = "; ".join(f"after epoch {c.epoch}, {c.setting} = {c.value}" for c in changes)
            lines.append(f"- {name}: {said}")
    if figures:
        lines += ["", "## Figures"]
        for caption, name in figures:
            lines += ["", f"### {caption}", "", f"![{caption}]({name})"]
    return "\n".join(lines) + "\n"


def existing_report_files(directory: str | Path) -> list[Path]:
    """The report files that writing into ``directory`` would replace."""
    return [Path(directory) / name for name in REPORT_FILES if (Path(directory) / name).exists()]


def write_report(
    directory: str | Path,
    runs: Runs,
    order: Sequence[str] = (),
    title: str | None = None,
    figures: Figures = (),
) -> list[Path]:
    """Write the three report files into ``directory`` (made if missing); returns their paths.
    Runs are labelled by the settings that differ (those named in ``order`` first) and the key
    settings; ``title`` heads summary.md, which shows ``figures`` (already written there).

    Existing files are replaced: ask first (see :func:`existing_report_files`).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = labels([config for config, _ in runs], order)
    texts = (
        history_csv(runs, names),
        summary_json(runs, names),
        summary_markdown(runs, names, title, figures),
    )
    paths = []
    for name, text in zip(REPORT_FILES, texts):
        path = directory / name
        write_text(path, text)
        paths.append(path)
    return paths

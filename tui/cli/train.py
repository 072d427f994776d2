"""``backprop-tui train``: train without the app and print the lab's log.

stdout, in the lab's format:

    epoch 100 loss : 0.2480964126          every --log-every epochs
    Iter 0 | Ground truth: 0 | prediction: 0.028887
    Accuracy: 1.0

A diverged or saturated run adds one line saying so; when stderr is not the terminal stdout is
on, that line goes to stderr too, so it is seen even with stdout redirected to a file. A setting
that changes nothing (a batch size minibatch cannot fill: it is then gd) gets a note on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO

from engine import Run, WeightsError, save_weights
from engine.files import write_text
from engine.labels import no_effect
from engine.outcome import Outcome, finite
from engine.split import none_held_out
from engine.trainer import SATURATION_HINT
from engine.weights import activation_note
from tui import figures
from tui.figures import INSTALL

from .args import (
    Parser,
    add_training_flags,
    check_directory,
    check_figures,
    positive_int,
    say,
    set_up_run,
)
from .progress import Progress


def train_parser() -> Parser:
    parser = Parser(
        prog="backprop-tui train",
        description="Train headless and print the lab's log: loss every --log-every epochs, "
        "then every sample's ground truth and prediction, then the accuracy.",
    )
    add_training_flags(parser)
    parser.add_argument("--json", metavar="FILE", help="write a JSON summary of the run")
    parser.add_argument(
        "--log-every", metavar="N", default="100", help="epochs between loss lines [100]"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on stdout")
    parser.add_argument(
        "--figures",
        metavar="DIR",
        help="write the run's figures here as SVG and PNG: loss, accuracy, truth_vs_prediction, "
        f"boundary (needs: {INSTALL})",
    )
    parser.add_argument(
        "--force", action="store_true", help="write into --figures even when it is not empty"
    )
    return parser


def train_main(argv: list[str]) -> int:
    args = train_parser().parse_args(argv)
    log_every = positive_int("--log-every", args.log_every)
    if args.figures is not None:
        check_figures("--figures")
        check_directory("--figures", args.figures, args.force)
    run = set_up_run(args)
    config = run.config

    note = args.init_weights and activation_note(args.init_weights, config.activation)
    if note:
        say(f"backprop-tui train: {note}", file=sys.stderr)
    untested = none_held_out(config.test_fraction, run.trainer.splits[0][1], run.data.n)
    for note in [*no_effect(config, run.data.n), *filter(None, [untested])]:
        say(f"backprop-tui train: note: {note}", file=sys.stderr)  # stdout: the lab's format
    out = None if args.quiet else sys.stdout
    bar = Progress(config.epochs) if not args.quiet and sys.stderr.isatty() else None
    try:
        for result in run:
            if out and result.epoch % log_every == 0:
                if bar:
                    bar.clear()
                line = f"epoch {result.epoch} loss : {result.loss:.10f}"
                if result.test_loss is not None:
                    line += f" test loss : {result.test_loss:.10f}"
                say(line, file=out)
            if bar:
                bar.update(result.epoch, result.loss)
    except KeyboardInterrupt:
        run.control.cancel()
    if bar:
        bar.clear()
    outcome = run.outcome()

    if out:
        held_out = set() if outcome.test_indices is None else set(outcome.test_indices.tolist())
        for i, (label, p) in enumerate(zip(run.data.y, outcome.predictions)):
            mark = " | test" if i in held_out else ""
            say(f"Iter {i} | Ground truth: {int(label)} | prediction: {p:.6f}{mark}", file=out)
        say(f"Accuracy: {outcome.accuracy}", file=out)
        if outcome.test_accuracy is not None:
            say(f"Test accuracy: {outcome.test_accuracy}", file=out)
    if outcome.diverged:
        notice(out, f"diverged at epoch {outcome.diverged_at}")
    elif outcome.saturated:
        notice(out, f"saturated: {SATURATION_HINT}")
    if run.control.cancelled:
        notice(out, f"interrupted at epoch {outcome.epochs_run}")
    if args.json:
        write_json(args.json, run, outcome)
    if args.figures:
        written = figures.run_figures(config, outcome, run.data, args.figures)
        if out:
            say(f"{len(written)} figures written to {args.figures}/ (SVG and PNG)", file=sys.stderr)
    if args.save_weights:
        try:
            save_weights(run.net, args.save_weights)
        except WeightsError as error:  # a diverged run's weights: said, never written
            notice(out, str(error))
    return 130 if run.control.cancelled else 0


def notice(out: IO[str] | None, line: str) -> None:
    """A line about how the run went: in the log, and on stderr unless that is the same place."""
    if out:
        say(line, file=out, flush=True)
    if out is None or not _same_file(out, sys.stderr):
        say(line, file=sys.stderr, flush=True)


def _same_file(a: IO[str], b: IO[str]) -> bool:
    try:
        return os.path.samestat(os.fstat(a.fileno()), os.fstat(b.fileno()))
    except (OSError, ValueError, AttributeError):
        return False


def summary(run: Run, outcome: Outcome) -> dict:
    """The --json summary: the config, the data, the predictions and the run's outcome (a
    non-finite number is written as null); ``wall_seconds`` is the time inside the training
    loop."""
    values = outcome.to_dict()
    values["wall_seconds"] = values.pop("seconds")
    summary = {
        "config": run.config.to_dict(),
        "inputs": [[finite(a), finite(b)] for a, b in run.data.x],
        "labels": [int(label) for label in run.data.y],
        "predictions": [finite(p) for p in outcome.predictions],
        **values,
    }
    if outcome.test_indices is not None:
        summary["test_indices"] = outcome.test_indices.tolist()
    return summary


def write_json(path: str, run: Run, outcome: Outcome) -> None:
    text = json.dumps(summary(run, outcome), allow_nan=False)
    write_text(path, text + "\n")

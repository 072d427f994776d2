"""``backprop-tui sweep``: the lab's controlled experiments as one command.

    backprop-tui sweep --preset lab
    backprop-tui sweep --vary lr=0.01,0.1,1 --vary dataset=linear,xor --epochs 3000 --out results

Prints a summary table per sweep: the base settings its runs share, then per run its label,
final loss, accuracy, epochs to 100%, loss rises, diverged, saturated, dead units and wall time,
then notes on settings that had no effect. ``--out DIR`` writes loss_history.csv, summary.json,
summary.md and one text chart per varied setting (chart_<setting>.txt); a preset with several
sections writes one directory each.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from engine import Config, ConfigError, load_toml, use_threads
from engine.config import SETTINGS
from engine.files import write_text
from engine.labels import show
from engine.parallel import SweepResult, run_sweeps
from engine.report import base_line, columns, table_rows, write_report
from engine.sweep import PRESETS, Sweep, load_sweep, preset, save_sweep
from tui import figures
from tui.figures import INSTALL

from .args import (
    Parser,
    UsageError,
    add_training_flags,
    apply_flags,
    check_directory,
    check_figures,
    check_writable,
    config_from_args,
    input_errors,
    memory_budget,
    say,
)
from .progress import Progress


def sweep_parser() -> Parser:
    parser = Parser(
        prog="backprop-tui sweep",
        description="Train a grid of runs (a preset of the lab's experiments, or settings you "
        "vary) and compare them. Runs that can share one computation are trained together; "
        "the rest are spread over --jobs processes.",
    )
    what = parser.add_argument_group("what to run (one of)")
    what.add_argument("--preset", metavar="NAME", help=f"one of: {', '.join(PRESETS)}")
    what.add_argument(
        "--vary",
        metavar="KEY=V1,V2",
        action="append",
        help="a setting and its values, e.g. lr=0.01,0.1,1 (repeat for a grid); hidden=2,4 "
        "sets every hidden layer, hidden=8x4 gives layers of 8 and 4; features=x1+x2,x1sq+x2sq "
        "gives the inputs x1, x2 and x1sq, x2sq",
    )
    what.add_argument("--sweep", metavar="FILE.toml", help="a sweep saved with --save-sweep")
    add_training_flags(parser, weights=False)
    parser.add_argument(
        "--jobs",
        metavar="N",
        help="processes to train in at most, this one included; more start only when the runs "
        "outweigh their start-up [number of cores]",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS|local",
        help="train on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), or on "
        "a local one of --jobs processes (needs: pip install 'backprop-tui[cluster]')",
    )
    parser.add_argument("--out", metavar="DIR", help="write CSV, JSON, Markdown and charts here")
    parser.add_argument(
        "--figures",
        action="store_true",
        help="with --out: also write figures (SVG and PNG) of each section's learning curves, "
        f"accuracy and final loss by the varied setting (needs: {INSTALL})",
    )
    parser.add_argument(
        "--force", action="store_true", help="write into --out even when it is not empty"
    )
    parser.add_argument("--save-sweep", metavar="FILE.toml", help="save the sweep definition")
    return parser


def sweeps_from_args(args) -> list[Sweep]:
    chosen = [name for name in ("preset", "vary", "sweep") if getattr(args, name)]
    if len(chosen) != 1:
        raise UsageError("--preset", "give exactly one of --preset, --vary or --sweep")
    given = any(getattr(args, name) is not None for name in SETTINGS)
    try:
        if args.preset:
            sweeps = preset(args.preset)
        elif args.sweep:
            sweeps = [load_sweep(args.sweep)]
        else:
            return [Sweep.parse(config_from_args(args), args.vary)]
    except ConfigError as error:
        if error.field == "preset":
            raise UsageError("--preset", error.reason) from None
        raise UsageError("--sweep" if args.sweep else "--vary", str(error)) from None
    if not (given or args.config):
        return sweeps
    # flags given beside a preset or a sweep file change every section's base
    bases = [_override(s.base, args) for s in sweeps]
    try:
        return [Sweep.of(base, s.vary, s.name) for base, s in zip(bases, sweeps)]
    except ConfigError as error:
        where = f"--preset {args.preset}" if args.preset else f"--sweep {args.sweep}"
        varied = {key for s in sweeps for key, _ in s.vary}
        if error.field in varied and any(base.data for base in bases):
            source = "--data" if args.data else "--config"
            reason = f"cannot be used with {where}, which varies {error.field}"
            raise UsageError(source, reason) from None
        raise UsageError(where.split()[0], str(error)) from None


def _override(base: Config, args) -> Config:
    """A section's base with --config's file and then the flags given applied on top."""
    if args.config:
        try:
            base = load_toml(args.config, base)
        except ConfigError as error:
            raise UsageError("--config", str(error)) from None
    return apply_flags(base, args)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """While a sweep runs, SIGINT, SIGTERM and SIGHUP set the event it is told to stop by: its
    loop notices within a quarter of a second and stops its worker processes. (An exception
    raised wherever the signal lands could leave a lock of the process pool held, and the exit
    then waits on it forever.) Once the sweep has stopped, KeyboardInterrupt."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in signals}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stop.is_set():
        raise KeyboardInterrupt


def sweep_main(argv: list[str]) -> int:
    args = sweep_parser().parse_args(argv)
    sweeps = sweeps_from_args(args)
    use_threads(_threads(sweeps, args))  # here and, through engine.parallel, in every worker
    jobs = _jobs(args.jobs)
    if args.scheduler is not None and args.scheduler != "local" and args.jobs is not None:
        reason = "applies to this machine's processes: the cluster at --scheduler has its own"
        raise UsageError("--jobs", reason)
    check_writable("--save-sweep", args.save_sweep)
    if args.figures:
        if not args.out:
            raise UsageError("--figures", "needs --out DIR: the figures are written there")
        check_figures("--figures")
    check_directory("--out", args.out, args.force)
    if args.save_sweep:
        if len(sweeps) != 1:
            raise UsageError("--save-sweep", "a preset of several sections cannot be one file")
        save_sweep(sweeps[0], args.save_sweep)
    total = len({c for s in sweeps for c in s.configs()})
    bar = Progress(total) if sys.stderr.isatty() else None

    def progress(runs) -> None:
        if bar is not None:
            done = sum(1 for run in runs.values() if run.state.finished)
            bar.update(done, unit="runs")

    start = time.perf_counter()
    with input_errors(), stop_on_signals() as stop, _executor(args, jobs) as (slots, placed):
        budget = memory_budget(args)
        results = run_sweeps(
            sweeps, slots, progress=progress, stopped=stop.is_set, budget=budget, **placed
        )
    if bar:
        bar.clear()
    elapsed = time.perf_counter() - start
    for result in results:
        say(table(result))
    grid = sum(len(result.outcomes) for result in results)
    shared = f" ({grid - total} in the grid were duplicates)" if grid > total else ""
    processes = results[0].processes
    trained_by = f"with {processes} process{'es' if processes > 1 else ''}"
    if args.scheduler is not None:
        cluster = "a local Dask cluster" if args.scheduler == "local" else args.scheduler
        trained_by = f"on {cluster} ({processes} at once)"
    say(f"{total} run{'s' if total != 1 else ''} trained{shared} in {elapsed:.1f} s {trained_by}")
    if args.figures and sys.stderr.isatty():
        say(f"drawing {3 * len(results)} figures (about a second each)...", file=sys.stderr)
    if args.out:
        for result in results:
            where = Path(args.out) / result.sweep.name if len(results) > 1 else Path(args.out)
            order = [key for key, _ in result.sweep.vary]
            drawn = []
            if args.figures:
                where.mkdir(parents=True, exist_ok=True)
                written = figures.sweep_figures(result.sweep.name, result.runs(), order, where)
                drawn = [(caption, path.name) for caption, path in written]
            write_report(where, result.runs(), order, title=result.sweep.name, figures=drawn)
            for setting, _ in result.sweep.vary:
                write_text(where / f"chart_{setting}.txt", chart(result, setting))
        say(f"written to {args.out}/")
    return 0


@contextlib.contextmanager
def _executor(args, jobs: int) -> Iterator[tuple[int, dict]]:
    """How many tasks train at once, and where (run_sweeps' arguments): a Dask cluster's
    executor for --scheduler, else this machine's processes (--jobs)."""
    if args.scheduler is None:
        yield jobs, {}
        return
    from .cluster import dask_executor  # Dask loads only when asked for

    with dask_executor(args.scheduler, jobs) as (executor, slots, stop):
        yield slots, {"executor": executor, "executor_stop": stop}


def _threads(sweeps: list[Sweep], args) -> int | None:
    """The BLAS threads of the sweep's processes (--threads, or its config's; None: the
    default). A process has one limit for all the runs it trains, so it is not varied."""
    if any(key == "threads" for sweep in sweeps for key, _ in sweep.vary):
        where = "--preset" if args.preset else "--sweep" if args.sweep else "--vary"
        reason = "threads cannot be varied: it sets how fast the whole sweep trains (--threads N)"
        raise UsageError(where, reason)
    return max((c.threads for s in sweeps for c in s.configs() if c.threads), default=None)


def _jobs(text: str | None) -> int:
    if text is None:
        return os.cpu_count() or 1
    try:
        jobs = int(text)
    except ValueError:
        raise UsageError("--jobs", f"must be a whole number >= 1, got {text!r}") from None
    if not 1 <= jobs <= 64:
        raise UsageError("--jobs", f"must be a whole number from 1 to 64, got {jobs}")
    return jobs


SHORT = {"epochs to 100%": "to 100%", "test over min": "over min"}


def table(result: SweepResult) -> str:
    """The sweep's summary as an aligned text table: the settings its runs share above it,
    notes on settings that had no effect below it (as in summary.md)."""
    rows, notes = table_rows(result.runs(), result.labels())
    shown = [c for c in columns(result.runs()) if c != "epochs run"]  # "diverged" says where
    lines = [f"== {result.sweep.name} ({len(result.outcomes)} runs)", base_line(result.configs)]
    texts = [("setting", *(SHORT.get(c, c) for c in shown))]
    texts += [(name, *(row.get(c, "-") for c in shown)) for name, row in rows]
    widths = [max(len(row[i]) for row in texts) for i in range(len(texts[0]))]
    for row in texts:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join([*lines, *notes]) + "\n"


def chart(result: SweepResult, setting: str, width: int = 100, height: int = 22) -> str:
    """Loss curves (log10) with one curve per value of ``setting``; one panel per combination
    of the other varied settings. Plain text: curves differ by marker, named above each panel."""
    import plotext as plt

    from tui.plotting import overlay

    others = [key for key, _ in result.sweep.vary if key != setting]
    panels: dict[str, list] = {}
    for config, run in result.runs():
        title = " ".join(f"{k}={show(getattr(config, k))}" for k in others) or setting
        panels.setdefault(title, []).append((config, run))
    text = []
    for title, runs in panels.items():
        plt.clf()
        plt.theme("clear")
        plt.plotsize(width, height)
        curves = [(f"{setting}={show(getattr(c, setting))}", r) for c, r in runs]
        heading = f"{result.sweep.name}: log10(loss) by epoch, {title}"
        legend = overlay(plt, curves, width - 12, heading)
        text += [legend, plt.build(), ""]
    plt.clf()
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(text)) + "\n"

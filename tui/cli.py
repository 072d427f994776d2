"""The ``backprop-tui`` command: the app, ``train`` (headless) and ``sweep``.

    backprop-tui [FLAGS] [--autostart] [--config FILE.toml]    the app, form prefilled
    backprop-tui train [FLAGS] [--json FILE] [--log-every N] [--quiet]

Every bad input ends with one line naming the flag or file and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn

from engine import (
    Config,
    ConfigError,
    DataError,
    Network,
    WeightsError,
    load_toml,
    load_weights,
    make_dataset,
)
from engine.config import CHOICES, help_text

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input on the command line: ``where`` names the flag or file."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see --help)\n")


def say(text: str, file: IO[str] | None = None, flush: bool = False) -> None:
    """One line of the command line's own output (never while the app is on the screen)."""
    stream = file or sys.stdout
    stream.write(text + "\n")
    if flush:
        stream.flush()


def flag(field: str) -> str:
    """The command-line flag of a config field: batch_size -> --batch-size."""
    return "--" + field.replace("_", "-")


_METAVARS = {
    "data": "FILE.csv",
    "samples": "N",
    "noise": "F",
    "hidden": "H1,H2",
    "batch_size": "N",
    "lr": "F",
    "epochs": "N",
    "seed": "N",
}


def add_training_flags(parser: argparse.ArgumentParser, weights: bool = True) -> None:
    """The training flags shared by the app, ``train`` and ``sweep``: one per config field,
    --config, and (not for sweeps) --init-weights and --save-weights."""
    group = parser.add_argument_group("training settings (defaults in brackets)")
    for field in dataclasses.fields(Config):
        default = field.default
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        metavar = "{" + ",".join(CHOICES[field.name]) + "}" if field.name in CHOICES else None
        group.add_argument(
            flag(field.name),
            dest=field.name,
            metavar=metavar or _METAVARS.get(field.name),
            help=help_text(field.name) + (f" [{shown}]" if shown is not None else ""),
        )
    group.add_argument("--config", metavar="FILE.toml", help="start from a saved config")
    if weights:
        group.add_argument("--init-weights", metavar="FILE.npz", help="start from saved weights")
        group.add_argument("--save-weights", metavar="FILE.npz", help="save the final weights")


def config_from_args(args: argparse.Namespace) -> Config:
    """The config the flags describe: --config's file (if any), then each flag given."""
    base = Config()
    if args.config:
        try:
            base = load_toml(args.config, base)
        except ConfigError as error:
            raise UsageError("--config", str(error)) from None
    values = {
        field.name: getattr(args, field.name)
        for field in dataclasses.fields(Config)
        if getattr(args, field.name) is not None
    }
    if "dataset" in values and "data" in values:
        raise UsageError("--data", "give either --dataset or --data, not both")
    if "dataset" in values:
        values["data"] = None  # a dataset named on the command line wins over a file's data
    try:
        return Config.from_values(values, base)
    except ConfigError as error:
        raise UsageError(flag(error.field), error.reason) from None


def check_readable(option: str, path: str | None) -> None:
    """Fail early, before any training, when an input file is missing."""
    if path is not None and not Path(path).is_file():
        reason = "is a directory" if Path(path).is_dir() else "no such file"
        raise UsageError(option, f"{path}: {reason}")


def check_writable(option: str, path: str | None) -> None:
    """Fail early, before any training, when an output file could not be written."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(option, f"{path}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(option, f"{path}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(option, f"{path}: not writable")


def positive_int(option: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(option, f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise UsageError(option, f"must be a whole number >= 1, got {value}")
    return value


def app_parser() -> Parser:
    parser = Parser(
        prog="backprop-tui",
        description="Watch a small neural network learn by back-propagation, in the terminal. "
        "Subcommands: 'backprop-tui train --help' trains headless; 'backprop-tui sweep --help' "
        "runs the lab's experiments.",
    )
    add_training_flags(parser)
    parser.add_argument("--autostart", action="store_true", help="start training at once")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``backprop-tui`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else None
    try:
        if command == "train":
            from .headless import train_main

            return train_main(argv[1:])
        if command == "sweep":
            from .sweep_cmd import sweep_main

            return sweep_main(argv[1:])
        return app_main(argv)
    except SystemExit as done:  # argparse: --help, or a usage error already printed
        return done.code if isinstance(done.code, int) else USAGE_ERROR
    except UsageError as error:
        prog = f"backprop-tui {command}" if command in ("train", "sweep") else "backprop-tui"
        say(f"{prog}: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        say("backprop-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. "| head": the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as error:  # a bug: one line for the user, the details in a file
        log = _write_crash_log()
        say(f"backprop-tui: unexpected error: {error!r} (details in {log})", file=sys.stderr)
        return 1


def crash_log() -> Path:
    """Where the details of a crash go, so that the user only ever sees one line."""
    import tempfile

    return Path(tempfile.gettempdir()) / "backprop-tui-crash.log"


def _write_crash_log() -> str:
    import traceback

    try:
        crash_log().write_text(traceback.format_exc(), encoding="utf-8")
    except OSError:
        return "no log: the temporary directory is not writable"
    return str(crash_log())


def app_main(argv: list[str]) -> int:
    args = app_parser().parse_args(argv)
    config = config_from_args(args)
    check_readable("--init-weights", args.init_weights)
    check_writable("--save-weights", args.save_weights)
    try:  # the same checks as ctrl+r will make, before the app opens
        make_dataset(config)
        if args.init_weights:
            load_weights(Network(config.sizes, config.activation), args.init_weights)
    except DataError as error:
        raise UsageError("--data", str(error)) from None
    except WeightsError as error:
        raise UsageError("--init-weights", str(error)) from None
    from .app import run_app

    return run_app(
        config,
        autostart=args.autostart,
        init_weights=args.init_weights,
        save_weights=args.save_weights,
    )

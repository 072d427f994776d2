"""The ``backprop-tui`` command: the app, ``train`` (headless) and ``sweep``.

    backprop-tui [FLAGS] [--autostart] [--config FILE.toml]    the app, form prefilled
    backprop-tui train [FLAGS] [--json FILE] [--log-every N] [--quiet]
    backprop-tui sweep (--preset NAME | --vary KEY=V1,V2 | --sweep FILE.toml) [--out DIR]
    backprop-tui explain [FLAGS] [--sample I | --batch] [--steps N] [--json FILE]

Every bad input ends with one line naming the flag or file and exit status 2, never a traceback.
Only the app itself loads Textual, through the lazy import in :func:`app_main`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Sequence

from engine import Network, load_weights, make_dataset, memory, use_threads
from tui.crash import crash_line, write_crash_log

from .args import (
    USAGE_ERROR,
    Parser,
    UsageError,
    add_training_flags,
    input_errors,
    memory_budget,
    run_config,
    say,
)

COMMANDS = ("train", "sweep", "explain")


def app_parser() -> Parser:
    parser = Parser(
        prog="backprop-tui",
        description="Watch a small neural network learn by back-propagation, in the terminal. "
        "Subcommands: 'backprop-tui train --help' trains headless; 'backprop-tui sweep --help' "
        "runs the lab's experiments; 'backprop-tui explain --help' lays one step open.",
    )
    add_training_flags(parser)
    parser.add_argument("--autostart", action="store_true", help="start training at once")
    parser.add_argument(
        "--speed",
        metavar="EPOCHS_PER_SECOND",
        default="max",
        help="train at most this many epochs per second, to watch it learn, or 'max' [max]; "
        "f7 and f8 change it in the app",
    )
    parser.add_argument(
        "--ascii",
        action="store_true",
        help="draw only characters a Linux console font has: no braille, no rounded corners "
        "(the default when TERM=linux)",
    )
    return parser


def parse_speed(text: str) -> float | None:
    """--speed: "max" (None) or a positive number of epochs per second."""
    if text.strip().lower() == "max":
        return None
    try:
        speed = float(text)
    except ValueError:
        speed = float("nan")
    if not (0 < speed < float("inf")):
        raise UsageError("--speed", f"{text!r} is not 'max' or a number of epochs per second > 0")
    return speed


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``backprop-tui`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    if command is not None:
        _interrupt_on_termination()
    try:
        if command == "train":
            from .train import train_main

            return train_main(argv[1:])
        if command == "sweep":
            from .sweep import sweep_main

            return sweep_main(argv[1:])
        if command == "explain":
            from .explain import explain_main

            return explain_main(argv[1:])
        return app_main(argv)
    except SystemExit as done:  # argparse: --help, or a usage error already printed
        return done.code if isinstance(done.code, int) else USAGE_ERROR
    except UsageError as error:
        say(f"{prog_of(command)}: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        say("backprop-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. "| head": the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:  # a file that could not be read or written: a full disk, ...
        where = f"{error.filename}: " if error.filename else ""
        say(f"{prog_of(command)}: {where}{error.strerror or error}", file=sys.stderr)
        return USAGE_ERROR
    except Exception as error:  # a bug: one line for the user, the details in a file
        say(crash_line(error, write_crash_log()), file=sys.stderr)
        return 1


def _interrupt_on_termination() -> None:
    """SIGTERM and SIGHUP (a closed terminal) end a command as ctrl+c does: its worker
    processes are stopped and reaped, what it has is reported, nothing is left running."""

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, interrupt)


def prog_of(command: str | None) -> str:
    return f"backprop-tui {command}" if command else "backprop-tui"


def app_main(argv: list[str]) -> int:
    args = app_parser().parse_args(argv)
    config = run_config(args)
    use_threads(config.threads)  # the app's own NumPy work too; each run sets its own
    budget = memory_budget(args)
    speed = parse_speed(args.speed)
    plain = args.ascii or os.environ.get("TERM", "").startswith("linux")
    with input_errors():  # the same checks as ctrl+r will make, before the app opens
        memory.check(config, make_dataset(config).n, budget)
        if args.init_weights:
            load_weights(Network.of(config), args.init_weights)
    from tui.app import run_app  # the only way into Textual from the command line

    return run_app(
        config,
        autostart=args.autostart,
        init_weights=args.init_weights,
        save_weights=args.save_weights,
        budget=budget,
        speed=speed,
        plain=plain,
    )

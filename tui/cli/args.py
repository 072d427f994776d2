"""What every command shares: the training flags, their parsing into a Config, usage errors
(one line naming the flag or file, exit status 2) and early checks of input and output files."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

from engine import (
    DATASETS,
    Config,
    ConfigError,
    DataError,
    Run,
    WeightsError,
    load_toml,
    make_dataset,
    memory,
    use_threads,
)
from engine.config import SETTINGS, applies
from engine.files import UnreadableFile, check_regular
from engine.memory import BUDGET_FRACTION, MemoryBudgetError, default_budget, parse_size
from engine.weights import MAX_WEIGHTS_BYTES

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


def add_training_flags(parser: argparse.ArgumentParser, weights: bool = True) -> None:
    """The training flags shared by the app, ``train`` and ``sweep``: one per setting of the
    config, --config, and (not for sweeps) --init-weights and --save-weights."""
    group = parser.add_argument_group("training settings (defaults in brackets)")
    for name, setting in SETTINGS.items():
        default = setting.default
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        choices = "{" + ",".join(setting.choices) + "}" if setting.choices else None
        group.add_argument(
            flag(name),
            dest=name,
            metavar=choices or setting.metavar,
            help=setting.help + (f" [{shown}]" if shown is not None else ""),
        )
    group.add_argument("--config", metavar="FILE.toml", help="start from a saved config")
    group.add_argument(
        "--max-memory",
        metavar="SIZE",
        help="refuse runs that would need more memory than this, e.g. 4G or 500M "
        f"[{int(BUDGET_FRACTION * 100)}%% of the memory available]",
    )
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
    return apply_flags(base, args)


def apply_flags(base: Config, args: argparse.Namespace) -> Config:
    """``base`` with the settings given on the command line. A setting and the one it replaces
    given together (--dataset and --data), or a setting that a CSV file leaves without effect
    given beside it (--samples, --noise with --data), is a usage error naming both."""
    values = {name: getattr(args, name) for name in SETTINGS if getattr(args, name) is not None}
    for name, setting in SETTINGS.items():
        replaced = setting.replaces
        if replaced in values and name in values:
            raise UsageError(flag(name), f"give either {flag(replaced)} or {flag(name)}, not both")
        if replaced in values:
            values[name] = None  # e.g. a dataset named on the command line wins over a file's data
    try:
        config = Config.from_values(values, base)
    except ConfigError as error:
        raise UsageError(flag(error.field), error.reason) from None
    if config.data:
        where = "--data" if "data" in values else f"--config {args.config} (data = {config.data})"
        for name in values:
            if _file_leaves_unused(name, config):
                raise UsageError(
                    flag(name), f"cannot be used with {where}: the points come from the CSV file"
                )
    return config


def _file_leaves_unused(name: str, config: Config) -> bool:
    """Whether the setting would apply to some built-in dataset but not to the config's file."""
    if applies(name, config):
        return False
    built_in = (dataclasses.replace(config, data=None, dataset=d) for d in DATASETS)
    return any(applies(name, c) for c in built_in)


def check_readable(option: str, path: str | None) -> None:
    """Fail early, before any training, when an input weights file cannot be read."""
    if path is not None:
        try:
            check_regular(path, MAX_WEIGHTS_BYTES, "weights file")
        except UnreadableFile as error:
            raise UsageError(option, f"{path}: {error}") from None


def check_writable(option: str, path: str | None) -> None:
    """Fail early, before any training, when an output file could not be written."""
    if path is None:
        return
    with _path_errors(option, path):
        target = Path(path)
        if target.is_dir():
            raise UsageError(option, f"{path}: is a directory")
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(option, f"{path}: directory {str(parent)!r} does not exist")
        if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
            raise UsageError(option, f"{path}: not writable")


def check_directory(option: str, path: str | None, force: bool) -> None:
    """Fail early, before any training, when results could not be written into ``path`` (a
    directory, made here if missing), or would replace files there without --force."""
    if path is None:
        return
    with _path_errors(option, path):
        target = Path(path)
        if target.exists() and not target.is_dir():
            raise UsageError(option, f"{path}: is a file, not a directory")
        if target.is_dir():
            if not os.access(target, os.W_OK | os.X_OK):
                raise UsageError(option, f"{path}: not writable")
            if any(target.iterdir()) and not force:
                raise UsageError(option, f"{path}: not empty (--force writes into it anyway)")
            return
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(option, f"{path}: directory {str(parent)!r} does not exist")
        target.mkdir()  # made now, so that a place it cannot be made fails before training


def check_figures(option: str) -> None:
    """Fail early, before any training, when figures are asked for without matplotlib."""
    from tui.figures import FiguresMissing, require

    try:
        require()
    except FiguresMissing as error:
        raise UsageError(option, str(error)) from None


@contextmanager
def _path_errors(option: str, path: str) -> Iterator[None]:
    """A path the system refuses (a NUL, a name too long) as a usage error naming the flag."""
    if "\0" in path:
        raise UsageError(option, f"{path!r}: the name holds a NUL character")
    try:
        yield
    except ValueError:
        raise UsageError(option, f"{path!r}: the name holds a NUL character") from None
    except OSError as error:
        raise UsageError(option, f"{path}: {error.strerror or error}") from None


def positive_int(option: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(option, f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise UsageError(option, f"must be a whole number >= 1, got {value}")
    return value


def memory_budget(args: argparse.Namespace) -> int | None:
    """--max-memory in bytes, or the default share of the memory available now."""
    if args.max_memory is None:
        return default_budget()
    try:
        return parse_size(args.max_memory)
    except ValueError:
        reason = f"must be a size such as 4G, 500M or 2000000000, got {args.max_memory!r}"
        raise UsageError("--max-memory", reason) from None


def run_config(args: argparse.Namespace) -> Config:
    """The config of a run the flags describe, with --init-weights readable and
    --save-weights writable: checked before any training."""
    config = config_from_args(args)
    check_readable("--init-weights", args.init_weights)
    check_writable("--save-weights", args.save_weights)
    return config


def set_up_run(args: argparse.Namespace) -> Run:
    """The run the flags describe, ready to train: its config (:func:`run_config`), BLAS
    limited to its threads before any NumPy work, --json writable, its data made and its memory
    need within the budget. Every refusal is a UsageError naming its flag or file."""
    config = run_config(args)
    use_threads(config.threads)  # one thread unless --threads N
    check_writable("--json", args.json)
    budget = memory_budget(args)
    with input_errors():
        data = make_dataset(config)
        memory.check(config, data.n, budget)
        return Run(config, data, init_weights=args.init_weights)


@contextmanager
def input_errors() -> Iterator[None]:
    """An unusable data or weights file as a usage error naming its flag."""
    try:
        yield
    except DataError as error:
        raise UsageError(error.flag, str(error)) from None
    except WeightsError as error:
        raise UsageError("--init-weights", str(error)) from None
    except MemoryBudgetError as error:
        raise UsageError("--max-memory", str(error)) from None

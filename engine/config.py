"""The training configuration: one frozen dataclass, each setting declared once.

Every field of :class:`Config` is one ``setting(...)`` declaration: its default, the form's
label, its kind (how text is parsed, which values are allowed), the help text and when it
applies. Adding a setting is one declaration here, plus the engine code that uses it. The
command line, the app's form, TOML files and the report's labels are all derived from
:data:`SETTINGS`, and all build a config through :meth:`Config.from_values`, which accepts text
("0.5", "4,4") or typed values, so a bad value is reported with the same words everywhere:
``ConfigError(field, reason)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from .activations import ACTIVATIONS
from .datasets import DATASETS
from .features import DEFAULT_FEATURES, FEATURES
from .files import UnreadableFile, read_regular, write_text
from .kinds import (
    MAX_EPOCHS,
    MAX_HIDDEN_LAYERS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_THREADS,
    MAX_UNITS,
    ConfigError,
    Kind,
    file_path,
    fraction,
    layer_sizes,
    name_list,
    non_negative_number,
    one_of,
    positive_number,
    test_share,
    thread_count,
    whole_number,
)
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .schedules import DEFAULT_GAMMA, SCHEDULES

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

# --- when a setting applies ---------------------------------------------------------------------


def always(config: Config) -> bool:
    return True


def without_file(config: Config) -> bool:
    """Not when a CSV file replaces the built-in datasets."""
    return not config.data


def generated(uses: str) -> Callable[[Config], bool]:
    """For a built-in dataset (no CSV file) whose Generator ``uses`` it (uses_samples...)."""
    return lambda config: not config.data and getattr(DATASETS[config.dataset], uses)


def batched(config: Config) -> bool:
    """For the optimizers whose batch size can be set."""
    return OPTIMIZERS[config.optimizer].uses_batch_size


def scheduled(uses: str | None = None) -> Callable[[Config], bool]:
    """For a schedule other than constant (that ``uses`` it: uses_gamma, uses_step_every)."""
    if uses is None:
        return lambda config: config.schedule != "constant"
    return lambda config: getattr(SCHEDULES[config.schedule], uses)


# --- the declaration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One setting, from which every surface is derived: its default, the form's label, the help
    (--help, the form's tooltip), parse and check (see :class:`Kind`), the CLI's metavar, the
    registry it names. ``applies(config)``: whether it means anything to that config (the form
    disables it, a report shows None); ``blank``: what an empty field means (the form's
    placeholder); ``replaces``: the setting this one stands in for when given (a report shows its
    file name under that name; naming both on the command line is an error)."""

    default: Any
    label: str
    help: str
    parse: Callable[[str, Any], Any]
    check: Callable[[str, Any], None]
    metavar: str | None
    choices: Mapping[str, Any] | None
    applies: Callable[[Config], bool] = always
    blank: str = ""
    replaces: str | None = None
    quiet: bool = False
    """At its default in every run, a report's base line leaves it out (a penalty of 0)."""
    live: bool = False
    """It can change while a run trains, without a restart (RunControl.retune)."""
    recorded: Callable[[Config], bool] = always
    """Whether a config's plain values (JSON summaries, TOML files) hold it: a setting that
    changes nothing for the config may be left out, so its files read as before it existed."""


def setting(default: Any, label: str, kind: Kind, help: str, **more: Any) -> Any:
    """A Config field declared with its :class:`Setting` (see there for ``more``)."""
    record = Setting(
        default, label, help, kind.parse, kind.check, kind.metavar, kind.choices, **more
    )
    return field(default=default, metadata={"setting": record})


@dataclass(frozen=True)
class Config:
    """Everything that decides a training run; the same config and seed give the same run."""

    dataset: str = setting(
        "xor",
        "Dataset",
        one_of(DATASETS, "dataset"),
        "built-in dataset: " + ", ".join(DATASETS),
        applies=without_file,
    )
    data: str | None = setting(
        None,
        "CSV file",
        file_path(),
        "CSV file of x1,x2,label rows; replaces the dataset",
        replaces="dataset",
    )
    samples: int = setting(
        100,
        "Samples",
        whole_number(2, MAX_SAMPLES),
        f"points to generate (2..{MAX_SAMPLES}); xor has its fixed 21",
        applies=generated("uses_samples"),
    )
    noise: float = setting(
        0.0,
        "Noise",
        fraction(),
        "jitter of the generated points, 0..1; not for xor",
        applies=generated("uses_noise"),
    )
    features: tuple[str, ...] = setting(
        DEFAULT_FEATURES,
        "Features",
        name_list(FEATURES, "feature"),
        "the inputs the first layer takes, in order, comma separated: x1, x2, x1sq (x1^2), "
        "x2sq, x1x2 (x1*x2), sinx1 (sin x1), sinx2",
        quiet=True,
    )
    hidden: tuple[int, ...] = setting(
        (4, 4),
        "Hidden",
        layer_sizes(),
        f"hidden layer sizes, comma separated: 1..{MAX_HIDDEN_LAYERS} layers of 1..{MAX_UNITS}",
    )
    activation: str = setting(
        "sigmoid",
        "Activation",
        one_of(ACTIVATIONS, "activation"),
        "hidden activation: " + ", ".join(ACTIVATIONS),
    )
    optimizer: str = setting(
        "gd", "Optimizer", one_of(OPTIMIZERS, "optimizer"), "optimizer: " + ", ".join(OPTIMIZERS)
    )
    batch_size: int | None = setting(
        None,
        "Batch size",
        whole_number(1, MAX_SAMPLES, optional=True),
        "samples per step for minibatch (default 32), momentum and adam (default all)",
        applies=batched,
        blank="auto",
    )
    lr: float = setting(
        2.0, "Learn rate", positive_number(), "learning rate, a number > 0", live=True
    )
    schedule: str = setting(
        "constant",
        "Schedule",
        one_of(SCHEDULES, "schedule"),
        "learning-rate schedule, stepped every epoch as torch's: constant, step (times gamma "
        "every --step-every epochs), exp (times gamma every epoch), cosine (to 0 over the epochs)",
        quiet=True,
        live=True,
        recorded=scheduled(),
    )
    step_every: int = setting(
        1000,
        "Step every",
        whole_number(1, MAX_EPOCHS),
        f"epochs between the step schedule's decays (1..{MAX_EPOCHS})",
        applies=scheduled("uses_step_every"),
        quiet=True,
        live=True,
        recorded=scheduled("uses_step_every"),
    )
    gamma: float | None = setting(
        None,
        "Gamma",
        positive_number(optional=True),
        "decay factor > 0 of the step and exp schedules (default "
        + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_GAMMA.items())
        + ")",
        applies=scheduled("uses_gamma"),
        blank="auto",
        quiet=True,
        live=True,
        recorded=scheduled("uses_gamma"),
    )
    epochs: int = setting(
        10000, "Epochs", whole_number(1, MAX_EPOCHS), f"passes over the data (1..{MAX_EPOCHS})"
    )
    seed: int = setting(
        1,
        "Seed",
        whole_number(0, MAX_SEED),
        "seed of the data, the initial weights and the shuffling",
    )
    loss: str = setting("mse", "Loss", one_of(LOSSES, "loss"), "loss: " + ", ".join(LOSSES))
    test_fraction: float = setting(
        0.0,
        "Test part",
        test_share(),
        "share of the samples held out to test on, 0 <= F < 1, drawn from the seed and "
        "stratified by label (0: train on every sample)",
        quiet=True,
    )
    l2: float = setting(
        0.0,
        "L2 rate",
        non_negative_number(),
        "L2 regularisation lambda >= 0: adds lambda/2 * sum(w^2) over the weights (not the "
        "biases) to the loss",
        quiet=True,
        live=True,
    )
    l1: float = setting(
        0.0,
        "L1 rate",
        non_negative_number(),
        "L1 regularisation lambda >= 0: adds lambda * sum(|w|) over the weights (not the "
        "biases) to the loss",
        quiet=True,
        live=True,
    )
    threads: int | None = setting(
        None,
        "Threads",
        thread_count(),
        f"BLAS threads for the matrix products, 1..{MAX_THREADS} [1]: changes the speed, "
        "never the results (see the README)",
        blank="1",
    )
    """None (not set): the process's choice (engine.blas.for_training), 1 unless chosen; the
    flags, the form and a report show it only where it is set."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            f.metadata["setting"].check(f.name, getattr(self, f.name))

    @classmethod
    def from_values(cls, values: Mapping[str, Any], base: Config | None = None) -> Config:
        """A config from ``base`` (default: the defaults) with ``values`` replaced.

        Values may be text, as typed on the command line or in the form, or typed values from a
        TOML file. Raises ConfigError naming the first bad field.
        """
        base = cls() if base is None else base
        known = {f.name: f.metadata["setting"] for f in dataclasses.fields(base)}
        parsed = {}
        for name, value in values.items():
            if name not in known:
                raise ConfigError(name, "unknown setting (known: " + ", ".join(known) + ")")
            parsed[name] = known[name].parse(name, value)
        return dataclasses.replace(base, **parsed)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (hidden as a list), as stored in JSON summaries: those it records (a
        schedule's settings where it has one, see Setting.recorded)."""
        values = dataclasses.asdict(self)
        values["hidden"] = list(self.hidden)
        values["features"] = list(self.features)
        if self.features == DEFAULT_FEATURES:  # as every summary read before features came
            del values["features"]
        for name, s in SETTINGS.items():
            if not s.recorded(self):
                del values[name]
        return values

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes [F, h1, ..., hk, 1], F the number of input features (2: x1, x2)."""
        return (len(self.features), *self.hidden, 1)


SETTINGS: dict[str, Setting] = {f.name: f.metadata["setting"] for f in dataclasses.fields(Config)}
"""Every setting of a Config, in the order the form and ``--help`` show them."""

CHOICES: dict[str, Mapping[str, Any]] = {
    name: s.choices for name, s in SETTINGS.items() if s.choices is not None
}
"""The settings that name a registry entry, and their registries (the choices offered)."""


def help_text(name: str) -> str:
    """The one-line description of a config field."""
    return SETTINGS[name].help


def applies(name: str, config: Config) -> bool:
    """Whether a setting means anything to the config (samples not for xor, ...)."""
    return SETTINGS[name].applies(config)


LIVE: tuple[str, ...] = tuple(name for name, s in SETTINGS.items() if s.live)
"""The settings that can change while a run trains (engine.control.RunControl.retune)."""


# --- TOML files: read by tomllib, written by tomli-w --------------------------------------------


MAX_TOML_BYTES = 2**20
"""The largest TOML file read: a config or a sweep takes a few hundred bytes."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """A TOML file's tables; ConfigError naming the file when it is missing or malformed."""
    path = Path(path).expanduser()
    try:
        return tomllib.loads(read_regular(path, MAX_TOML_BYTES, "TOML file").decode("utf-8"))
    except UnreadableFile as error:
        raise ConfigError(str(path), str(error)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"not a valid TOML file ({error})") from None


def load_toml(path: str | Path, base: Config | None = None) -> Config:
    """Read a config saved by :func:`save_toml` (any subset of the fields).

    Raises ConfigError whose field is the file's path for unreadable or malformed files, and
    ``"<path>: <field>"`` for a bad value in it.
    """
    values = read_toml(path)
    try:
        return Config.from_values(values, base)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error.field}", error.reason) from None


def toml_table(config: Config) -> dict[str, Any]:
    """The config as a TOML table: its plain values, without those that are None (not set)."""
    return {name: value for name, value in config.to_dict().items() if value is not None}


def write_toml(document: Mapping[str, Any]) -> str:
    """TOML text of a document of tables and plain values (the one TOML writer)."""
    return tomli_w.dumps(document)


def to_toml(config: Config) -> str:
    """The config as TOML text: one ``key = value`` line per field that is set."""
    return write_toml(toml_table(config))


def save_toml(config: Config, path: str | Path) -> None:
    """Write the config to a TOML file that :func:`load_toml` reads back to an equal config."""
    write_text(path, to_toml(config))

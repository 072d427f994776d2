"""The training configuration: one frozen dataclass, validated in one place.

The command line, TOML files and the app's form all build a :class:`Config` through
:meth:`Config.from_values`, which accepts text ("0.5", "4,4") or typed values, so a bad value is
reported with the same words everywhere: ``ConfigError(field, reason)``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .activations import ACTIVATIONS
from .datasets import DATASETS
from .losses import LOSSES
from .optimizers import OPTIMIZERS

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 1024
MAX_SAMPLES = 1_000_000
MAX_EPOCHS = 10_000_000
MAX_SEED = 2**32 - 1


class ConfigError(ValueError):
    """A setting that cannot be used: ``field`` names it, ``reason`` says what is allowed."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _help(text: str, default: Any) -> Any:
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True)
class Config:
    """Everything that decides a training run; the same config and seed give the same run."""

    dataset: str = _help("built-in dataset: " + ", ".join(DATASETS), "xor")
    data: str | None = _help("CSV file of x1,x2,label rows; replaces the dataset", None)
    samples: int = _help(f"points to generate (2..{MAX_SAMPLES}); xor has its fixed 21", 100)
    noise: float = _help("jitter of the generated points, 0..1; not for xor", 0.0)
    hidden: tuple[int, ...] = _help(
        f"hidden layer sizes, comma separated: 1..{MAX_HIDDEN_LAYERS} layers of 1..{MAX_UNITS}",
        (4, 4),
    )
    activation: str = _help("hidden activation: " + ", ".join(ACTIVATIONS), "sigmoid")
    optimizer: str = _help("optimizer: " + ", ".join(OPTIMIZERS), "gd")
    batch_size: int | None = _help(
        "samples per step for minibatch (default 32), momentum and adam (default all)", None
    )
    lr: float = _help("learning rate, a number > 0", 2.0)
    epochs: int = _help(f"passes over the data (1..{MAX_EPOCHS})", 10000)
    seed: int = _help("seed of the data, the initial weights and the shuffling", 1)
    loss: str = _help("loss: " + ", ".join(LOSSES), "mse")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check(f.name, getattr(self, f.name))

    @classmethod
    def from_values(cls, values: Mapping[str, Any], base: Config | None = None) -> Config:
        """A config from ``base`` (default: the defaults) with ``values`` replaced.

        Values may be text, as typed on the command line or in the form, or typed values from a
        TOML file. Raises ConfigError naming the first bad field.
        """
        parsed = {}
        for name, value in values.items():
            if name not in _PARSERS:
                raise ConfigError(name, "unknown setting (known: " + ", ".join(_PARSERS) + ")")
            parsed[name] = _PARSERS[name](name, value)
        return dataclasses.replace(base or cls(), **parsed)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (hidden as a list), as stored in JSON summaries."""
        values = dataclasses.asdict(self)
        values["hidden"] = list(self.hidden)
        return values

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes [2, h1, ..., hk, 1]."""
        return (2, *self.hidden, 1)


CHOICES: dict[str, Mapping[str, Any]] = {
    "dataset": DATASETS,
    "activation": ACTIVATIONS,
    "optimizer": OPTIMIZERS,
    "loss": LOSSES,
}
"""The settings that name a registry entry, and their registries (the choices offered)."""


def help_text(name: str) -> str:
    """The one-line description of a config field."""
    return _FIELDS[name].metadata["help"]


_FIELDS = {f.name: f for f in dataclasses.fields(Config)}


# --- validation: one checker per field --------------------------------------------------------


def _choice(table: Mapping[str, Any], what: str) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        if value not in table:
            raise ConfigError(name, f"unknown {what} {value!r} (choose from {', '.join(table)})")

    return check


def _int_range(low: int, high: int) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(name, f"must be a whole number from {low} to {high}, got {value!r}")

    return check


def _check_noise(name: str, value: Any) -> None:
    if not _is_real(value) or not 0.0 <= value <= 1.0:
        raise ConfigError(name, f"must be a number from 0 to 1, got {value!r}")


def _check_lr(name: str, value: Any) -> None:
    if not _is_real(value) or not math.isfinite(value) or value <= 0:
        raise ConfigError(name, f"must be a number > 0, got {value!r}")


def _check_hidden(name: str, value: Any) -> None:
    ok = (
        isinstance(value, tuple)
        and 1 <= len(value) <= MAX_HIDDEN_LAYERS
        and all(isinstance(u, int) and not isinstance(u, bool) for u in value)
        and all(1 <= u <= MAX_UNITS for u in value)
    )
    if not ok:
        raise ConfigError(
            name,
            f"must be 1 to {MAX_HIDDEN_LAYERS} layer sizes from 1 to {MAX_UNITS}, "
            f"comma separated (e.g. 4,4), got {_show_hidden(value)}",
        )


def _check_data(name: str, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(name, f"must be the path of a CSV file, got {value!r}")


def _check_batch_size(name: str, value: Any) -> None:
    if value is not None:
        _int_range(1, MAX_SAMPLES)(name, value)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show_hidden(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "nothing"
    return repr(value)


_CHECKS: dict[str, Callable[[str, Any], None]] = {
    "dataset": _choice(DATASETS, "dataset"),
    "data": _check_data,
    "samples": _int_range(2, MAX_SAMPLES),
    "noise": _check_noise,
    "hidden": _check_hidden,
    "activation": _choice(ACTIVATIONS, "activation"),
    "optimizer": _choice(OPTIMIZERS, "optimizer"),
    "batch_size": _check_batch_size,
    "lr": _check_lr,
    "epochs": _int_range(1, MAX_EPOCHS),
    "seed": _int_range(0, MAX_SEED),
    "loss": _choice(LOSSES, "loss"),
}


def _check(name: str, value: Any) -> None:
    _CHECKS[name](name, value)


# --- parsing: text or typed value -> the field's type -------------------------------------------


def _parse_int(name: str, value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise ConfigError(name, f"must be a whole number, got {value!r}") from None
            if number.is_integer():
                return int(number)
            raise ConfigError(name, f"must be a whole number, got {value!r}") from None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _parse_optional_int(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto", "none")):
        return None
    return _parse_int(name, value)


def _parse_float(name: str, value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ConfigError(name, f"must be a number, got {value!r}") from None
    return value


def _parse_name(name: str, value: Any) -> Any:
    return value.strip().lower().replace("-", "_") if isinstance(value, str) else value


def _parse_path(name: str, value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _parse_hidden(name: str, value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        parts = [part.strip() for part in text.split(",")] if text else []
        try:
            return tuple(int(part) for part in parts)
        except ValueError:
            raise ConfigError(
                name, f"must be layer sizes, comma separated (e.g. 4,4), got {value!r}"
            ) from None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "dataset": _parse_name,
    "data": _parse_path,
    "samples": _parse_int,
    "noise": _parse_float,
    "hidden": _parse_hidden,
    "activation": _parse_name,
    "optimizer": _parse_name,
    "batch_size": _parse_optional_int,
    "lr": _parse_float,
    "epochs": _parse_int,
    "seed": _parse_int,
    "loss": _parse_name,
}


# --- TOML files -------------------------------------------------------------------------------


def read_toml(path: str | Path) -> dict[str, Any]:
    """A TOML file's tables; ConfigError naming the file when it is missing or malformed."""
    path = Path(path).expanduser()
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(str(path), "no such file") from None
    except IsADirectoryError:
        raise ConfigError(str(path), "is a directory, not a TOML file") from None
    except OSError as error:
        raise ConfigError(str(path), f"cannot read it ({error.strerror})") from None
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


def to_toml(config: Config) -> str:
    """The config as TOML text: one ``key = value`` line per field that is set."""
    lines = []
    for name, value in config.to_dict().items():
        if value is None:
            continue
        if isinstance(value, str):
            text = json.dumps(value)  # a JSON string is a valid TOML basic string
        elif isinstance(value, list):
            text = "[" + ", ".join(map(str, value)) + "]"
        else:
            text = repr(value)
        lines.append(f"{name} = {text}")
    return "\n".join(lines) + "\n"


def save_toml(config: Config, path: str | Path) -> None:
    """Write the config to a TOML file that :func:`load_toml` reads back to an equal config."""
    Path(path).write_text(to_toml(config), encoding="utf-8")

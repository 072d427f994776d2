"""Kinds of setting: how a setting's text (or a TOML value) becomes a value, and which values are
allowed. Each raises ConfigError naming the setting, with the same words on the command line, in
the form and for a TOML file; engine.config declares each setting with one of these."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 1024
MAX_SAMPLES = 1_000_000
MAX_EPOCHS = 10_000_000
MAX_SEED = 2**32 - 1
MAX_THREADS = 256


class ConfigError(ValueError):
    """A setting that cannot be used: ``field`` names it, ``reason`` says what is allowed."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# --- kinds: how a setting's text becomes a value, and which values are allowed ------------------


@dataclass(frozen=True)
class Kind:
    """``parse(name, text or value) -> value`` and ``check(name, value)``, both raising
    ConfigError; the CLI's metavar; the registry a value names, if any (its keys: the choices)."""

    parse: Callable[[str, Any], Any]
    check: Callable[[str, Any], None]
    metavar: str | None = None
    choices: Mapping[str, Any] | None = None


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


def _parse_float(name: str, value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ConfigError(name, f"must be a number, got {value!r}") from None
    return value


def _number(value: Any) -> str:
    """A rejected number as it was typed: -1, not -1.0."""
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def whole_number(low: int, high: int, optional: bool = False) -> Kind:
    """A whole number from low to high; ``optional``: also None, typed as "", "auto" or "none"."""

    def parse(name: str, value: Any) -> Any:
        blank = isinstance(value, str) and value.strip().lower() in ("", "auto", "none")
        return None if optional and (value is None or blank) else _parse_int(name, value)

    def check(name: str, value: Any) -> None:
        if optional and value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(name, f"must be a whole number from {low} to {high}, got {value!r}")

    return Kind(parse, check, "N")


def fraction() -> Kind:
    """A number from 0 to 1."""

    def check(name: str, value: Any) -> None:
        if not _is_real(value) or not 0.0 <= value <= 1.0:
            raise ConfigError(name, f"must be a number from 0 to 1, got {_number(value)}")

    return Kind(_parse_float, check, "F")


def positive_number(optional: bool = False) -> Kind:
    """A finite number > 0; ``optional``: also None, typed as "", "auto" or "none"."""

    def parse(name: str, value: Any) -> Any:
        blank = isinstance(value, str) and value.strip().lower() in ("", "auto", "none")
        return None if optional and (value is None or blank) else _parse_float(name, value)

    def check(name: str, value: Any) -> None:
        if optional and value is None:
            return
        if not _is_real(value) or not math.isfinite(value) or value <= 0:
            raise ConfigError(name, f"must be a number > 0, got {_number(value)}")

    return Kind(parse, check, "F")


def test_share() -> Kind:
    """A number from 0 up to, not including, 1."""

    def check(name: str, value: Any) -> None:
        if not _is_real(value) or not 0.0 <= value < 1.0:
            raise ConfigError(
                name, f"must be a number from 0 up to 1 (not 1), got {_number(value)}"
            )

    return Kind(_parse_float, check, "F")


def non_negative_number() -> Kind:
    """A finite number >= 0."""

    def check(name: str, value: Any) -> None:
        if not _is_real(value) or not math.isfinite(value) or value < 0:
            raise ConfigError(name, f"must be a number >= 0, got {_number(value)}")

    return Kind(_parse_float, check, "F")


def one_of(table: Mapping[str, Any], what: str) -> Kind:
    """A name from a registry ("Leaky-ReLU" reads as leaky_relu)."""

    def parse(name: str, value: Any) -> Any:
        return value.strip().lower().replace("-", "_") if isinstance(value, str) else value

    def check(name: str, value: Any) -> None:
        if not isinstance(value, str) or value not in table:  # a TOML list is no name either
            raise ConfigError(name, f"unknown {what} {value!r} (choose from {', '.join(table)})")

    return Kind(parse, check, choices=table)


def file_path() -> Kind:
    """An optional file path; blank text means none."""

    def parse(name: str, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value

    def check(name: str, value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(name, f"must be the path of a CSV file, got {value!r}")

    return Kind(parse, check, "FILE.csv")


def layer_sizes() -> Kind:
    """Hidden layer sizes: "4,4", [4, 4] or 4."""

    def parse(name: str, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",")] if value.strip() else []
            try:
                return tuple(int(part) for part in parts)
            except ValueError:
                raise ConfigError(
                    name, f"must be layer sizes, comma separated (e.g. 4,4), got {value!r}"
                ) from None
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,)
        return tuple(value) if isinstance(value, (list, tuple)) else value

    def check(name: str, value: Any) -> None:
        ok = (
            isinstance(value, tuple)
            and 1 <= len(value) <= MAX_HIDDEN_LAYERS
            and all(isinstance(u, int) and not isinstance(u, bool) for u in value)
            and all(1 <= u <= MAX_UNITS for u in value)
        )
        if not ok:
            shown = (
                ",".join(map(str, value)) or "nothing" if isinstance(value, tuple) else repr(value)
            )
            raise ConfigError(
                name,
                f"must be 1 to {MAX_HIDDEN_LAYERS} layer sizes from 1 to {MAX_UNITS}, "
                f"comma separated (e.g. 4,4), got {shown}",
            )

    return Kind(parse, check, "H1,H2")


def name_list(table: Mapping[str, Any], what: str) -> Kind:
    """Names from a registry, in order, each once: "x1,x2,x1sq", "x1+x2+x1sq" (the form a
    sweep's --vary takes, its values being split at commas) or a TOML list."""

    def parse(name: str, value: Any) -> Any:
        if isinstance(value, str):
            parts = value.replace("+", ",").split(",")
            return tuple(part.strip().lower() for part in parts if part.strip())
        return tuple(value) if isinstance(value, (list, tuple)) else value

    def check(name: str, value: Any) -> None:
        allowed = f"a comma list of {', '.join(table)}"
        if not isinstance(value, tuple) or not value:
            shown = "nothing" if value == () else repr(value)
            raise ConfigError(name, f"must be {allowed}; got {shown}")
        for item in value:
            if not isinstance(item, str) or item not in table:
                raise ConfigError(name, f"unknown {what} {item!r} (choose from {', '.join(table)})")
        twice = next((item for k, item in enumerate(value) if item in value[:k]), None)
        if twice is not None:
            raise ConfigError(name, f"{what} {twice!r} given twice")

    return Kind(parse, check, "F1,F2")


def thread_count() -> Kind:
    """BLAS threads: a whole number from 1 to MAX_THREADS, or None (blank): the default."""
    number = whole_number(1, MAX_THREADS, optional=True)

    def parse(name: str, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # "auto" or "none" would suggest something else than the default: 1
        return _parse_int(name, value)

    return Kind(parse, number.check, "N")

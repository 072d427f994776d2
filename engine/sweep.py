"""Sweeps: a base config and settings to vary, trained as the full grid of their values
(run by engine.parallel); saved and loaded as TOML; the presets of the lab's sections.

    sweep = Sweep.parse(base, ["lr=0.01,0.1,1", "dataset=linear,xor"])
    results = run_sweeps([sweep], jobs=2)           # one SweepResult per sweep

Each run keeps the seed of its config, so a sweep is reproducible. Runs that can share one
computation (see engine.trainer) are trained together; the groups are spread over ``jobs``
processes. Identical configs (two sections of a preset may share one) are trained once.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import CHOICES, Config, ConfigError, applies, read_toml, toml_table, write_toml
from .files import write_text


@dataclass(frozen=True)
class Sweep:
    """A base config and, per setting to vary, the values it takes; runs are the full grid."""

    base: Config
    vary: tuple[tuple[str, tuple], ...]
    """(setting, values) pairs, in the order the grid nests them."""
    name: str = "sweep"

    @classmethod
    def parse(cls, base: Config, specs: Sequence[str], name: str = "sweep") -> Sweep:
        """From ``KEY=V1,V2,...`` texts. For ``hidden`` a value is a size for every hidden layer
        of the base (``hidden=2,4`` on 4,4 gives 2,2 and 4,4) or layer sizes joined by ``x``
        (``hidden=8x4,16``). For ``features`` a value is feature names joined by ``+``
        (``features=x1+x2,x1sq+x2sq``). Raises ConfigError naming the setting."""
        vary = []
        for spec in specs:
            key, sep, text = spec.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or not text.strip():
                raise ConfigError(key or spec, f"expected KEY=VALUE,VALUE..., got {spec!r}")
            values = tuple(v.strip() for v in text.split(",") if v.strip())
            vary.append((key, values))
        return cls.of(base, vary, name)

    @classmethod
    def of(cls, base: Config, vary: Sequence[tuple[str, Sequence]], name: str = "sweep") -> Sweep:
        """Validated: every value of every setting must make a valid config."""
        checked, seen = [], set()
        for key, values in vary:
            if key in seen:
                raise ConfigError(key, "given twice")
            seen.add(key)
            if not values:
                raise ConfigError(key, "needs at least one value")
            parsed = tuple(_sweep_value(base, key, value) for value in values)
            checked.append((key, parsed))
        if base.data:
            # the settings the file takes the place of: they apply to some built-in dataset
            built_in = [dataclasses.replace(base, data=None, dataset=d) for d in CHOICES["dataset"]]
            for key, _ in checked:
                if not applies(key, base) and any(applies(key, c) for c in built_in):
                    raise ConfigError(
                        key, f"does not apply: every run reads the CSV file {base.data}"
                    )
        sweep = cls(base=base, vary=tuple(checked), name=name)
        sweep.configs()  # every combination must be a valid config
        return sweep

    def configs(self) -> list[Config]:
        """The runs: every combination of the varied values, the last setting varying fastest."""
        keys = [key for key, _ in self.vary]
        grids = itertools.product(*(values for _, values in self.vary))
        return [dataclasses.replace(self.base, **dict(zip(keys, combo))) for combo in grids]

    def to_toml(self) -> str:
        """The sweep as TOML text: its name, [base] settings and [vary] lists."""
        vary = {key: [_plain(v) for v in values] for key, values in self.vary}
        return write_toml({"name": self.name, "base": toml_table(self.base), "vary": vary})


def _sweep_value(base: Config, key: str, value):
    if key == "hidden":
        if isinstance(value, int) and not isinstance(value, bool):
            value = (value,) * len(base.hidden)
        elif isinstance(value, str):
            parts = value.lower().split("x")
            value = parts[0] if len(parts) == 1 else ",".join(parts)
            if len(parts) == 1 and parts[0].strip().isdigit():
                value = (int(parts[0]),) * len(base.hidden)
    config = Config.from_values({key: value}, base)
    return getattr(config, key)


def _plain(value):
    """A varied value as TOML holds it: layer sizes as a list, None as "" (which reads back
    as None)."""
    if isinstance(value, tuple):
        return list(value)
    return "" if value is None else value


def save_sweep(sweep: Sweep, path: str | Path) -> None:
    """Write the sweep to a TOML file that :func:`load_sweep` reads back to an equal sweep."""
    write_text(path, sweep.to_toml())


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep written by :func:`save_sweep` ([base] settings, [vary] lists, a name)."""
    path = Path(path)
    data = read_toml(path)
    for key, kind in (("base", dict), ("vary", dict), ("name", str)):
        if key in data and not isinstance(data[key], kind):
            what = "a table" if kind is dict else "a string"
            raise ConfigError(str(path), f"{key} must be {what}, got {data[key]!r}")
    unknown = set(data) - {"name", "base", "vary"}
    if unknown:
        raise ConfigError(
            str(path), f"unknown key {sorted(unknown)[0]!r} (known: name, base, vary)"
        )
    try:
        base = Config.from_values(data.get("base", {}))
        vary = [(k, v if isinstance(v, list) else [v]) for k, v in data.get("vary", {}).items()]
        return Sweep.of(base, vary, str(data.get("name", path.stem)))
    except ConfigError as error:
        raise ConfigError(f"{path}: {error.field}", error.reason) from None


# --- presets: the lab's discussion and extra sections, on both datasets ------------------------

PRESET_BASE = Config(epochs=5000)
"""The presets' base: the default network (sigmoid 4,4, mse, gd, lr 2), 5000 epochs."""

_SECTIONS = {
    "learning-rates": [("lr", (0.1, 0.5, 2.0, 8.0))],
    "hidden-units": [("hidden", (1, 2, 4, 8, 16))],
    "no-activation": [("activation", ("sigmoid", "none"))],
    "optimizers": [("optimizer", ("gd", "sgd", "minibatch", "momentum", "adam"))],
    "activations": [("activation", ("sigmoid", "tanh", "relu", "leaky_relu"))],
}
_SECTION_BASES = {
    "optimizers": Config(epochs=500, lr=0.5),
    "activations": Config(epochs=2000, lr=0.5),
}


_FAILURE_MODES = {
    # gd on xor at three learning rates: learns (8); goes up and down for good, never learning
    # (30: the "loss rises" column); every output stuck at 0 or 1 (1000: saturated)
    "too-high-lr": (Config(epochs=2000), [("lr", (8.0, 30.0, 1000.0))]),
    # no hidden activation: a huge learning rate makes the weights overflow -> diverged
    "divergence": (
        Config(dataset="linear", activation="none", epochs=500),
        [("lr", (0.5, 1e200))],
    ),
    # relu at a high learning rate: most hidden units end up outputting 0 on every sample
    # (seed 3: none die at lr 0.5, 6 of 8 at lr 5, stuck at chance)
    "dead-relu": (Config(activation="relu", epochs=2000, seed=3), [("lr", (0.5, 5.0))]),
    # five sigmoid layers: the gradient fades on its way down, the loss stays near 0.25 (chance)
    # where two layers, or tanh, learn
    "deep-sigmoid": (
        Config(dataset="linear", epochs=2000, lr=0.5),
        [("hidden", ((8, 8), (8, 8, 8, 8, 8))), ("activation", ("sigmoid", "tanh"))],
    ),
}
"""The failure-modes preset: per section, its base and what it varies."""


_HELD_OUT = Config(
    samples=120,
    noise=0.3,
    test_fraction=0.5,
    hidden=(32, 32),
    activation="tanh",
    optimizer="adam",
    lr=0.01,
    epochs=2000,
)
"""The overfitting presets' base: noisy data, half of it held out, a large network, Adam."""
_GENERALISATION = {
    # the test loss falls, then rises while the training loss keeps falling
    # (seed 1: its last test loss is 41% above its lowest on spiral, 113% on gauss)
    "overfitting": [("dataset", ("spiral", "gauss"))],
    # the same with an L2 penalty: a larger lambda, a smaller gap (41 -> 12 -> 3 -> 0% on
    # spiral, 113 -> 90 -> 16 -> 1% on gauss)
    "regularisation": [("l2", (0.0, 0.001, 0.003, 0.01)), ("dataset", ("spiral", "gauss"))],
}
"""The presets of what follows the lab: held-out data, overfitting and regularisation."""


def preset(name: str) -> list[Sweep]:
    """A preset by name: one of the lab's sections, "lab" for all of them, or "failure-modes"
    (runs that show what goes wrong: too high a learning rate, divergence, dead ReLUs, a deep
    sigmoid net)."""
    if name == "lab":
        return [sweep for section in _SECTIONS for sweep in preset(section)]
    if name == "failure-modes":
        return [Sweep.of(base, vary, section) for section, (base, vary) in _FAILURE_MODES.items()]
    if name in _GENERALISATION:
        return [Sweep.of(_HELD_OUT, _GENERALISATION[name], name)]
    if name not in _SECTIONS:
        raise ConfigError("preset", f"unknown preset {name!r} (choose from {', '.join(PRESETS)})")
    base = _SECTION_BASES.get(name, PRESET_BASE)
    return [Sweep.of(base, [*_SECTIONS[name], ("dataset", ("linear", "xor"))], name)]


PRESETS = ["lab", *_SECTIONS, "failure-modes", *_GENERALISATION]
"""Preset names: "lab" runs every section of the lab; "failure-modes" what goes wrong;
"overfitting" and "regularisation" what held-out data shows."""

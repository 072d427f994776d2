"""Engine speed: microseconds per epoch, the engine beside a straightforward reference.

    python benchmarks/engine_speed.py [--quick]

Each case trains the default network shape (or the given one) with sigmoid hidden units and
MSE, once with the engine (iterating a Run, so its per-epoch bookkeeping -- loss, accuracy,
the EpochResult -- is timed) and once with ``reference.py`` (layer objects in the seed lab's
style, computing the same loss and accuracy per epoch). The two alternate round by round in one
process and the fastest round of each is kept, so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import NN  # noqa: E402

from engine import Config, Run, make_dataset  # noqa: E402


def engine_seconds_per_epoch(config: Config, epochs: int) -> float:
    run = Run(Config.from_values({"epochs": epochs}, config))
    start = time.perf_counter()
    for _ in run:
        pass
    return (time.perf_counter() - start) / epochs


def reference_seconds_per_epoch(config: Config, epochs: int) -> float:
    data = make_dataset(config)
    batch = {"gd": None, "sgd": 1, "minibatch": config.batch_size or 32}[config.optimizer]
    nn = NN(config.hidden, config.activation, config.lr, batch, seed=config.seed)
    x, y = data.x, data.y.reshape(-1, 1)
    start = time.perf_counter()
    for _ in range(epochs):
        nn.train_epoch(x, y)
    return (time.perf_counter() - start) / epochs


def side_by_side(config: Config, rounds: int, budget: float) -> tuple[float, float]:
    """Fastest seconds per epoch of (engine, reference), alternating rounds of ~budget seconds."""
    probe = max(reference_seconds_per_epoch(config, 1), 1e-6)
    epochs = max(1, int(budget / probe))
    best_engine = best_reference = float("inf")
    for _ in range(rounds):
        best_engine = min(best_engine, engine_seconds_per_epoch(config, epochs))
        best_reference = min(best_reference, reference_seconds_per_epoch(config, epochs))
    return best_engine, best_reference


def row(label: str, config: Config, rounds: int, budget: float) -> None:
    engine, reference = side_by_side(config, rounds, budget)
    print(
        f"{label:34s} {engine * 1e6:12.1f} {reference * 1e6:12.1f} {reference / engine:8.2f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    args = parser.parse_args()
    rounds, budget = (3, 0.05) if args.quick else (7, 0.2)
    base = Config(activation="sigmoid", loss="mse", lr=1.0, seed=0)

    def config(**values):
        return Config.from_values(values, base)

    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    print(f"{'case':34s} {'engine us':>12s} {'ref us':>12s} {'speedup':>9s}")
    print("-- per epoch, default network 2-4-4-1")
    row("gd linear(100)", config(dataset="linear", samples=100), rounds, budget)
    row("gd xor(21)", config(dataset="xor"), rounds, budget)
    row("sgd linear(100)", config(dataset="linear", samples=100, optimizer="sgd"), rounds, budget)
    print("-- cost against n (linear)")
    for n in (100, 1_000, 10_000, 100_000):
        row(f"gd n={n}", config(dataset="linear", samples=n), rounds, budget)
    for n in (100, 1_000, 10_000, 100_000):
        mb = config(dataset="linear", samples=n, optimizer="minibatch", batch_size=32)
        row(f"minibatch 32 n={n}", mb, rounds, budget)
    print("-- cost against hidden size (gd, linear(100), two hidden layers)")
    for units in (4, 16, 64, 256):
        row(
            f"gd hidden={units},{units}",
            config(dataset="linear", hidden=(units, units)),
            rounds,
            budget,
        )


if __name__ == "__main__":
    main()

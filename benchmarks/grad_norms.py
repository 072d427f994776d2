"""The cost of recording gradient norms: engine epochs per second with and without it.

    python benchmarks/grad_norms.py [--rounds K]

Every epoch the engine records each layer's gradient norm (two NumPy calls on the epoch's last
gradient). Each case trains once with the recording on and once with it off, alternating round
by round in one process; the fastest round of each is kept, so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Config, Run  # noqa: E402

CASES = [
    ("gd xor (21 samples)", Config(dataset="xor", epochs=20000)),
    ("gd linear (100)", Config(dataset="linear", epochs=20000)),
    ("sgd linear (100)", Config(dataset="linear", optimizer="sgd", epochs=300)),
    (
        "adam spiral (300), 16,16",
        Config(dataset="spiral", samples=300, hidden=(16, 16), optimizer="adam", epochs=3000),
    ),
]


def seconds(config: Config, record: bool) -> float:
    run = Run(config)
    run.trainer.record_norms = record
    start = time.perf_counter()
    for _ in run:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{'case':28s} {'with norms':>12s} {'without':>12s} {'cost':>7s}   (best of {args.rounds})"
    )
    for name, config in CASES:
        on = off = float("inf")
        for _ in range(args.rounds):
            on = min(on, seconds(config, True))
            off = min(off, seconds(config, False))
        rate_on, rate_off = config.epochs / on, config.epochs / off
        print(f"{name:28s} {rate_on:10,.0f}/s {rate_off:10,.0f}/s {1 - rate_on / rate_off:7.1%}")


if __name__ == "__main__":
    main()

"""The cost of recording gradient norms: engine epochs per second with and without it.

    python benchmarks/grad_norms.py [--rounds K]

Every epoch the engine copies its last gradient into a buffer (one NumPy call) and every 64
epochs sums the buffer's squares per layer. Each case trains with the recording on and off in
alternating pairs in one process; the median of the pairs' throughput ratios is printed with
its quartiles, so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

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
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    print(f"pairs of runs, with and without, alternating ({args.rounds} pairs): epochs/s ratio")
    print(f"{'case':28s} {'median':>8s} {'quartiles':>17s}   cost (1 - median)")
    for name, config in CASES:
        ratios = sorted(seconds(config, False) / seconds(config, True) for _ in range(args.rounds))
        q = len(ratios) // 4
        median = statistics.median(ratios)
        print(
            f"{name:28s} {median:8.3f} {ratios[q]:8.3f} {ratios[-q - 1]:8.3f}   {1 - median:6.1%}"
        )
    recording_alone()


def recording_alone() -> None:
    """The recording's own calls timed by themselves (a busy machine blurs a few per cent
    between whole runs): the copy each epoch and its share of the sum every 64 epochs,
    against an epoch of the smallest case, gd on xor, without them."""
    run = Run(Config(dataset="xor", epochs=2000))
    list(run)
    trainer, n = run.trainer, 100_000
    grad = trainer._grad  # noqa: SLF001

    def copy() -> None:
        np.copyto(trainer._grads[0], grad)  # noqa: SLF001

    def summed() -> None:
        trainer._pending = 64  # noqa: SLF001
        trainer._sum_norms()  # noqa: SLF001

    copying = min(timeit.repeat(copy, number=n, repeat=5)) / n
    summing = min(timeit.repeat(summed, number=n // 10, repeat=5)) / (n // 10) / 64
    epoch = min(seconds(Config(dataset="xor", epochs=5000), False) for _ in range(5)) / 5000
    share = (copying + summing) / epoch
    print(
        f"the recording alone: {copying * 1e6:.2f} us copy + {summing * 1e6:.3f} us sum per "
        f"epoch, {share:.1%} of a {epoch * 1e6:.0f} us gd xor epoch"
    )


if __name__ == "__main__":
    main()

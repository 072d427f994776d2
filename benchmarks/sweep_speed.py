"""A sweep against the same runs made one after another with the same engine, in one run.

    python benchmarks/sweep_speed.py [--jobs N]

Two workloads: the "lab" preset (every section, both datasets; configs shared between sections
trained once, as the sweep does) and a grid of 48 runs (8 learning rates x 6 seeds, xor, 2000
epochs). One after another means a plain ``Run`` per config in this process; the sweep batches
compatible runs into one computation and spreads the groups over ``--jobs`` processes (their
start-up included in its time).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Config, Run  # noqa: E402
from engine.parallel import run_sweeps  # noqa: E402
from engine.sweep import Sweep, preset  # noqa: E402


def one_after_another(configs: list[Config]) -> float:
    start = time.perf_counter()
    for config in configs:
        for _ in Run(config):
            pass
    return time.perf_counter() - start


def as_a_sweep(sweeps: list[Sweep], jobs: int) -> float:
    start = time.perf_counter()
    run_sweeps(sweeps, jobs=jobs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    grid = Sweep.parse(
        Config(dataset="xor", epochs=2000),
        ["lr=0.05,0.1,0.2,0.5,1,2,4,8", "seed=1,2,3,4,5,6"],
        "lr x seed",
    )
    workloads = [("lab preset", preset("lab")), ("48-run grid", [grid])]
    print(f"{os.cpu_count()} cores, sweep with --jobs {args.jobs}")
    for name, sweeps in workloads:
        configs = list(dict.fromkeys(c for sweep in sweeps for c in sweep.configs()))
        sequential = one_after_another(configs)
        swept = as_a_sweep(sweeps, args.jobs)
        print(
            f"{name:12s} {len(configs):3d} runs   one after another {sequential:7.2f} s   "
            f"sweep {swept:6.2f} s   sweep is {sequential / swept:.1f}x faster"
        )


if __name__ == "__main__":
    main()

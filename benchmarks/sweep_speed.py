"""Sweeps against the same runs trained one by one, and the default --jobs against --jobs 1,
in one run.

    python benchmarks/sweep_speed.py [--rounds N] [--jobs N]
    python benchmarks/sweep_speed.py --calibrate

Two workloads: a grid of 48 runs (xor, 2000 epochs, 6 learning rates x 8 seeds) and the "lab"
preset (every section on both datasets). Each is trained three ways, alternately (the order
turned every round, so a machine that gets busier or quieter favours none): as a sweep with the
default --jobs (the planner decides whether worker processes pay; their start-up is included),
as a sweep with --jobs 1, and one by one (a plain engine ``Run`` per config, in this process).
Then the whole command, ``backprop-tui sweep --preset lab``, from start to exit. Printed: the
median of each and the ratios.

``--calibrate`` times tasks of many shapes (optimizers, activations, datasets, layer sizes,
runs trained together) and fits engine.plan's COST to them, printing the constants and how far
the estimates fall from the times.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from engine import Config, Run, use_threads  # noqa: E402
from engine.parallel import run_sweeps, train_group  # noqa: E402
from engine.plan import COST, plan, seconds, work  # noqa: E402
from engine.sweep import Sweep, preset  # noqa: E402
from engine.trainer import make_dataset  # noqa: E402

GRID = Sweep.parse(
    Config(dataset="xor", epochs=2000),
    ["lr=0.05,0.1,0.2,0.5,1,2", "seed=1,2,3,4,5,6,7,8"],
    "48-run grid",
)


def one_by_one(configs: list[Config]) -> float:
    start = time.perf_counter()
    for config in configs:
        for _ in Run(config):
            pass
    return time.perf_counter() - start


def as_a_sweep(sweeps: list[Sweep], jobs: int) -> float:
    start = time.perf_counter()
    run_sweeps(sweeps, jobs=jobs)
    return time.perf_counter() - start


def the_command() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui", "sweep", "--preset", "lab"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def compare(rounds: int, jobs: int) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{os.cpu_count()} cores, load {load:.1f}; default --jobs {jobs}; {rounds} rounds, medians"
    )
    for sweeps in ([GRID], preset("lab")):
        configs = list(dict.fromkeys(c for sweep in sweeps for c in sweep.configs()))
        planned = plan(configs, jobs)
        ways = {
            f"--jobs {jobs}": lambda s=sweeps: as_a_sweep(s, jobs),
            "--jobs 1": lambda s=sweeps: as_a_sweep(s, 1),
            "one by one": lambda c=configs: one_by_one(c),
        }
        times: dict[str, list[float]] = {name: [] for name in ways}
        for round_ in range(rounds):
            names = list(ways)
            for name in names[round_ % 3 :] + names[: round_ % 3]:
                times[name].append(ways[name]())
        median = {name: statistics.median(t) for name, t in times.items()}
        default, single, alone = median.values()
        name = sweeps[0].name if len(sweeps) == 1 else "lab preset"
        print(
            f"\n{name}: {len(configs)} runs in {len(planned.tasks)} tasks; the planner chose "
            f"{planned.processes} worker process{'es' if planned.processes != 1 else ''} "
            f"(estimate here: {planned.seconds:.2f} s)"
        )
        for way, value in median.items():
            print(f"  {way:12s} {value:7.2f} s")
        print(
            f"  default --jobs is {alone / default:.1f}x faster than one by one; "
            f"{single / default:.2f}x as fast as --jobs 1"
        )
    command = statistics.median(the_command() for _ in range(rounds))
    print(f"\nbackprop-tui sweep --preset lab, start to exit: {command:.2f} s")


def calibrate() -> None:
    """Time tasks of many shapes; fit COST (non-negative, by relative error)."""
    use_threads(1)
    shapes = itertools.product(
        ["gd", "sgd", "minibatch", "adam"],
        ["sigmoid", "relu"],
        [("xor", 100), ("spiral", 100), ("spiral", 1000)],
        [(4, 4), (16, 16), (64, 64), (8, 8, 8, 8)],
        [1, 2, 4, 8, 32],
    )
    counts, measured = [], []
    for optimizer, activation, (dataset, samples), hidden, models in shapes:
        small = optimizer == "sgd" and (samples == 1000 or models > 2)
        if small or (activation == "relu" and (models > 2 or hidden == (64, 64))):
            continue
        if models == 32 and (samples == 1000 or hidden == (64, 64) or optimizer == "adam"):
            continue
        base = Config(
            dataset=dataset, samples=samples, hidden=hidden, optimizer=optimizer,
            activation=activation, epochs=3,
        )  # fmt: skip
        n = make_dataset(base).n
        task = [dataclasses.replace(base, seed=k + 1) for k in range(models)]
        start = time.perf_counter()
        train_group(task)
        per_epoch = (time.perf_counter() - start) / 3
        epochs = max(3, min(2000, int(0.15 / max(per_epoch, 1e-6))))
        task = [dataclasses.replace(c, epochs=epochs) for c in task]
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            train_group(task)
            best = min(best, time.perf_counter() - start)
        counts.append(work(task, n))
        measured.append(best)
        print(
            f"{optimizer:9s} {activation:7s} {dataset:6s} {n:5d} {str(hidden):13s} K={models:<3d}"
            f"{best:8.3f} s   estimate {seconds(task, n):8.3f} s",
            flush=True,
        )
    x, y = np.array(counts, dtype=float), np.array(measured)
    cost = non_negative_fit(x / y[:, None], np.ones_like(y))
    ratio = np.maximum(x @ cost / y, y / (x @ cost))
    print(f"\nCOST = ({', '.join(f'{c:.2g}' for c in cost)})   (now: {COST})")
    print(
        f"estimate / time: median {np.median(ratio):.2f}, nine in ten within "
        f"{np.quantile(ratio, 0.9):.2f}, worst {ratio.max():.2f}"
    )


def non_negative_fit(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Least squares with every coefficient >= 0: fit, drop the most negative, fit again."""
    free = list(range(a.shape[1]))
    while True:
        solution, *_ = np.linalg.lstsq(a[:, free], b, rcond=None)
        if solution.min() >= 0:
            coefficients = np.zeros(a.shape[1])
            coefficients[free] = solution
            return coefficients
        free.pop(int(np.argmin(solution)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each way [3]")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="[cores]")
    parser.add_argument("--calibrate", action="store_true", help="fit engine.plan's COST")
    args = parser.parse_args()
    if args.calibrate:
        calibrate()
    else:
        compare(args.rounds, args.jobs)


if __name__ == "__main__":
    main()

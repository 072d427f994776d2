"""One BLAS thread against more, through the command line, in one run.

    python benchmarks/blas_threads.py [--rounds N] [--threads N] [--quick]

First the settings a student uses: ``train`` with no thread flag against the same run under
``OPENBLAS_NUM_THREADS=1`` (set before NumPy loads), and two such runs side by side against one
alone. Then each workload is trained by ``backprop-tui train --threads 1`` and ``--threads N``
(N: 2, or as given) in fresh processes, alternately (the order swapped every round, so a
machine that gets busier or quieter favours neither). The time is the JSON summary's
``wall_seconds``, the time inside the training loop (process start-up is the same for both).
Printed: the median of each and their ratio; whether the loss histories are the same bit for
bit. Then two runs side by side, as on a shared machine: two ``--threads 1`` processes at once
against two processes with NumPy's own default (as many threads as a fresh process gets, asked
through ``--threads``), alternately too. On a noisy machine, read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKLOADS = {
    "spiral 1000, 32,32, adam, 1500 epochs": [
        "--dataset", "spiral", "--samples", "1000", "--hidden", "32,32",
        "--optimizer", "adam", "--epochs", "1500",
    ],
    "linear 100000, 4,4, gd, 100 epochs": [
        "--dataset", "linear", "--samples", "100000", "--epochs", "100",
    ],
    "spiral 100000, 64,64, adam, 20 epochs": [
        "--dataset", "spiral", "--samples", "100000", "--hidden", "64,64",
        "--optimizer", "adam", "--epochs", "20",
    ],
    # where more threads do help: products of 512 x 512 weights with 20,000 samples
    "spiral 20000, 512,512, gd, 3 epochs": [
        "--dataset", "spiral", "--samples", "20000", "--hidden", "512,512", "--epochs", "3",
    ],
}  # fmt: skip
SIDE_BY_SIDE = "spiral 1000, 32,32, adam, 1500 epochs"
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def environment() -> dict[str, str]:
    """This environment without the variables that would fix BLAS's threads as NumPy loads."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def numpy_default_threads() -> int:
    """The BLAS threads a fresh process has before anything limits them."""
    code = (
        "import numpy, threadpoolctl\n"
        "print(max(i['num_threads'] for i in threadpoolctl.threadpool_info()"
        " if i['user_api'] == 'blas'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment(), capture_output=True, text=True
    )
    return int(out.stdout)


def start(flags: list[str], threads: int | None, out: Path, **env: str) -> subprocess.Popen:
    """``train`` with ``--threads`` (None: no flag, the program's default) in an environment
    with ``env`` added."""
    command = [sys.executable, "-m", "tui", "train", "--quiet", *flags, "--json", str(out)]
    if threads is not None:
        command += ["--threads", str(threads)]
    return subprocess.Popen(
        command,
        env=environment() | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, out: Path) -> dict:
    _, err = process.communicate()  # a note such as "saturated" is no concern here
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, process.args))}\n{err}")
    return json.loads(out.read_text())


def one(flags: list[str], threads: int | None, where: Path, **env: str) -> dict:
    out = where / f"{time.monotonic_ns()}.json"
    return finish(start(flags, threads, out, **env), out)


def pair(flags: list[str], threads: int | None, where: Path) -> tuple[float, float]:
    """Two runs started together: (the slower one's training time, the elapsed time)."""
    outs = [where / f"{time.monotonic_ns()}-{k}.json" for k in range(2)]
    begin = time.perf_counter()
    processes = [start(flags, threads, out) for out in outs]
    seconds = [finish(p, out)["wall_seconds"] for p, out in zip(processes, outs)]
    return max(seconds), time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each setting [3]")
    parser.add_argument("--threads", type=int, default=2, help="the many threads [2]")
    parser.add_argument("--quick", action="store_true", help="the first workload only")
    args = parser.parse_args()
    default = numpy_default_threads()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{os.cpu_count()} cores, load {load:.1f}; NumPy's default: {default} BLAS threads; "
        f"{args.rounds} rounds; times in the training loop (JSON wall_seconds), medians"
    )
    workloads = dict(list(WORKLOADS.items())[:1]) if args.quick else WORKLOADS
    many = args.threads
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        as_given(WORKLOADS[SIDE_BY_SIDE], args.rounds, where)
        print(f"\none run at a time: --threads 1 against --threads {many}")
        for name, flags in workloads.items():
            times: dict[int, list[float]] = {1: [], many: []}
            histories: dict[int, list] = {}
            for round_ in range(args.rounds):
                order = (1, many) if round_ % 2 == 0 else (many, 1)
                for threads in order:
                    summary = one(flags, threads, where)
                    times[threads].append(summary["wall_seconds"])
                    histories.setdefault(threads, summary["loss_history"])
            t1, tn = statistics.median(times[1]), statistics.median(times[many])
            same = "same" if histories[1] == histories[many] else "DIFFERENT"
            print(
                f"  {name:40s} 1: {t1:7.2f} s   {many}: {tn:7.2f} s   "
                f"{many} threads take {tn / t1:5.2f}x the time   loss history {same}"
            )

        print(f"\ntwo runs side by side ({SIDE_BY_SIDE}): slowest of the two, elapsed")
        pairs: dict[int, list[tuple[float, float]]] = {1: [], default: []}
        for round_ in range(args.rounds):
            order = (1, default) if round_ % 2 == 0 else (default, 1)
            for threads in order:
                pairs[threads].append(pair(WORKLOADS[SIDE_BY_SIDE], threads, where))
        medians = {
            t: tuple(statistics.median(p[i] for p in runs) for i in range(2))
            for t, runs in pairs.items()
        }
        for threads, (slowest, elapsed) in medians.items():
            what = "--threads 1" if threads == 1 else f"NumPy's default ({threads} threads)"
            print(f"  {what:32s} training {slowest:7.2f} s   elapsed {elapsed:7.2f} s")
        ratio = medians[default][0] / medians[1][0]
        print(f"  NumPy's default takes {ratio:.2f}x the time of --threads 1 side by side")


def as_given(flags: list[str], rounds: int, where: Path) -> None:
    """The default settings against OPENBLAS_NUM_THREADS=1, and two runs side by side (the
    default settings) against one alone; alternately."""
    print(f"\nthe default settings ({SIDE_BY_SIDE})")
    alone, env_one, two = [], [], []
    cases = [
        lambda: alone.append(one(flags, None, where)["wall_seconds"]),
        lambda: env_one.append(one(flags, None, where, OPENBLAS_NUM_THREADS="1")["wall_seconds"]),
        lambda: two.append(pair(flags, None, where)[0]),
    ]
    for round_ in range(rounds):
        for case in cases if round_ % 2 == 0 else cases[::-1]:
            case()
    a, e, t = (statistics.median(times) for times in (alone, env_one, two))
    print(f"  default {a:7.2f} s   OPENBLAS_NUM_THREADS=1 {e:7.2f} s   ratio {a / e:5.2f}")
    print(f"  two side by side {t:7.2f} s (the slower)   against one alone: ratio {t / a:5.2f}")


if __name__ == "__main__":
    main()

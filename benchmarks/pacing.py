"""The speed control as a user sees it: epochs per second on the status line at each speed.

    python benchmarks/pacing.py [--seconds S]

The app runs in a pseudo-terminal at 80x24 (read back through the pyte emulator, as in the e2e
tests) with ``--speed`` set, training xor; the epoch counter of the status line is read when it
first moves past epoch 5 and again ``--seconds`` later, and the difference per second printed
beside the speed asked for.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.terminal import Terminal, command  # noqa: E402

EPOCH = re.compile(r"running\s+epoch (\d+)/")


def shown_epoch(term: Terminal) -> int:
    found = EPOCH.search(term.text())
    return int(found.group(1)) if found else -1


def measure(speed: str, seconds: float, optimizer: str) -> float:
    flags = ["--dataset", "xor", "--optimizer", optimizer, "--epochs", "10000000"]
    with Terminal([*command(), *flags, "--speed", speed, "--autostart"]) as term:
        term.wait_until(lambda: shown_epoch(term) > 5, timeout=60)
        first, start = shown_epoch(term), time.monotonic()
        time.sleep(seconds)
        last, end = shown_epoch(term), time.monotonic()
        term.press("ctrl+q")
        term.wait_exit()
    return (last - first) / (end - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"xor at 80x24, the status line's epochs over {args.seconds:g} s")
    print(f"{'optimizer':10s} {'--speed':>8s} {'epochs/s seen':>14s}")
    for optimizer in ("gd", "sgd"):
        for speed in ("1", "10", "100"):
            rate = measure(speed, args.seconds, optimizer)
            print(f"{optimizer:10s} {speed:>8s} {rate:14.1f}")


if __name__ == "__main__":
    main()

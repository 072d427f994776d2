"""Training throughput inside the app against headless ``train``, in one run.

    python benchmarks/app_overhead.py [--epochs N] [--rounds K]

The app runs for real in a pseudo-terminal (read back through the pyte emulator, as in the e2e
tests), training linear(100) with the default network at its default refresh, once on the main
screen and once with the decision-boundary view open (f3) the whole time; its status line
reports the run's epochs per second when it is done (from its first epoch to its last: setting
the run up is not training). Headless, ``backprop-tui train --json`` reports the time inside
its training loop (``wall_seconds``, from its first epoch to its last). The three alternate
round by round; printed are the best and the median of each, and the median of each round's
own app / headless ratio (a busy machine slows a round's runs alike).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.terminal import Terminal, command  # noqa: E402

RATE = re.compile(r"done\s+epoch (\d+)/\d+.*?([\d,]+) epochs/s")


def in_app(flags: list[str], view_key: str | None = None) -> float:
    with Terminal([*command(), *flags, "--autostart"], cols=80, rows=24) as term:
        if view_key:
            term.wait_for("running", timeout=60)
            term.press(view_key)
        # read the screen twice a second: reading it (pyte) every few ms would take CPU from
        # the app it measures, on a machine of two cores
        term.wait_until(lambda: RATE.search(term.text()) is not None, timeout=600, every=0.5)
        rate = float(RATE.search(term.text()).group(2).replace(",", ""))
        term.press("ctrl+q")
        term.wait_exit()
    return rate


def headless(flags: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run.json"
        subprocess.run([*command(), "train", *flags, "--quiet", "--json", str(out)], check=True)
        summary = json.loads(out.read_text())
    return summary["epochs_run"] / summary["wall_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dataset", default="linear")
    args = parser.parse_args()
    flags = ["--dataset", args.dataset, "--epochs", str(args.epochs)]
    apps, boundary, heads = [], [], []
    for i in range(args.rounds):
        apps.append(in_app(flags))
        boundary.append(in_app(flags, "f3"))
        heads.append(headless(flags))
        print(
            f"round {i + 1}: app {apps[-1]:,.0f}   app+boundary {boundary[-1]:,.0f}   "
            f"headless {heads[-1]:,.0f} epochs/s"
        )
    print(f"{args.dataset}, {args.epochs} epochs, default network and refresh")
    print(f"{'epochs/s':20s} {'best':>10s} {'median':>10s}   ({args.rounds} rounds)")
    rows = (("app, main screen", apps), ("app, boundary view", boundary), ("headless", heads))
    for name, values in rows:
        print(f"{name:20s} {max(values):10,.0f} {statistics.median(values):10,.0f}")
    for name, pick in (("best", max), ("median", statistics.median)):
        app, view, head = pick(apps), pick(boundary), pick(heads)
        print(
            f"{name:6s}: app / headless = {app / head:.0%}   "
            f"app with boundary / app = {view / app:.0%}"
        )
    # each round's own ratio: a machine that drifts between rounds moves both of a round alike
    paired = statistics.median(a / h for a, h in zip(apps, heads))
    print(f"paired: the median of each round's app / headless = {paired:.0%}")


if __name__ == "__main__":
    main()

"""What the network view (f5) costs the training worker: in-app epochs/s with it open vs not.

    python benchmarks/network_view.py [--epochs N] [--rounds K] [--dataset D] [--hidden H]

The app runs for real in a pseudo-terminal at 80x24 (read back through the pyte emulator, as in
the e2e tests), training with the given network at its default refresh: once on the main screen
and once with the network view opened (f5) as soon as the run is under way, so its tiles are
recomputed and redrawn the whole run. The status line reports the run's epochs per second when
it is done. The two alternate round by round and the best and median of each are kept, so a busy
machine slows them alike; the share of the run the UI thread was busy (which the worker, in the
same interpreter, waits for) is printed too, as it depends less on other load. The target: the
view costs the worker at most 15%.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.terminal import Terminal, command  # noqa: E402

RATE = re.compile(r"done\s+epoch (\d+)/\d+.*?([\d,]+) epochs/s")

TARGET = 0.85
"""Epochs per second with the view open, as a share of the main screen's, at least."""


def ui_thread_seconds(pid: int) -> float:
    """CPU time the app's UI thread (its main thread) has used so far; 0 without Linux /proc.
    Training runs in another thread and shares the interpreter with it: whatever the UI thread
    does, the worker waits for."""
    try:
        stat = Path(f"/proc/{pid}/task/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_app(flags: list[str], view: bool) -> tuple[float, float]:
    """The run's epochs/s as its status line reports it when done (with f5 open if ``view``),
    and the share of the run's time the UI thread was busy (start-up included)."""
    with Terminal([*command(), *flags, "--autostart"], cols=80, rows=24) as term:
        if view:
            term.wait_for("running", timeout=60)
            term.press("f5")
            term.wait_for("Network:", timeout=60)
        term.wait_until(lambda: RATE.search(term.text()) is not None, timeout=600)
        if view and "Network:" not in term.text():
            raise RuntimeError("the network view was not open when the run ended")
        found = RATE.search(term.text())
        epochs, rate = int(found.group(1)), float(found.group(2).replace(",", ""))
        busy = ui_thread_seconds(term.process.pid) / (epochs / rate)
        term.press("ctrl+q")
        term.wait_exit()
    return rate, busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dataset", default="linear")
    parser.add_argument("--hidden", default="4,4")
    args = parser.parse_args()
    flags = ["--dataset", args.dataset, "--epochs", str(args.epochs), "--hidden", args.hidden]
    mains, views, main_busy, view_busy = [], [], [], []
    for i in range(args.rounds):
        for rates, busy, view in ((mains, main_busy, False), (views, view_busy, True)):
            rate, share = in_app(flags, view)
            rates.append(rate)
            busy.append(share)
        print(
            f"round {i + 1}: main screen {mains[-1]:,.0f}   network view {views[-1]:,.0f} epochs/s"
            f"   (UI thread busy {main_busy[-1]:.0%} vs {view_busy[-1]:.0%} of the run)",
            flush=True,
        )
    print(f"{args.dataset}, hidden {args.hidden}, {args.epochs} epochs, 80x24, default refresh")
    print(f"{'epochs/s':20s} {'best':>10s} {'median':>10s}   ({args.rounds} rounds)")
    for name, values in (("app, main screen", mains), ("app, network view", views)):
        print(f"{name:20s} {max(values):10,.0f} {statistics.median(values):10,.0f}")
    for name, pick in (("best", max), ("median", statistics.median)):
        ratio = pick(views) / pick(mains)
        verdict = "within" if ratio >= TARGET else "over"
        print(
            f"{name:6s}: network view / main screen = {ratio:.0%}   "
            f"(costs the worker {1 - ratio:.0%}; {verdict} the 15% target)"
        )
    if min(main_busy) > 0:
        # epochs/s swing with other load on the machine; how busy the UI thread is swings less
        print(
            f"UI thread busy (median): main screen {statistics.median(main_busy):.0%}, "
            f"network view {statistics.median(view_busy):.0%} of the run"
        )


if __name__ == "__main__":
    main()

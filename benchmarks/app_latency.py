"""How fast keys take effect while the app trains, as a user sees it in a real terminal.

    python benchmarks/app_latency.py [--repeats N]

The app runs in a pseudo-terminal (read back through the pyte emulator) training linear(100)
flat out. Each measurement is the time from writing a key to the pty until the screen shows its
effect: for ctrl+t, the status line saying "paused" (and "running" again on the next ctrl+t);
for Tab, the focus highlight moving in the settings form.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.terminal import Terminal, command  # noqa: E402


def form_cells(term: Terminal) -> tuple:
    """The settings form's cells (text and colours): what a focus move changes."""
    with term.lock:
        return tuple(
            (char.data, char.fg, char.bg, char.reverse)
            for y in range(1, 14)
            for x, char in sorted(term.screen.buffer[y].items())
            if x < 31
        )


def timed(term: Terminal, key: str, done) -> float:
    start = time.perf_counter()
    term.press(key, gap=0)
    term.wait_until(done, timeout=10)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    pause, resume, tab = [], [], []
    flags = ["--dataset", "linear", "--epochs", "10000000", "--autostart"]
    with Terminal([*command(), *flags], cols=80, rows=24) as term:
        term.wait_for("running", timeout=30)
        time.sleep(1.0)  # let training settle into its stride
        for _ in range(args.repeats):
            pause.append(timed(term, "ctrl+t", lambda: "paused " in term.text()))
            resume.append(timed(term, "ctrl+t", lambda: "running " in term.text()))
            time.sleep(0.3)
            before = form_cells(term)
            tab.append(timed(term, "tab", lambda b=before: form_cells(term) != b))
            time.sleep(0.3)
        term.press("ctrl+q")
        term.wait_exit()
    print(f"while training linear(100) at 80x24, {args.repeats} times each (milliseconds):")
    for name, values in (("ctrl+t pause", pause), ("ctrl+t resume", resume), ("tab", tab)):
        ms = sorted(1000 * v for v in values)
        print(
            f"{name:14s} median {statistics.median(ms):6.1f}   "
            f"worst {ms[-1]:6.1f}   best {ms[0]:6.1f}"
        )


if __name__ == "__main__":
    main()

"""How fast keys take effect while the app trains, as a user sees it in a real terminal.

    python benchmarks/app_latency.py [--repeats N] [--baseline OTHER-backprop-tui]

The app runs in a pseudo-terminal (read back through the pyte emulator) training linear(100)
flat out. Each measurement is the time from writing a key to the pty until the screen shows its
effect: for ctrl+t, the status line saying "pausing…" or "paused" (and "running" again on the
next ctrl+t), and separately until it says "paused", the worker holding at the epoch shown; for
Tab, the focus highlight moving in the settings form; for ctrl+p, the command palette's search
line; for f3, the decision-boundary view's title; back to the main screen's form, by escape
(which the terminal's escape delay, ESCDELAY, 100 ms by default, holds back until it is sure no
sequence follows) and by the view's own key again (f3).

``--baseline`` measures another installed backprop-tui (e.g. an older version's venv) in the
same run, session by session in turn, so a busy machine slows both alike.
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
    parser.add_argument("--sessions", type=int, default=2)
    parser.add_argument("--baseline", help="another backprop-tui executable to measure too")
    args = parser.parse_args()
    programs = {"this": command()}
    if args.baseline:
        programs["baseline"] = [args.baseline]
    results: dict[str, dict[str, list[float]]] = {
        name: {
            what: []
            for what in (
                "pause shown",
                "pause held",
                "resume",
                "tab",
                "palette",
                "view",
                "back (esc)",
                "back (f3)",
            )
        }
        for name in programs
    }
    for _ in range(args.sessions):
        for name, program in programs.items():
            measure(program, args.repeats, results[name])
    print(f"while training linear(100) at 80x24, {args.repeats * args.sessions} times each (ms):")
    for name, table in results.items():
        for what, values in table.items():
            if not values:
                continue
            ms = sorted(1000 * v for v in values)
            print(
                f"{name:9s} {what:12s} median {statistics.median(ms):6.1f}   "
                f"worst {ms[-1]:6.1f}   best {ms[0]:6.1f}"
            )


def measure(program: list[str], repeats: int, into: dict[str, list[float]]) -> None:
    flags = ["--dataset", "linear", "--epochs", "10000000", "--autostart"]
    with Terminal([*program, *flags], cols=80, rows=24) as term:
        term.wait_for("running", timeout=30)
        time.sleep(1.0)  # let training settle into its stride
        for _ in range(repeats):
            start = time.perf_counter()
            term.press("ctrl+t", gap=0)
            term.wait_until(lambda: "pausing…" in term.text() or "paused " in term.text())
            into["pause shown"].append(time.perf_counter() - start)
            term.wait_until(lambda: "paused " in term.text())
            into["pause held"].append(time.perf_counter() - start)
            into["resume"].append(timed(term, "ctrl+t", lambda: "running " in term.text()))
            time.sleep(0.3)
            before = form_cells(term)
            into["tab"].append(timed(term, "tab", lambda b=before: form_cells(term) != b))
            time.sleep(0.3)
            into["palette"].append(
                timed(term, "ctrl+p", lambda: "Search for commands" in term.text())
            )
            term.press("escape", gap=0)
            term.wait_until(lambda: "Search for commands" not in term.text())
            time.sleep(0.3)
            into["view"].append(timed(term, "f3", lambda: "Decision boundary" in term.text()))
            time.sleep(0.3)
            into["back (esc)"].append(timed(term, "escape", lambda: "Settings" in term.text()))
            time.sleep(0.3)
            term.press("f3", gap=0)
            term.wait_for("Decision boundary")
            time.sleep(0.3)
            into["back (f3)"].append(timed(term, "f3", lambda: "Settings" in term.text()))
            time.sleep(0.3)
        term.press("ctrl+q")
        term.wait_exit()


if __name__ == "__main__":
    main()

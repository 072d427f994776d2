"""A real pseudo-terminal running a real program, read back through the pyte emulator.

    with Terminal(["backprop-tui", "--autostart"], cols=80, rows=24) as term:
        term.wait_for("done")
        term.press(KEYS["ctrl+q"])
        assert term.wait_exit() == 0

Used by the end-to-end tests and by the benchmarks that time the app as a user sees it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable

import pyte

KEYS = {
    "ctrl+r": b"\x12",
    "ctrl+t": b"\x14",
    "ctrl+n": b"\x0e",
    "ctrl+g": b"\x07",
    "ctrl+l": b"\x0c",
    "ctrl+y": b"\x19",
    "ctrl+s": b"\x13",
    "ctrl+o": b"\x0f",
    "ctrl+f": b"\x06",
    "ctrl+p": b"\x10",
    "ctrl+q": b"\x11",
    "ctrl+a": b"\x01",
    "ctrl+k": b"\x0b",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "enter": b"\r",
    "escape": b"\x1b",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f9": b"\x1b[20~",
    "f12": b"\x1b[24~",
}


def command() -> list[str]:
    """The installed backprop-tui, or the module when the script is not on PATH."""
    exe = shutil.which("backprop-tui")
    return [exe] if exe else [sys.executable, "-m", "tui"]


class Terminal:
    """A program in a pty of ``cols`` x ``rows``, its output fed to a pyte screen."""

    def __init__(
        self,
        args: list[str],
        cols: int = 80,
        rows: int = 24,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.master, slave = os.openpty()
        self._set_size(cols, rows)
        environment = dict(os.environ)
        environment.pop("NO_COLOR", None)
        # the size is the pty's: COLUMNS and LINES (pytest-xdist exports them) would win over
        # it in shutil.get_terminal_size, and the app would never see a resize
        environment.pop("COLUMNS", None)
        environment.pop("LINES", None)
        environment["TERM"] = "xterm-256color"
        environment.update(env or {})
        self.process = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _set_size(self, cols: int, rows: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.stream.feed(data)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def text(self) -> str:
        """The screen as the user sees it, one line per row."""
        with self.lock:
            return "\n".join(self.screen.display)

    def line(self, row: int) -> str:
        with self.lock:
            return self.screen.display[row]

    def reverse_cells(self, top: int = 0, bottom: int | None = None) -> int:
        """How many cells in rows top..bottom are drawn in reverse video (cursors)."""
        with self.lock:
            rows = range(top, bottom if bottom is not None else self.screen.lines)
            return sum(1 for y in rows for char in self.screen.buffer[y].values() if char.reverse)

    def press(self, *keys: str | bytes, gap: float = 0.05) -> None:
        """Type keys (names from KEYS, or raw bytes/text) with a small pause between them."""
        for key in keys:
            data = KEYS.get(key, key) if isinstance(key, str) else key
            os.write(self.master, data if isinstance(data, bytes) else data.encode())
            time.sleep(gap)

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = 20.0, every: float = 0.005
    ) -> float:
        """Seconds until condition() held, asked every ``every`` seconds; raises TimeoutError
        with the screen if it never did."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if condition():
                return time.monotonic() - start
            if self.process.poll() is not None and not condition():
                break
            time.sleep(every)
        raise TimeoutError(f"condition not met; screen:\n{self.text()}")

    def wait_for(self, text: str, timeout: float = 20.0) -> float:
        return self.wait_until(lambda: text in self.text(), timeout)

    def resize(self, cols: int, rows: int) -> None:
        """A new size and SIGWINCH; the screen starts blank, so what is waited for next is
        what the program drew at the new size (a second resize sent before the program had
        drawn the first could be lost in between)."""
        with self.lock:
            self.screen.resize(rows, cols)
            self.screen.erase_in_display(2)
        self._set_size(cols, rows)
        os.killpg(self.process.pid, signal.SIGWINCH)

    def wait_exit(self, timeout: float = 15.0) -> int:
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(self.master)

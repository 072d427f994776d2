"""A one-line progress bar on stderr, for commands that run on a terminal."""

from __future__ import annotations

import sys
import time
from typing import IO


class Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, total: int, stream: IO[str] = sys.stderr):
        self.total, self.stream = total, stream
        self.start = self.last = time.perf_counter()
        self.shown = False

    def update(self, done: int, loss: float | None = None, unit: str = "epochs") -> None:
        now = time.perf_counter()
        if now - self.last < 0.1 and done < self.total:
            return
        self.last = now
        filled = self.WIDTH * done // self.total
        rate = done / max(now - self.start, 1e-9)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        loss_text = f"  loss {loss:.6f}" if loss is not None else ""
        self.stream.write(f"\r[{bar}] {done}/{self.total} {unit}{loss_text}  {rate:,.0f} {unit}/s")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False

"""BoundaryMap: the network's output over the input plane, shaded, with the samples on it.

Each character cell shows two grid points, one above the other ("▀" in the top point's colour
on the bottom point's), so the map has twice the panel's rows in resolution. Blue means an
output near 0, orange near 1, the panel's own background exactly 0.5. In shade mode (chosen
for NO_COLOR, or toggled) each cell is a character instead: " " "·" "░" "▒" from 0 to 1.
Samples are "o" (label 0) and "x" (label 1) in either mode; a sample the network gets wrong is
"O" or "X" (its label, in capitals, and in red where there is colour), so mistakes read without
colour too; a held-out test sample it gets right is its label's digit, "0" or "1".
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from engine.plane import cell_of
from tui.tiles import LEVELS

LOW, HIGH = Color.parse("#2f7fd1"), Color.parse("#f28e2b")
SHADES = " ·░▒"
MARKS = ("o", "x", "O", "X", "0", "1")
"""A sample's mark by its label, then (label + 2) for a sample the network gets wrong, (label + 4)
for a held-out test sample it gets right."""
WRONG = Color.parse("#e03131")


class BoundaryMap(Widget):
    """A grid of outputs (2 * rows, columns) over ``bounds``, and the samples on top."""

    shade_mode: reactive[bool] = reactive(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.grid: np.ndarray | None = None
        self.bounds: tuple[float, float, float, float] | None = None
        self._marks = np.zeros(0, dtype=np.int8)
        """Per character cell (row-major), the mark (index into MARKS) drawn there, or -1."""
        self._samples: tuple[np.ndarray, np.ndarray] | None = None
        self._styles: list[list[Style]] = []

    def grid_size(self) -> tuple[int, int]:
        """(columns, points per column) the panel can show."""
        return max(self.size.width, 1), 2 * max(self.size.height, 1)

    def set_samples(
        self,
        x: np.ndarray,
        labels: np.ndarray,
        wrong: np.ndarray | None = None,
        test: np.ndarray | None = None,
    ) -> None:
        """The samples (n, 2), their labels (n,) and, where known, which the network gets
        wrong (n,) bool: those are drawn in capitals; and which are held out for testing."""
        marks = labels.astype(int)
        wrong = np.zeros(len(marks), dtype=bool) if wrong is None else wrong
        if test is not None:
            marks = marks + 4 * (test & ~wrong)
        marks = marks + 2 * wrong
        self._samples = (x, marks)
        self._place_samples()

    @property
    def wrong_marks(self) -> int:
        """How many character cells show a sample the network gets wrong."""
        return int(np.count_nonzero((self._marks == 2) | (self._marks == 3)))

    def set_grid(self, grid: np.ndarray, bounds: tuple[float, float, float, float]) -> None:
        """Show new outputs (2 * rows, columns) over bounds (x1 min, x1 max, x2 min, x2 max);
        an output that is not a number (a diverged network) is drawn as 0.5, undecided."""
        self.grid = np.clip(np.nan_to_num(grid, nan=0.5), 0.0, 1.0)
        self.bounds = bounds
        self._place_samples()
        self.refresh()

    def clear(self) -> None:
        self.grid = None
        self.refresh()

    def _place_samples(self) -> None:
        if self._samples is None or self.grid is None or self.bounds is None:
            return
        x, marks = self._samples
        rows, columns = self.grid.shape[0] // 2, self.grid.shape[1]
        row, column = cell_of(x, self.bounds, columns, rows)
        self._marks = np.full(rows * columns, -1, dtype=np.int8)
        cells = row * columns + column
        # one mark per cell, however many samples: a wrong one wins (drawn last)
        order = np.argsort((marks == 2) | (marks == 3), kind="stable")
        self._marks[cells[order]] = marks[order]

    def on_mount(self) -> None:
        _, background = self.background_colors
        levels = np.linspace(0.0, 1.0, LEVELS)
        colours = [
            background.blend(HIGH if p >= 0.5 else LOW, min(1.0, abs(p - 0.5) * 2 * 0.85 + 0.1))
            for p in levels
        ]
        self._colours = colours
        self._styles = [
            [Style(color=top.rich_color, bgcolor=bottom.rich_color) for bottom in colours]
            for top in colours
        ]
        # markers in the text colour, so they stand out on both shades; the letter is the class
        text = Color.parse(self.app.theme_variables.get("foreground", "#e0e0e0")).rich_color
        plain, wrong = Style(color=text, bold=True), Style(color=WRONG.rich_color, bold=True)
        self._mark_styles = [plain, plain, wrong, wrong, plain, plain]

    def value_at(self, row: int, column: int) -> float:
        """The output drawn in character cell (row, column): the mean of its two points."""
        return float(self.grid[2 * row : 2 * row + 2, column].mean())

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self.grid is None or 2 * y + 1 >= self.grid.shape[0]:
            return Strip.blank(width, self.rich_style)
        columns = self.grid.shape[1]
        top = np.rint(self.grid[2 * y] * (LEVELS - 1)).astype(int)
        bottom = np.rint(self.grid[2 * y + 1] * (LEVELS - 1)).astype(int)
        marks = self._marks[y * columns : (y + 1) * columns].tolist()
        segments = []
        for column in range(min(width, columns)):
            t, b = top[column], bottom[column]
            label = marks[column] if column < len(marks) and marks[column] >= 0 else None
            if self.shade_mode:
                char = SHADES[min(3, int((t + b) / 2 / (LEVELS - 1) * 4))]
                style = self.rich_style
            else:
                char, style = "▀", self._styles[t][b]
            if label is not None:
                char = MARKS[label]
                background = style.bgcolor if not self.shade_mode else None
                style = self._mark_styles[label] + Style(bgcolor=background)
            segments.append(Segment(char, style))
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def watch_shade_mode(self) -> None:
        self.refresh()

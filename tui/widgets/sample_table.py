"""SampleTable: every sample's inputs, ground truth and prediction, one row each.

A Line-API widget: it draws only the rows on screen, straight from NumPy arrays, so a refresh
costs the same for 21 samples or a million. Column widths are fixed from the data when it is
set, so no number is ever cut. A held-out test sample's index is followed by "t" (12t): it is
not trained on. With the focus, up and down move a cursor over the rows and
enter picks the sample under it (the back-propagation view opens on it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

HEADERS = ("#", "x1", "x2", "truth", "prediction", "ok")


EXPONENT_FROM = 1e5
"""Inputs of this magnitude or more are shown in exponent form."""


def format_input(value: float) -> str:
    """An input value with 4 decimals, or in exponent form from EXPONENT_FROM on."""
    return f"{value:.4f}" if abs(value) < EXPONENT_FROM else f"{value:.3e}"


def format_prediction(value: float) -> str:
    return f"{value:.6f}"


class SampleTable(ScrollView, can_focus=True):
    """Rows of (index, x1, x2, ground truth, prediction, correct?) under a fixed header."""

    DEFAULT_CSS = """
    SampleTable {
        background: $surface;
    }
    SampleTable > .sample-table--header { text-style: bold; color: $text-accent; }
    SampleTable > .sample-table--wrong { color: $text-error; }
    SampleTable > .sample-table--cursor { text-style: reverse; }
    """
    COMPONENT_CLASSES = {"sample-table--header", "sample-table--wrong", "sample-table--cursor"}
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move(-1000000000)", "First", show=False),
        Binding("end", "move(1000000000)", "Last", show=False),
        Binding("enter", "choose", "Explain", tooltip="Explain the step on this sample (f9)"),
    ]

    @dataclass
    class Chosen(Message):
        """Enter on a row: explain the step on sample ``index``."""

        index: int

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cursor = 0
        """The row under the cursor (shown while the table has the focus)."""
        self.labels = np.zeros(0)
        self._x = np.zeros((0, 2))
        self._test: np.ndarray | None = None
        self.predictions: np.ndarray | None = None
        self._widths = [len(h) for h in HEADERS]

    def set_data(self, x: np.ndarray, y: np.ndarray, test: np.ndarray | None = None) -> None:
        """Show a new dataset: inputs x (n, 2), labels y (n,), and which are held-out test
        samples (n,) bool, if any; predictions are cleared."""
        self.labels = y
        self._x = x
        self._test = test if test is not None and test.any() else None
        self.predictions = None
        n = len(y)

        def width(column: int) -> int:
            # within each of format_input's two forms the text grows with the magnitude (and a
            # sign), so the widest is among each form's most negative and most positive values
            values = x[:, column]
            fixed = values[np.abs(values) < EXPONENT_FROM]
            candidates = [values.min(), values.max()] if n else []
            candidates += [fixed.min(), fixed.max()] if fixed.size else []
            return max([len(HEADERS[column + 1])] + [len(format_input(v)) for v in candidates])

        self._widths = [
            max(len(HEADERS[0]), len(str(max(n - 1, 0))) + (self._test is not None)),
            width(0),
            width(1),
            len(HEADERS[3]),
            len(HEADERS[4]),
            3,
        ]
        self.virtual_size = Size(sum(self._widths) + 2 * (len(HEADERS) - 1), n + 1)
        self.cursor = min(self.cursor, max(n - 1, 0))
        self.refresh()

    def action_move(self, rows: int) -> None:
        n = len(self.labels)
        if not n:
            return
        self.cursor = min(max(self.cursor + rows, 0), n - 1)
        visible = max(self.size.height - 1, 1)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)
        self.refresh()

    def action_page(self, pages: int) -> None:
        self.action_move(pages * max(self.size.height - 1, 1))

    def action_choose(self) -> None:
        if len(self.labels):
            self.post_message(self.Chosen(self.cursor))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def set_predictions(self, predictions: np.ndarray | None) -> None:
        """Show the network's outputs (n,), or none yet."""
        self.predictions = predictions
        self.refresh()

    def row_cells(self, index: int) -> tuple[str, ...]:
        """The cells of data row ``index`` as drawn."""
        x1, x2 = format_input(self._x[index, 0]), format_input(self._x[index, 1])
        truth = str(int(self.labels[index]))
        if self.predictions is None:
            prediction, mark = "", ""
        else:
            p = float(self.predictions[index])
            prediction = format_prediction(p)
            right = (p >= 0.5) == (self.labels[index] == 1.0)
            mark = "-" if p != p else "yes" if right else "no"  # "-": NaN, a diverged network
        held = self._test is not None and self._test[index]
        return (f"{index}t" if held else str(index), x1, x2, truth, prediction, mark)

    def _line(self, cells: tuple[str, ...]) -> str:
        return "  ".join(cell.rjust(width) for cell, width in zip(cells, self._widths))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            text, style = (
                self._line(HEADERS),
                base + self.get_component_rich_style("sample-table--header"),
            )
        else:
            index = scroll_y + y - 1
            if not 0 <= index < len(self.labels):
                return Strip.blank(width, base)
            cells = self.row_cells(index)
            style = base
            if cells[-1] == "no":
                style = base + self.get_component_rich_style("sample-table--wrong")
            if index == self.cursor and self.has_focus:
                style = style + self.get_component_rich_style("sample-table--cursor")
            text = self._line(cells)
        text = text[scroll_x : scroll_x + width].ljust(width)
        return Strip([Segment(text, style)], width)

    def visible_rows(self) -> list[tuple[str, ...]]:
        """The data rows currently on screen, as cells (for tests and screen readers)."""
        first = int(self.scroll_offset.y)
        last = min(len(self.labels), first + max(self.size.height - 1, 0))
        return [self.row_cells(i) for i in range(first, last)]

    def on_resize(self) -> None:
        self.refresh()

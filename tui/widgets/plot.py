"""Plot: loss curves with exact axis ticks, drawn by tui.canvas and coloured here.

One curve is a braille line; several are each a marker in a colour of their own (MARKERS and
COLOURS: twelve curves differ by both). In plain mode (``App.plain``: a Linux console, or
``--ascii``) a single curve is drawn with a marker too, so no braille reaches the screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.canvas import MARKERS, RULED, Curve, draw

COLOURS = (
    "#5fafff",
    "#ffaf5f",
    "#5fd787",
    "#ff5f87",
    "#d7afff",
    "#ffff5f",
    "#5fd7d7",
    "#ff87d7",
    "#afd75f",
    "#ffd7af",
    "#8787ff",
    "#e4e4e4",
)
"""A colour per overlaid curve, each readable on a dark background."""


def marker(index: int) -> str:
    return MARKERS[index % len(MARKERS)]


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def legend_mark(index: int) -> Text:
    """The curve's marker in its colour, for a legend."""
    return Text(marker(index), style=Style(color=colour(index), bold=True))


class Plot(Widget):
    """Curves over epochs; ``show(curves, log)`` replaces them and redraws."""

    DEFAULT_CSS = """
    Plot { height: 1fr; }
    Plot > .plot--axis { color: $text-muted; }
    Plot > .plot--line { color: $accent; }
    """
    COMPONENT_CLASSES = {"plot--axis", "plot--line"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.curves: list[Curve] = []
        self.log_y = True
        self.x_last: int | None = None
        self.rules: Sequence[int] = ()
        """Epochs marked by a dotted vertical line (tui.canvas.draw)."""
        self.figure = None
        """The figure last drawn (tui.canvas.Figure), for tests and screenshots."""

    def show(
        self,
        curves: list[Curve],
        log: bool = True,
        x_last: int | None = None,
        rules: Sequence[int] = (),
    ) -> None:
        self.curves, self.log_y, self.x_last, self.rules = curves, log, x_last, rules
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_region.width, self.content_region.height
        if width < 8 or height < 2 or not any(len(curve.x) for curve in self.curves):
            self.figure = None
            return Text("")
        plain = getattr(self.app, "plain", False)
        figure = draw(self.curves, width, height, self.log_y, not plain, self.x_last, self.rules)
        self.figure = figure
        axis = self.get_component_rich_style("plot--axis")
        line = self.get_component_rich_style("plot--line")
        single = len(self.curves) == 1
        text = Text(no_wrap=True, overflow="crop")
        for row, (label, cells) in enumerate(zip(figure.y_labels, figure.cells)):
            if row:
                text.append("\n")
            text.append(f"{label:>{figure.label_width - 1}}│", style=axis)
            run, run_index = [], None
            for char, index in cells:
                if index != run_index and run:
                    text.append("".join(run), style=self._style(run_index, single, line, axis))
                    run = []
                run.append(char)
                run_index = index
            if run:
                text.append("".join(run), style=self._style(run_index, single, line, axis))
        text.append("\n")
        text.append(figure.x_labels, style=axis)
        return text

    @staticmethod
    def _style(index: int | None, single: bool, line: Style, axis: Style) -> Style | str:
        if index == RULED:
            return axis
        if index is None or index < 0:
            return ""
        return line if single else Style(color=colour(index))

"""LiveView: the base of the screens that look at the current run while it trains behind them.

Each view redraws from the session about twice a second (only when the run has moved on), so
its cost does not grow with the speed of training. Escape goes back to the main screen; f2-f5
switch between views.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from tui.session import RunRecord
from tui.state import AppState
from tui.widgets.keybar import KeyBar
from tui.widgets.status import StatusLine, TooSmall, status_text

REFRESH = 0.5
"""Seconds between redraws of a view while its run changes."""


class LiveView(Screen):
    """A full-screen view of the session's current run, with the status line and keys."""

    BINDINGS = [Binding("escape", "back", "Back", tooltip="Back to the main screen")]
    HEADING = ""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self._drawn: object = object()  # nothing drawn yet: the first tick always draws

    def compose(self) -> ComposeResult:
        yield Static(self.HEADING, classes="view-heading")
        with Vertical(id="view-body"):
            yield from self.compose_view()
        yield TooSmall()
        yield StatusLine(status_text(None, self.state.pending().epochs))
        yield KeyBar()

    def compose_view(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.set_interval(REFRESH, self.tick)
        self.tick()

    @property
    def record(self) -> RunRecord | None:
        return self.state.session.current

    def key(self) -> tuple | None:
        """What the view shows, in short: it is redrawn when this changes."""
        record = self.record
        if record is None:
            return None
        return (record.run_id, record.epoch, record.state, record.stopping)

    def tick(self, force: bool = False) -> None:
        """Redraw when what the view shows has moved on since the last drawing."""
        key = self.key()
        if force or key != self._drawn:
            self._drawn = key
            self.show_status(self.record)
            self.update_view(self.record)

    def show_status(self, record: RunRecord | None) -> None:
        self.query_one(StatusLine).show(
            record, lambda: self.state.pending().epochs, self.state.runner.speed
        )

    def update_view(self, record: RunRecord | None) -> None:
        """Draw the view for this run (or for no run yet)."""

    def action_back(self) -> None:
        self.app.pop_screen()

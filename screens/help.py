"""HelpScreen: every key of the app, and how the form and the views work."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import ACTIONS, BINDINGS

NAVIGATION = [
    ("tab, shift+tab", "move between the form's fields and the table"),
    ("enter, space", "open a choice list; up, down and enter pick"),
    ("up, down, pgup, pgdn", "scroll the samples table when it has focus"),
    ("^p", "command palette: every action by name"),
    ("escape", "close a dialog"),
]


class HelpScreen(ModalScreen[None]):
    """A list of every binding with what it does."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", tooltip="Close the help"),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", max_width=16)
        table.add_column(ratio=1)
        for action, binding in zip(ACTIONS, BINDINGS):
            table.add_row(self.app.get_key_display(binding), action.tooltip)
        table.add_row("", "")
        for keys, what in NAVIGATION:
            table.add_row(keys, what)
        with VerticalScroll(id="dialog"):
            yield Static(table, id="help-text")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Keys (escape closes)"

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

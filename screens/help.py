"""HelpScreen: every key of the app, each view's own keys, and how to move around."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui.actions import ACTIONS, BINDINGS

NAVIGATION = [
    ("tab, shift+tab", "move between the form's fields and the table"),
    ("enter, space", "open a choice list; up, down and enter pick"),
    ("up, down, pgup, pgdn", "scroll the samples table when it has focus"),
    ("^p", "command palette: every action by name"),
    ("escape", "close a dialog; in a view, back to the main screen"),
]


class HelpScreen(ModalScreen[None]):
    """A list of every binding with what it does."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", tooltip="Close the help"),
    ]

    def __init__(self, views: Mapping[str, type[Screen]] | None = None) -> None:
        """``views``: the views by name, whose own keys are listed after the app's."""
        super().__init__()
        self.views = dict(views or {})

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", max_width=16)
        table.add_column(ratio=1)
        for action, binding in zip(ACTIONS, BINDINGS):
            table.add_row(self.app.get_key_display(binding), action.tooltip)
        keys_of = {action.id: self.app.get_key_display(b) for action, b in zip(ACTIONS, BINDINGS)}
        for name, view in self.views.items():
            own = [b for b in view.BINDINGS if isinstance(b, Binding) and b.action != "back"]
            table.add_row("", "")
            heading = f"{getattr(view, 'HEADING', name).split(':')[0]} view"
            table.add_row(keys_of.get(name, ""), Text(heading, style="bold"))
            for binding in own:
                table.add_row(
                    self.app.get_key_display(binding), binding.tooltip or binding.description
                )
        table.add_row("", "")
        for keys, what in NAVIGATION:
            table.add_row(keys, what)
        with VerticalScroll(id="dialog"):
            yield Static(table, id="help-text")

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = "Keys (escape closes; up, down, pgup, pgdn scroll)"
        dialog.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

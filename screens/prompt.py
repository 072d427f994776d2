"""PathPrompt: a small dialog asking for a file name, for every save and load."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class PathPrompt(ModalScreen[str | None]):
    """Asks for a path; Enter accepts, Escape cancels. Saving over a file asks once more."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving or loading")]

    def __init__(self, title: str, default: str, *, must_exist: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.must_exist = must_exist
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text)
            yield Input(self.default, id="prompt-path")
            yield Static("Enter: accept    Escape: cancel", id="prompt-message")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text.split(":")[0]

    def say(self, message: str) -> None:
        self.query_one("#prompt-message", Static).update(message)

    def on_input_changed(self) -> None:
        self._confirmed = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.say("Type a file name, or press Escape.")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.say(f"{text} is a directory; type a file name.")
        elif self.must_exist and not path.is_file():
            self.say(f"{text}: no such file")
        elif not self.must_exist and not path.parent.is_dir():
            self.say(f"{text}: directory {str(path.parent)!r} does not exist")
        elif not self.must_exist and path.exists() and self._confirmed != text:
            self._confirmed = text
            self.say(f"{text} exists: press Enter again to overwrite it, Escape to cancel.")
        else:
            self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)

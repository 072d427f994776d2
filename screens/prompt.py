"""PathPrompt: a small dialog asking for a file or directory name, for every save and load;
``save_as`` asks, writes, and says where it wrote (or why it could not)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from engine import WeightsError
from tui.widgets.text_field import TextField


def _file_clobbered(path: Path) -> list[Path]:
    return [path] if path.exists() else []


class PathPrompt(ModalScreen[str | None]):
    """Asks for a path; Enter accepts, Escape cancels. Replacing files asks once more.

    ``must_exist``: the path is read (load). ``directory``: the path names a directory to write
    into (made if missing); ``clobbered(path)`` lists the files writing there would replace.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving or loading")]

    def __init__(
        self,
        title: str,
        default: str,
        *,
        must_exist: bool = False,
        directory: bool = False,
        clobbered: Callable[[Path], list[Path]] = _file_clobbered,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.must_exist = must_exist
        self.directory = directory
        self.clobbered = clobbered
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, markup=False)
            yield TextField(self.default, id="prompt-path")
            yield Static("Enter: accept    Escape: cancel", id="prompt-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text.split(":")[0]

    def say(self, message: str) -> None:
        self.query_one("#prompt-message", Static).update(message)

    def on_input_changed(self) -> None:
        self._confirmed = None

    def problem(self, text: str, path: Path) -> str | None:
        """Why the path cannot be used, or None."""
        if "\0" in text:
            return f"{text!r}: a name cannot hold a NUL character"
        if self.directory:
            if path.exists() and not path.is_dir():
                return f"{text} is a file; type a directory name."
        elif path.is_dir():
            return f"{text} is a directory; type a file name."
        if self.must_exist:
            return None if path.is_file() else f"{text}: no such file"
        if not path.parent.is_dir():
            return f"{text}: directory {str(path.parent)!r} does not exist"
        return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.say("Type a name, or press Escape.")
            return
        path = Path(text).expanduser()
        try:
            problem = self.problem(text, path)
            replaced = [] if problem or self.must_exist else self.clobbered(path)
        except (OSError, ValueError) as error:  # a name too long, a NUL: said, never a crash
            problem = f"{text}: {getattr(error, 'strerror', None) or 'not a usable name'}"
        if problem:
            self.say(problem)
            return
        if replaced and self._confirmed != text:
            self._confirmed = text
            names = ", ".join(p.name for p in replaced)
            verb = "exists" if len(replaced) == 1 else "exist"
            self.say(f"{names} {verb}: press Enter again to overwrite, Escape to cancel.")
            return
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)


def write_and_tell(app: App, path: str, write: Callable[[], object], what: str) -> None:
    """Run ``write()``; a notification names the file, or says why it could not be written."""
    try:
        write()
    except OSError as error:
        app.notify(f"{path}: {error.strerror or error}", title="Cannot save", severity="error")
    except WeightsError as error:  # e.g. the weights of a diverged run
        app.notify(str(error), title="Cannot save", severity="error")
    else:
        app.notify(path, title=what)


def save_as(app: App, prompt: PathPrompt, write: Callable[[str], object], what: str) -> None:
    """Ask for a path with ``prompt``, then ``write(path)`` and tell the user."""

    def chosen(path: str | None) -> None:
        if path:
            write_and_tell(app, path, partial(write, path), what)

    app.push_screen(prompt, chosen)

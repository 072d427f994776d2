"""Helpers for Pilot tests: read what the user sees, and wait for it without fixed sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from engine import Config
from screens.prompt import PathPrompt
from tui.app import BackpropApp


def make_app(autostart: bool = False, **settings) -> BackpropApp:
    return BackpropApp(Config(**settings), autostart=autostart)


def screen_text(app) -> str:
    """The whole screen as the user sees it, one line per row (the compositor's own output)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def status(app: BackpropApp) -> str:
    return str(app.main.query_one("#status").content)


def field_error(app: BackpropApp, field: str) -> str:
    """The message shown under a form field (empty when its value is fine)."""
    return str(app.main.form.query_one(f"#error-{field}").content)


def notified(app: BackpropApp, text: str) -> bool:
    """Whether a notification whose title or message contains ``text`` has been shown."""
    return any(text in f"{note.title}: {note.message}" for note in app._notifications)


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app process its messages until condition() holds (fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; the screen:\n{screen_text(pilot.app)}")
        await pilot.pause(0.01)


async def on_screen(pilot: Pilot, text: str, timeout: float = 30.0) -> None:
    """Wait until ``text`` is on the screen."""
    await until(pilot, lambda: text in screen_text(pilot.app), timeout)


async def finished(pilot: Pilot) -> None:
    """Wait for the training worker to end and its last messages to be shown."""
    app = pilot.app
    await until(pilot, lambda: app.session.current is not None)
    await app.workers.wait_for_complete()
    await until(pilot, lambda: not app.session.current.active)


async def focus_by_keys(pilot: Pilot, target) -> None:
    """Move the focus to ``target`` with Tab or Shift+Tab, whichever takes fewer presses."""
    app = pilot.app
    chain = app.screen.focus_chain
    assert target in chain, f"{target.id} cannot be reached with Tab"
    if app.focused in chain:
        forward = (chain.index(target) - chain.index(app.focused)) % len(chain)
        backward = len(chain) - forward
    else:  # nothing focused: Tab goes to the first
        forward, backward = chain.index(target) + 1, len(chain)
    key, presses = ("tab", forward) if forward <= backward else ("shift+tab", backward)
    for _ in range(presses):
        await pilot.press(key)
    assert app.focused is target, f"{key} never reached {target.id}"


async def answer_prompt(pilot: Pilot, path: str) -> None:
    """Type ``path`` into the path dialog once it has the focus, and press Enter."""
    app = pilot.app
    assert isinstance(app.screen, PathPrompt)
    await until(pilot, lambda: app.focused is app.screen.query_one("#prompt-path"))
    await pilot.press("ctrl+a", "ctrl+k", *path, "enter")


async def type_into(pilot: Pilot, field: str, text: str) -> None:
    """Focus a form field with the keyboard and replace its text."""
    app = pilot.app
    target = (
        app.screen.query_one(f"#{field}")
        if field.startswith("sweep")
        else app.main.form.widget(field)
    )
    await focus_by_keys(pilot, target)
    await pilot.press("ctrl+a", "ctrl+k", *text)

"""Helpers for Pilot tests: read what the user sees, and wait for it without fixed sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot

from engine import Config
from tui.app import BackpropApp


def make_app(autostart: bool = False, **settings) -> BackpropApp:
    return BackpropApp(Config(**settings), autostart=autostart)


def screen_text(app) -> str:
    """The whole screen as the user sees it, one line per row (the compositor's own output)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def status(app: BackpropApp) -> str:
    return str(app.main.query_one("#status").content)


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app process its messages until condition() holds (fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; status: {status(pilot.app)!r}")
        await pilot.pause(0.01)


async def finished(pilot: Pilot) -> None:
    """Wait for the training worker to end and its last messages to be shown."""
    app = pilot.app
    await until(pilot, lambda: app.session.current is not None)
    await app.workers.wait_for_complete()
    await until(pilot, lambda: not app.session.current.active)


async def type_into(pilot: Pilot, field: str, text: str) -> None:
    """Focus a form field with the keyboard (Tab) and replace its text."""
    app = pilot.app
    target = (
        app.screen.query_one(f"#{field}")
        if field.startswith("sweep")
        else app.main.form.widget(field)
    )
    for _ in range(30):
        if app.focused is target:
            break
        await pilot.press("tab")
    assert app.focused is target, f"Tab never reached {field}"
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def send_keys(pilot: Pilot, *keys: str) -> None:
    """Deliver keys through the app's driver as Pilot.press does, but without its wait for the
    whole process to go idle, which a training thread never lets happen (each press would cost
    two seconds)."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)
        await pilot.pause(0)

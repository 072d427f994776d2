"""Shared fixtures: every test runs in its own temporary working directory, and a crash log
goes to a state directory of its own, never the user's. Pilot waits for the app, not for the
whole process to go idle."""

import asyncio
import sys

import pytest


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


async def _handled(*_args, **_kwargs) -> None:
    """Return once the app, its screen and the focused widget have handled every message they
    had when called (a condition, not a sleep). Textual calls it twice per key: the first lets
    the app take the key, the second lets the focused widget take it when the app passes it on.
    """
    from textual._context import active_app

    for _ in range(3):  # the driver posts a key with run_coroutine_threadsafe: a few loop turns
        await asyncio.sleep(0)
    app = active_app.get(None)
    if app is None or not app.is_running or not app.screen_stack:
        return
    done = []
    for pump in {app, app.screen, app.focused} - {None}:
        event = asyncio.Event()
        if pump.call_later(event.set):
            done.append(event.wait())
    await asyncio.wait_for(asyncio.gather(*done), timeout=30)


@pytest.fixture(autouse=True)
def _pilot_waits_for_the_app(monkeypatch):
    """After every key, ``Pilot.press`` (through ``App._press_keys``) and ``Pilot.pause()``
    wait until the process's CPU time stops advancing, for up to a second each time. A training
    thread never lets that happen, so every key cost two seconds. Here that wait lets the app
    handle what was just sent instead; tests then wait for what the user would see with
    ``tests.tui.helpers.until``. Tests that never load Textual are left alone."""
    if "textual.app" not in sys.modules:
        return
    import textual.app
    import textual.pilot

    monkeypatch.setattr(textual.app, "wait_for_idle", _handled)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", _handled)

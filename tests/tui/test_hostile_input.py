"""No ordinary input ends the app: an odd path is a marked field, a wrongly typed TOML value a
notification; the run on screen and the form are kept."""

from __future__ import annotations

from pathlib import Path

from engine import Config
from tui.app import BackpropApp

from .helpers import screen_text, until

LONG = "a" * 300


async def test_a_csv_name_too_long_is_marked_at_the_field_and_the_app_goes_on():
    app = BackpropApp(Config(dataset="xor", epochs=50))
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.main.form.widget("data")
        field.focus()
        await pilot.press(*(LONG + ".csv"))
        await until(
            pilot, lambda: "too long" in str(app.main.form.query_one("#error-data").content)
        )
        await pilot.press("ctrl+r")
        await until(pilot, lambda: any("Fix the marked" in n.message for n in app._notifications))
        assert app.session.runs == []
        await pilot.press("ctrl+a", "ctrl+k")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current is not None)
        await until(pilot, lambda: app.session.current.state == "done")


async def test_loading_a_wrongly_typed_toml_mid_training_keeps_the_run_and_the_form(tmp_path):
    Path("bad.toml").write_text('dataset = ["xor"]\nlr = [1]\n')
    app = BackpropApp(Config(dataset="xor", epochs=10_000_000, lr=0.7))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current is not None and app.session.current.epoch)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "Load config from" in screen_text(app))
        await pilot.press("ctrl+a", "ctrl+k", *"bad.toml", "enter")
        await until(pilot, lambda: any("bad.toml: " in n.message for n in app._notifications))
        assert app.main.form.widget("lr").value == "0.7"
        assert app.session.current.state == "running"
        await pilot.press("ctrl+g")
        await until(pilot, lambda: app.session.current.state == "stopped")


async def test_a_stop_during_a_heavy_epoch_says_stopping_until_it_takes_effect():
    heavy = Config(dataset="circle", samples=20_000, hidden=(512, 512), epochs=50)
    app = BackpropApp(heavy)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "running" in screen_text(app), timeout=30)
        await pilot.press("ctrl+g")
        assert "stopping…  epoch" in screen_text(app)  # at once, before the epoch ends
        await until(pilot, lambda: app.session.current.state == "stopped", timeout=60)
        assert "stopped  epoch" in screen_text(app)

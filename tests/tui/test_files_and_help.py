"""Save and load a config, save weights and a screenshot, the help screen and the palette."""

from pathlib import Path

import numpy as np
from textual.command import CommandPalette

from engine import Config, Network, Run, load_toml, load_weights, save_toml, save_weights
from screens.help import HelpScreen
from screens.prompt import PathPrompt
from tui.actions import ACTIONS
from tui.app import BackpropApp

from .helpers import answer_prompt, finished, make_app, notified, on_screen, screen_text, until


async def test_save_config_asks_before_overwriting():
    app = make_app(dataset="gauss", lr=0.3, hidden=(6, 3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await answer_prompt(pilot, "mine.toml")
        await until(pilot, lambda: Path("mine.toml").exists())
        assert load_toml("mine.toml") == Config(dataset="gauss", lr=0.3, hidden=(6, 3))
        Path("mine.toml").write_text("epochs = 5\n")
        await pilot.press("ctrl+s")
        await answer_prompt(pilot, "mine.toml")
        assert isinstance(app.screen, PathPrompt)  # still asking
        assert "exists" in str(app.screen.query_one("#prompt-message").content)
        assert Path("mine.toml").read_text() == "epochs = 5\n"
        await pilot.press("enter")
        assert not isinstance(app.screen, PathPrompt)
        await until(pilot, lambda: Path("mine.toml").read_text() != "epochs = 5\n")
        assert load_toml("mine.toml").lr == 0.3


async def test_load_config_fills_the_form():
    save_toml(Config(dataset="circle", activation="tanh", lr=0.05, epochs=777), "saved.toml")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await answer_prompt(pilot, "saved.toml")
        form = app.main.form
        await until(pilot, lambda: form.widget("dataset").value == "circle")
        assert form.widget("activation").value == "tanh"
        assert form.widget("lr").value == "0.05"
        assert form.widget("epochs").value == "777"
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert app.session.current.config.epochs == 777


async def test_loading_a_bad_config_says_why_and_keeps_the_form():
    Path("bad.toml").write_text("lr = -2\n")
    app = make_app(lr=0.7)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await answer_prompt(pilot, "bad.toml")
        await until(pilot, lambda: notified(app, "bad.toml: lr"))
        assert app.main.form.widget("lr").value == "0.7"


async def test_save_weights_and_screenshot():
    app = make_app(dataset="xor", hidden=(5,), epochs=200)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await finished(pilot)
        await pilot.press("ctrl+f")
        await answer_prompt(pilot, "w.npz")
        await until(pilot, lambda: Path("w.npz").exists())
        archive = np.load("w.npz")
        assert archive["W1"].shape == (2, 5) and archive["W2"].shape == (5, 1)
        await pilot.press("f12")
        await answer_prompt(pilot, "shot.svg")
        await until(pilot, lambda: notified(app, "screenshot saved: shot.svg"))
        svg = Path("shot.svg").read_text()
        assert svg.startswith("<svg") and "Settings" in svg


async def test_help_lists_every_key_with_what_it_does_and_closes():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await on_screen(pilot, "Keys (escape closes")  # the dialog is drawn
        dialog = app.screen.query_one("#dialog")
        await until(pilot, lambda: app.focused is dialog)
        # the rows as one line (a long one wraps inside the dialog's border), page by page
        pages = []
        while True:
            # the border and the scroll bar (its thumb may sit on any row) are not the rows
            text = screen_text(app).translate({ord(c): " " for c in "│▁▂▃▄▅▆▇█"})
            pages.append(" ".join(text.split()))
            if dialog.scroll_y >= dialog.max_scroll_y:
                break
            target = min(
                dialog.scroll_y + dialog.scrollable_content_region.height - 1, dialog.max_scroll_y
            )
            await pilot.press("pagedown")
            await until(pilot, lambda t=target: dialog.scroll_y >= t)
        rows = " ".join(pages)
        for action in ACTIONS:
            key = app.get_key_display(action.binding())
            assert f" {key} {action.tooltip} " in rows, key
        # and each view's own keys under its name
        assert " f4 Runs view space Mark or unmark the run under the cursor " in rows
        assert " f9 Back-propagation view ] Show the next layer " in rows
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_lists_every_action_and_finds_one_by_name():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)

        def shown() -> list[str]:
            """The palette's options as the user reads them (none while it is still opening)."""
            lists = app.screen.query("CommandList")
            options = lists.first() if lists else None
            count = options.option_count if options else 0
            return [str(options.get_option_at_index(i).prompt) for i in range(count)]

        await until(pilot, lambda: len(shown()) >= len(ACTIONS))
        titles = {option.splitlines()[0] for option in shown()}
        expected = {f"{a.title}  ({app.get_key_display(a.binding())})" for a in ACTIONS}
        assert titles == expected  # the app's actions, none of Textual's own (themes, ...)
        await pilot.press(*"save weights")
        await until(pilot, lambda: len(shown()) == 1)
        assert shown()[0].startswith("Save weights (.npz)  (^f)")
        await pilot.press("down", "enter")  # runs it: there is nothing to save yet
        await until(pilot, lambda: notified(app, "Train first: there are no weights yet"))
        assert not isinstance(app.screen, CommandPalette)


def test_a_crash_is_one_line_and_a_non_zero_exit(monkeypatch, capsys):
    from tui import app as app_module

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(app_module.BackpropApp, "on_mount", broken)
    status = app_module.run_app(Config(), headless=True)
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and "unexpected error: RuntimeError('boom')" in err
    assert "Traceback" not in err


async def test_command_line_weights_start_and_save_every_run(tmp_path):
    start = Run(Config(dataset="xor", epochs=3000))
    for _ in start:
        pass
    save_weights(start.net, "start.npz")
    app = BackpropApp(
        Config(dataset="xor", epochs=1),
        autostart=True,
        init_weights="start.npz",
        save_weights="end.npz",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        assert app.session.current.outcome.accuracy == 1.0  # it started from the trained weights
        await until(pilot, lambda: Path("end.npz").exists())
        net = Network((2, 4, 4, 1), "sigmoid")
        load_weights(net, "end.npz")
        assert np.array_equal(net.theta, app.session.current.weights)

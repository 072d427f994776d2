"""The Experiments screen: a preset or a custom sweep, run in the background, cancelled, rerun."""

import numpy as np

from engine.sweep import PRESETS
from screens.experiments import ExperimentsScreen
from screens.runs import RunsScreen
from tui.messages import SweepProgress

from .helpers import make_app, on_screen, type_into, until


async def pick_preset(pilot, steps_down: int) -> None:
    """Choose a preset with the keyboard: the list opens on enter, arrows move, enter picks."""
    app = pilot.app
    await until(pilot, lambda: app.focused is not None and app.focused.id == "sweep-preset")
    presets = app.focused
    await pilot.press("enter")
    await until(pilot, lambda: presets.expanded)
    await pilot.press(*["down"] * steps_down, "enter")
    await until(pilot, lambda: not presets.expanded)


async def test_a_preset_runs_in_the_background_and_joins_the_runs_table():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        assert isinstance(screen, ExperimentsScreen)
        await pick_preset(pilot, 3)  # lab, learning-rates, hidden-units, no-activation
        vary = app.screen.query_one("#sweep-vary")
        await until(pilot, lambda: "activation=sigmoid,none" in vary.value)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.experiment.state == "done", timeout=120)
        # one panel per dataset, as the command line's charts: linear first
        await until(pilot, lambda: len(screen.series_labels) == 2)
        assert screen.series_labels == ["activation=sigmoid", "activation=none"]
        await on_screen(pilot, "4/4 runs")
        await on_screen(pilot, "no-activation dataset=linear")
        await on_screen(pilot, "base: dataset=linear optimizer=gd lr=2")  # what is not varied
        panel = screen.query_one("#sweep-section")
        panel.value = "no-activation dataset=xor"
        await on_screen(pilot, "base: dataset=xor")
        legend = screen.query_one("#sweep-legend")
        assert [str(legend.get_row_at(i)[1]) for i in range(legend.row_count)] == [
            "activation=sigmoid",
            "activation=none",
        ]
        assert len(app.session.runs) == 4
        await pilot.press("f4")
        assert isinstance(app.screen, RunsScreen)
        await on_screen(pilot, "activation=none")


async def test_cancel_midway_then_start_again():
    app = make_app(dataset="xor", epochs=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pick_preset(pilot, len(PRESETS))  # custom: the form's settings, varied
        await type_into(pilot, "sweep-vary", "epochs=300,5000000")  # one run all but endless
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.experiment.finished == 1, timeout=60)
        await pilot.press("ctrl+g")  # stops it
        await until(pilot, lambda: app.experiment.state == "cancelled", timeout=60)
        # the run that had finished is kept, and so is the other as far as it got, stopped
        runs = app.session.runs
        assert [r.config.epochs for r in runs] == [300, 5000000]
        assert runs[1].state == "stopped" and 0 < runs[1].epoch < 5000000
        await on_screen(pilot, "cancelled")
        await type_into(pilot, "sweep-vary", "lr=0.5,2")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.experiment.sweep_id == 2)
        # a late message from the first sweep changes nothing: no stale curves
        app.post_message(SweepProgress(sweep_id=1, runs={"stale": None}))
        await pilot.pause()  # returns once the app has handled every message sent before it
        assert "stale" not in app.experiment.runs
        await until(pilot, lambda: app.experiment.state == "done", timeout=60)
        assert len(app.session.runs) == 2 + 2
        assert app.experiment.finished == 2
        await on_screen(pilot, "sweep 2: done, 2/2 runs")
        await pilot.press("escape", "ctrl+r")  # back on the main screen, ctrl+r trains as before
        await until(
            pilot, lambda: app.session.current is not None and app.session.current.epoch > 0
        )


async def test_custom_sweep_over_the_forms_settings_and_bad_settings():
    app = make_app(dataset="xor", epochs=150)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        await pick_preset(pilot, len(PRESETS))  # custom
        await type_into(pilot, "sweep-vary", "lr=fast")
        await pilot.press("ctrl+r")
        assert app.experiment.state == "idle"
        await on_screen(pilot, "Vary: lr: must be a number")
        await type_into(pilot, "sweep-vary", "lr=0.5,2 seed=1,2")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.experiment.state == "done", timeout=60)
        configs = list(app.experiment.runs)
        assert sorted((c.lr, c.seed) for c in configs) == [(0.5, 1), (0.5, 2), (2.0, 1), (2.0, 2)]
        assert all(c.epochs == 150 and c.dataset == "xor" for c in configs)
        # a panel per seed, a curve per learning rate; the epochs it uses are stated
        await until(pilot, lambda: screen.series_labels == ["lr=0.5", "lr=2"])
        await on_screen(pilot, "sweep seed=1")
        await on_screen(pilot, "epochs=150")


async def test_held_out_runs_are_charted_by_their_test_loss_and_t_switches_to_training():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        await pick_preset(pilot, list(PRESETS).index("regularisation"))
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.experiment.state == "done", timeout=120)
        await on_screen(pilot, "regularisation dataset=spiral (test loss)")
        await on_screen(pilot, "t: chart the training loss")
        chart = screen.query_one("#sweep-chart")
        _, configs, _ = screen.shown(app.experiment)  # the panel's runs, in the legend's order
        runs = [app.experiment.runs[c] for c in configs]
        assert len(runs) == 4 and all(c.dataset == "spiral" for c in configs)
        # the curves are the test losses (log10), the legend their last values
        await until(pilot, lambda: [c.x[-1] for c in chart.curves] == [2000] * 4)
        drawn = [curve.y for curve in chart.curves]
        tests = [np.log10(run.test_loss_history) for run in runs]
        assert all(np.isclose(d[-1], t[-1]) for d, t in zip(drawn, tests))
        legend = screen.query_one("#sweep-legend")
        assert str(legend.columns["loss"].label) == "test"
        await pilot.press("t")
        await on_screen(pilot, "regularisation dataset=spiral (train loss)")
        drawn = [curve.y for curve in chart.curves]
        trains = [np.log10(run.loss_history) for run in runs]
        assert all(np.isclose(d[-1], t[-1]) for d, t in zip(drawn, trains))
        assert str(legend.columns["loss"].label) == "loss"

"""Any run, any view: a finished run -- a sweep's too -- re-opened from the runs view (f4) is the
run on the main screen and in the results, boundary and network views, from its final weights,
without retraining."""

import dataclasses

import numpy as np

import screens.results as results_module
from engine import Config, Network, Outcome, Run, State
from engine.network import split_blocks
from engine.plane import extent, grid_outputs
from engine.sweep import PRESETS
from screens.boundary import BoundaryScreen
from screens.main import MainScreen
from screens.network import NetworkScreen
from screens.results import ResultScreen
from screens.runs import RunsScreen
from tui.plotting import percent, short_loss

from .helpers import finished, make_app, notified, screen_text, status, type_into, until
from .test_experiments import pick_preset

BASE = dict(dataset="circle", samples=80, noise=0.1, epochs=300)
"""Data drawn from the seed: a re-opened sweep's run has to draw it again."""


def trained_alone(config: Config) -> Run:
    """The same config trained through the engine on its own, to its end."""
    run = Run(config)
    for _ in run:
        pass
    return run


def add_finished(app, **settings):
    """A run trained elsewhere, booked as the app books a sweep's runs."""
    run = trained_alone(Config(**settings))
    return app.session.add_finished(run.config, run.outcome())


async def open_runs_on(pilot, record) -> RunsScreen:
    """f4, then the cursor down to ``record``'s row."""
    app = pilot.app
    await pilot.press("f4")
    screen = app.screen
    assert isinstance(screen, RunsScreen)
    await until(pilot, lambda: app.focused is not None and app.focused.screen is screen)
    await until(pilot, lambda: screen.query_one("#runs-table").row_count == len(app.session.runs))
    await pilot.press(*["down"] * app.session.runs.index(record))
    assert screen.selected_id() == record.run_id
    return screen


def weight_rows(text: str, name: str) -> list[list[str]]:
    """The rows of the values tables (f5, v) that start with ``name`` (x1, x2, bias)."""
    return [line.split()[1:] for line in text.splitlines() if line.split()[:1] == [name]]


async def test_a_sweep_run_reopens_in_every_view_as_if_trained_alone(monkeypatch):
    drawn = []  # what the results view plots: (points, classes, title)
    real_scatter = results_module.scatter

    def scatter(plot, x, classes, title):
        drawn.append((x, classes, title))
        real_scatter(plot, x, classes, title)

    monkeypatch.setattr(results_module, "scatter", scatter)
    app = make_app(**BASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pick_preset(pilot, len(PRESETS))  # custom: the form's settings, varied
        await type_into(pilot, "sweep-vary", "lr=0.5,2")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.experiment.state == "done", timeout=60)
        assert len(app.session.runs) == 2 and all(r.data is None for r in app.session.runs)
        record = next(r for r in app.session.runs if r.config.lr == 2)
        other = next(r for r in app.session.runs if r is not record)
        alone = trained_alone(record.config)
        outcome = alone.outcome()
        theta, data = alone.net.theta, alone.data
        assert not np.array_equal(other.outcome.weights, theta)  # the runs tell apart

        await open_runs_on(pilot, record)
        await pilot.press("enter")
        await until(pilot, lambda: notified(app, f"run {record.run_id} re-opened"))
        assert isinstance(app.screen, MainScreen)
        assert app.session.current is record and not record.active
        assert app.main.form.widget("lr").value == "2.0"  # ctrl+r would train it again
        # the main screen: its status, its samples with their predictions, its loss curve
        await until(pilot, lambda: status(app).startswith("done  epoch 300/300"))
        text = status(app)
        assert f"loss {short_loss(outcome.final_loss)}" in text
        assert f"acc {percent(outcome.accuracy)}" in text
        table = app.main.table
        assert np.array_equal(table.labels, data.y) and np.array_equal(table._x, data.x)
        assert np.array_equal(table.predictions, outcome.predictions)
        first = table.visible_rows()[0]
        assert first[4] == f"{outcome.predictions[0]:.6f}" and first[4] in screen_text(app)
        assert app.main.chart.epochs == 300
        assert np.array_equal(app.main.chart.series[0][[0, -1]], [1, 300])

        await pilot.press("f2")  # the results: its predictions over its data
        assert isinstance(app.screen, ResultScreen)
        await until(pilot, lambda: any(t.startswith("Prediction: ") for _, _, t in drawn))
        x, classes, title = next(d for d in drawn if d[2].startswith("Prediction: "))
        assert np.array_equal(x, data.x)
        predicted = (outcome.predictions >= 0.5).astype(int)
        wrong = predicted != data.y
        assert np.array_equal(classes, predicted + 2 * wrong)  # capitals: the mistakes
        assert title == f"Prediction: acc {percent(outcome.accuracy)}, {wrong.sum()} wrong"

        await pilot.press("f3")  # the boundary: its final network over the plane
        screen = app.screen
        assert isinstance(screen, BoundaryScreen)
        await until(pilot, lambda: screen.map.grid is not None and screen.map.grid.shape[1] > 40)
        grid, bounds = screen.map.grid, screen.map.bounds
        assert bounds == extent(data.x)
        net = Network.from_weights(record.config.sizes, record.config.activation, theta)
        expected = grid_outputs(net, bounds, grid.shape[1], grid.shape[0])
        assert np.array_equal(grid, np.clip(expected, 0.0, 1.0))

        await pilot.press("f5", "v")  # the network: its exact weights
        assert isinstance(app.screen, NetworkScreen)
        assert np.array_equal(app.session.current.weights, theta)
        await until(pilot, lambda: "Layer 1: 2 -> 4" in screen_text(app))
        shown = screen_text(app)
        block = split_blocks(theta, record.config.sizes)[0]  # [W1; b1]
        for name, row in zip(("x1", "x2", "bias"), block):
            assert weight_rows(shown, name)[0] == [f"{w:+.3f}" for w in row]

        # another run on screen: the first drops the data it drew again (bounded memory)
        await pilot.press("escape")
        await open_runs_on(pilot, other)
        await pilot.press("enter")
        await until(pilot, lambda: app.session.current is other and other.data is not None)
        assert record.data is None and record.snapshot is None
        assert not np.array_equal(app.main.table.predictions, outcome.predictions)
        assert app._exception is None


async def test_reopening_is_refused_while_a_run_trains():
    app = make_app(dataset="xor", epochs=5_000_000, lr=0.7)
    record = add_finished(app, dataset="xor", epochs=200, lr=3.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current.epoch > 0)
        training = app.session.current
        await open_runs_on(pilot, record)
        await pilot.press("enter")
        await until(pilot, lambda: notified(app, "Stop the run first (ctrl+g)."))
        assert isinstance(app.screen, RunsScreen)  # nothing changed
        assert app.session.current is training and training.active
        assert app.main.form.widget("lr").value == "0.7" and record.data is None
        await pilot.press("ctrl+g")  # stopped, it may be re-opened
        await finished(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.session.current is record)
        assert isinstance(app.screen, MainScreen)
        await until(pilot, lambda: status(app).startswith("done  epoch 200/200"))


async def test_a_run_without_weights_says_so_and_changes_nothing():
    app = make_app(dataset="xor", epochs=40)
    losses = [0.25, 0.24]  # a sweep's run that reported epochs, then its worker failed
    record = app.session.add_finished(
        Config(dataset="xor", lr=5.0), Outcome(loss_history=losses, state=State.STOPPED)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_runs_on(pilot, record)
        await pilot.press("enter")
        await until(pilot, lambda: notified(app, f"run {record.run_id} kept no weights"))
        assert isinstance(app.screen, RunsScreen)
        assert app.session.current is None and app.main.form.widget("lr").value == "2.0"


async def test_a_sweep_run_whose_data_file_is_gone_or_changed(tmp_path):
    path = tmp_path / "points.csv"
    rows = [(i / 20, (i * 7 % 20) / 20, int(i % 3 == 0)) for i in range(20)]
    path.write_text("".join(f"{a},{b},{c}\n" for a, b, c in rows))
    app = make_app(dataset="xor", epochs=40)
    record = add_finished(app, data=str(path), epochs=100)
    async with app.run_test(size=(80, 24)) as pilot:
        path.write_text("".join(f"{b},{a},{c}\n" for a, b, c in rows))  # the same size, changed
        await open_runs_on(pilot, record)
        await pilot.press("enter")
        await until(pilot, lambda: notified(app, "not the samples run 1 trained on any more"))
        assert app.session.current is None
        path.unlink()
        await open_runs_on(pilot, record)
        await pilot.press("enter")
        await until(pilot, lambda: notified(app, f"run 1 cannot be re-opened: {path}"))
        assert app.session.current is None and record.data is None
        assert app._exception is None


async def test_a_long_run_reopens_with_its_thinned_curve_to_its_last_epoch():
    app = make_app(dataset="xor", epochs=40)
    run = trained_alone(Config(dataset="xor", epochs=150))
    long = 250_001  # epochs: its history is thinned when it joins the session
    history = (1.0 / np.arange(1, long + 1)).tolist()
    outcome = dataclasses.replace(
        run.outcome(), loss_history=history, grad_norms=None, accuracy_history=()
    )
    record = app.session.add_finished(run.config, outcome)
    assert record.outcome.every > 1
    async with app.run_test(size=(80, 24)) as pilot:
        await open_runs_on(pilot, record)
        await pilot.press("enter")
        await until(pilot, lambda: app.session.current is record)
        assert isinstance(app.screen, MainScreen)
        epochs, _ = app.main.chart.series
        assert app.main.chart.epochs == long and epochs[-1] == long and epochs[0] > 1
        assert f"epoch {long}/150" in status(app)

"""The views of a run: results, decision boundary, runs compared, network weights."""

import csv
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from engine import Config, Run
from engine.plane import cell_of
from screens.boundary import BoundaryScreen
from screens.main import MainScreen
from screens.network import NetworkScreen
from screens.prompt import PathPrompt
from screens.results import ResultScreen
from screens.runs import RunsScreen
from tui.canvas import MARKERS

from .helpers import (
    answer_prompt,
    finished,
    make_app,
    notified,
    on_screen,
    screen_text,
    status,
    type_into,
    until,
)


async def test_results_show_truth_beside_prediction_and_follow_training():
    app = make_app(dataset="linear", epochs=3_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current.epoch > 0)
        await pilot.press("f2")
        assert isinstance(app.screen, ResultScreen)
        await until(pilot, lambda: isinstance(app.screen._drawn, tuple))
        first = app.screen._drawn[1]
        await until(pilot, lambda: app.screen._drawn[1] > first)  # redrawn as it learns
        text = screen_text(app)
        assert "Ground truth" in text and "Prediction: acc" in text
        left = "".join(line[:40] for line in text.splitlines()[2:-5])
        right = "".join(line[40:] for line in text.splitlines()[2:-5])
        for half in (left, right):
            assert half.count("o") > 10 and half.count("x") > 10  # both classes, by marker
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("ctrl+g")
        await finished(pilot)


def grid_value(boundary, point):
    grid, bounds = boundary.map.grid, boundary.map.bounds
    row, column = cell_of(np.array([point]), bounds, grid.shape[1], grid.shape[0])
    return grid[row[0], column[0]]


async def test_boundary_splits_the_linear_plane_along_its_diagonal(monkeypatch):
    import screens.boundary as boundary_module

    threads = []
    real = boundary_module.grid_outputs

    def spy(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(boundary_module, "grid_outputs", spy)
    app = make_app(autostart=True, dataset="linear", epochs=1000)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, BoundaryScreen)
        await until(pilot, lambda: screen.map.grid is not None and screen.map.grid.shape[1] > 40)
        below, above = grid_value(screen, (0.9, 0.1)), grid_value(screen, (0.1, 0.9))
        assert below < 0.2 and above > 0.8  # label 0 where x1 > x2, label 1 on the other side
        # and the cells drawn there differ
        grid = screen.map.grid
        r0, c0 = cell_of(
            np.array([[0.9, 0.1]]), screen.map.bounds, grid.shape[1], grid.shape[0] // 2
        )
        r1, c1 = cell_of(
            np.array([[0.1, 0.9]]), screen.map.bounds, grid.shape[1], grid.shape[0] // 2
        )
        cell = lambda r, c: screen.map.render_line(int(r)).crop(int(c), int(c) + 1)  # noqa: E731
        assert list(cell(r0[0], c0[0]))[0].style != list(cell(r1[0], c1[0]))[0].style
        assert threads and not any(threads)  # computed off the UI thread


@pytest.mark.parametrize(
    "no_color, low, high", [(False, "blue", "orange"), (True, "dark", "light")]
)
async def test_the_boundary_legend_names_the_colours_the_terminal_draws(
    no_color, low, high, monkeypatch
):
    if no_color:  # the terminal draws every colour in greys
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(autostart=True, dataset="linear", epochs=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        await pilot.press("f3")
        screen = app.screen
        await until(pilot, lambda: screen.map.grid is not None)
        if no_color:  # shades first; m draws it in (grey) colours
            assert screen.map.shade_mode
            await pilot.press("m")
        legend = str(screen.query_one("#map-axes").content)
        assert legend.startswith(f"0 {low}") and f"1 {high}" in legend
        assert ("blue" in legend) is not no_color


async def test_boundary_spans_data_outside_the_unit_square():
    app = make_app(autostart=True, dataset="gauss", samples=200, epochs=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        await pilot.press("f3")
        screen = app.screen
        await until(pilot, lambda: screen.map.grid is not None and screen.map.grid.shape[1] > 40)
        x = app.session.current.data.x
        x1_min, x1_max, x2_min, x2_max = screen.map.bounds
        assert x1_min < x[:, 0].min() and x1_max > x[:, 0].max()
        assert x2_min < x[:, 1].min() and x2_max > x[:, 1].max()
        assert grid_value(screen, (2.0, 2.0)) > 0.5 > grid_value(screen, (-2.0, -2.0))
        await pilot.press("m")
        assert screen.map.shade_mode  # characters instead of colours
        text = screen_text(app)
        assert "▒" in text and "o" in text and "x" in text


async def test_runs_compared_reopened_removed_and_exported():
    app = make_app(dataset="xor", epochs=300)
    async with app.run_test(size=(100, 30)) as pilot:
        for lr in ("0.5", "2"):
            await type_into(pilot, "lr", lr)
            await pilot.press("ctrl+r")
            await finished(pilot)
        await type_into(pilot, "epochs", "200")
        await pilot.press("ctrl+r")
        await finished(pilot)
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        await until(pilot, lambda: app.focused is not None and app.focused.screen is screen)
        await pilot.press("space", "down", "space")
        # what differs between the marked runs first, then the other key settings
        assert [name.split()[0] for name in screen.series_labels] == ["lr=0.5", "lr=2"]
        # and the legend names them
        await until(pilot, lambda: "lr=0.5" in screen_text(app) and "lr=2" in screen_text(app))
        await pilot.press("down", "space")
        assert [name.split()[:2] for name in screen.series_labels] == [
            ["lr=0.5", "epochs=300"],
            ["lr=2", "epochs=300"],
            ["lr=2", "epochs=200"],
        ]

        await pilot.press("e")
        await answer_prompt(pilot, "report")
        await until(pilot, lambda: notified(app, "3 runs written to report/"))
        histories = list(csv.reader(Path("report/loss_history.csv").read_text().splitlines()))
        assert len(histories[0]) == 3 and len(histories) == 1 + 300  # header, then epochs
        assert histories[-1][2] == ""  # the 200-epoch run stops early
        summary = json.loads(Path("report/summary.json").read_text())
        assert [run["config"]["lr"] for run in summary] == [0.5, 2.0, 2.0]
        assert summary[0]["epochs_run"] == 300 and summary[2]["epochs_run"] == 200
        markdown = Path("report/summary.md").read_text().splitlines()
        assert markdown[0].startswith("base: dataset=xor activation=sigmoid optimizer=gd")
        rows = [line for line in markdown if line.startswith("| lr=")]
        assert len(rows) == 3 and "lr=0.5" in rows[0]
        # the marked runs' figures, linked from summary.md (the test extra has matplotlib)
        assert "![Loss by epoch](loss.svg)" in markdown
        assert "![Accuracy by epoch](accuracy.svg)" in markdown
        assert all(
            Path(f"report/{s}.{f}").stat().st_size
            for s in ("loss", "accuracy")
            for f in ("svg", "png")
        )
        await pilot.press("e")
        await answer_prompt(pilot, "report")
        assert isinstance(app.screen, PathPrompt)  # asks before overwriting
        await pilot.press("escape")

        await pilot.press("up", "up", "d")  # remove run 1
        assert [r.run_id for r in app.session.runs] == [2, 3]
        await pilot.press("enter")  # re-open run 2: its settings back in the form
        assert isinstance(app.screen, MainScreen)
        assert app.main.form.widget("lr").value == "2.0"


async def test_network_view_shows_weights_and_flags_dead_units():
    app = make_app(autostart=True, dataset="linear", activation="relu", lr=5, epochs=300)
    async with app.run_test(size=(80, 40)) as pilot:
        await finished(pilot)
        record = app.session.current
        assert any(layer.any() for layer in record.dead)  # this run kills some units
        await pilot.press("f5")
        assert isinstance(app.screen, NetworkScreen)
        await pilot.press("v")  # the exact values, beside the picture
        await on_screen(pilot, "Layer 1: 2 -> 4 (relu)")
        text = screen_text(app)
        assert "Layer 3: 4 -> 1 (sigmoid output)" in text
        assert "DEAD" in text and "dead unit" in text
        first_weight = record.weights[0]
        assert f"{first_weight:+.3f}" in text


async def test_every_view_after_a_divergence(recwarn):
    app = make_app(autostart=True, dataset="xor", activation="none", lr=1e200)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        record = app.session.current
        assert record.state == "diverged"
        for key, view, shows in [
            ("f2", ResultScreen, "Ground truth"),
            ("f3", BoundaryScreen, "outputs are not finite (the run diverged): nothing to shade"),
            ("f5", NetworkScreen, "+nan"),
            ("f4", RunsScreen, f"diverged at epoch {record.epoch}"),
        ]:
            await pilot.press(key)
            assert isinstance(app.screen, view)
            await on_screen(pilot, shows)
            assert status(app).startswith("diverged at epoch")  # the main screen's status too
            assert "diverged at epoch" in screen_text(app)  # and the view's own
        assert app._exception is None
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


async def test_twelve_marked_runs_each_have_a_curve_and_a_legend_entry_at_80x24():
    app = make_app()
    for lr in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0):
        run = Run(Config(dataset="xor", lr=lr, epochs=40))
        list(run)
        app.session.add_finished(run.config, run.outcome())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        await until(pilot, lambda: app.focused is not None and app.focused.screen is screen)
        await pilot.press("a")  # mark all
        plot = screen.query_one("#overlay")
        await until(pilot, lambda: plot.figure is not None and len(plot.curves) == 12)
        assert len(plot.figure.cells) >= 8
        drawn = {index for row in plot.figure.cells for _, index in row if index >= 0}
        assert drawn == set(range(12))  # every curve shows somewhere
        table = screen.query_one("#runs-table")
        legend = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert [mark.plain for mark in legend] == list(MARKERS)  # twelve markers, none twice
        assert len({str(mark.style) for mark in legend}) == 12  # and twelve colours
        assert [name.split()[0] for name in screen.series_labels][:2] == ["lr=0.1", "lr=0.2"]


async def test_a_views_own_key_again_goes_back_to_the_main_screen():
    app = make_app(dataset="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        for key, kind in (("f2", ResultScreen), ("f3", BoundaryScreen)):
            await pilot.press(key)
            await until(pilot, lambda kind=kind: isinstance(app.screen, kind))
            await pilot.press(key)
            await until(pilot, lambda: app.screen is app.main)
        await pilot.press("f2", "f3")  # another view's key still switches to it
        await until(pilot, lambda: isinstance(app.screen, BoundaryScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)


async def test_a_views_status_is_fitted_to_its_width_once_it_has_one():
    app = make_app(autostart=True, dataset="xor", epochs=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        for key in ("f4", "f2"):  # each view's status line is new, and laid out after it shows
            await pilot.press(key)
            await on_screen(pilot, "epochs/s avg")
        await pilot.resize_terminal(60, 24)  # narrower: one space apart, the speed still shown
        await until(pilot, lambda: "done epoch 300/300 loss" in screen_text(app))
        assert " epochs/s" in screen_text(app)  # "avg" may wrap to a second line

"""Held-out test samples in the app: the test loss curve beside the training loss, the test
samples marked in the table and in F2 and F3, both accuracies in the status and in F4."""

import numpy as np

from engine import Config, Run
from engine.plane import cell_of
from screens.boundary import BoundaryScreen
from screens.results import ResultScreen
from screens.runs import RunsScreen
from tui.plotting import percent

from .helpers import finished, make_app, notified, screen_text, status, until

HELD_OUT = dict(
    dataset="spiral", samples=60, noise=0.3, test_fraction=0.5, hidden=(8, 8), activation="tanh"
)
SETTINGS = dict(HELD_OUT, optimizer="adam", lr=0.03, epochs=300)


def alone() -> Run:
    run = Run(Config(**SETTINGS))
    for _ in run:
        pass
    return run


async def test_the_test_loss_is_a_curve_of_its_own_and_test_samples_are_marked(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    reference = alone()
    test = reference.trainer.splits[0][1]
    expected = reference.outcome()
    app = make_app(autostart=True, **SETTINGS)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        chart = app.main.chart
        await until(pilot, lambda: chart.figure is not None)
        # the test curve: the same test losses the engine gives, drawn in "+" beside the line
        assert list(app.session.current.outcome.test_loss_history) == list(
            expected.test_loss_history
        )
        epochs, values = chart.test_series
        assert len(values) and epochs[-1] == 300
        np.testing.assert_allclose(10 ** values[-1], expected.test_loss_history[-1])
        text = screen_text(app)
        assert "training  + test" in text
        plot_rows = [line for line in text.splitlines()[1:10]]
        assert any("+" in line.split("││")[1].split("│")[1] for line in plot_rows)

        # the status: both accuracies
        assert f"test {percent(expected.test_accuracy)}" in status(app)

        # the table: every test sample's index ends in "t", no other's does
        rows = app.main.table.visible_rows()
        assert rows
        for cells in rows:
            index = int(cells[0].rstrip("t"))
            assert cells[0].endswith("t") == (index in test)
        assert "7t: held out" in text

        # F2: the test samples the network gets right are digits on both sides
        await pilot.press("f2")
        assert isinstance(app.screen, ResultScreen)
        await until(pilot, lambda: "wrong, test" in screen_text(app))
        predictions = app.session.current.predictions
        wrong = (predictions >= 0.5) != (reference.data.y == 1.0)
        right_tests = np.zeros(reference.n, dtype=bool)
        right_tests[test] = True
        right_tests &= ~wrong
        truth_marks = "".join(_inside_plot(screen_text(app), 0))
        prediction_marks = "".join(_inside_plot(screen_text(app), 1))
        assert truth_marks.count("0") + truth_marks.count("1") > 0
        assert prediction_marks.count("0") + prediction_marks.count("1") > 0
        assert "O" not in truth_marks and "X" not in truth_marks

        # F3: a right test sample is its label's digit on the map
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, BoundaryScreen)
        await until(pilot, lambda: screen.map.grid is not None)
        rows_, columns = screen.map.grid.shape[0] // 2, screen.map.grid.shape[1]
        row, column = cell_of(reference.data.x, screen.map.bounds, columns, rows_)
        drawn = [screen.map.render_line(r).text for r in range(rows_)]
        labels = reference.data.y.astype(int)
        shown = {drawn[r][c] for r, c, ok in zip(row, column, right_tests) if ok}
        assert shown <= {"0", "1", "o", "x", "O", "X"} and shown & {"0", "1"}
        for r, c in zip(row, column):
            if drawn[r][c] in "01":  # only test samples are digits, of their own label
                assert any(
                    right_tests[j] and labels[j] == int(drawn[r][c])
                    for j in np.flatnonzero((row == r) & (column == c))
                )

        # F4: the runs table has the test accuracy
        await pilot.press("f4")
        assert isinstance(app.screen, RunsScreen)
        await until(pilot, lambda: "test acc" in screen_text(app))
        assert percent(expected.test_accuracy) in screen_text(app)


def _inside_plot(text: str, panel: int) -> list[str]:
    """The characters inside the axes of F2's left (0) or right (1) plot, row by row."""
    inside = []
    for line in text.splitlines():
        half = line[:40] if panel == 0 else line[40:]
        if "┤" in half or half.count("│") >= 3:
            body = half.split("┤", 1)[1] if "┤" in half else half.split("│")[2]
            inside.append(body.split("│")[0])
    return inside


async def test_the_runs_overlay_shows_the_test_loss_on_t():
    config = dict(dataset="gauss", test_fraction=0.3, epochs=400)
    app = make_app(autostart=True, **config)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        await pilot.press("f4", "a")  # mark every run
        screen = app.screen
        plot = screen.query_one("#overlay")
        await until(pilot, lambda: len(plot.curves) == 1 and "t: test" in plot.border_title)
        run = Run(Config(**config))
        outcome = (list(run), run.outcome())[1]
        assert np.isclose(plot.curves[0].y[-1], np.log10(outcome.loss_history[-1]))
        await pilot.press("t")
        await until(pilot, lambda: plot.border_title.startswith("Test loss"))
        assert np.isclose(plot.curves[0].y[-1], np.log10(outcome.test_loss_history[-1]))
        assert "Test loss (log scale, t: training), 1 marked" in screen_text(app)


async def test_a_test_part_that_holds_out_nothing_is_said():
    app = make_app(autostart=True, dataset="xor", test_fraction=0.01, epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        assert notified(app, "a test fraction of 0.01 holds out no sample of 21")

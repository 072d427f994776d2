"""The main screen driven by its real keys: train, pause, step, resume, restart, stop."""

import math
import re
import time

import pytest
from textual.widgets._toast import Toast

from engine import Config, make_dataset
from tui.app import BackpropApp
from tui.widgets.status import MIN_HEIGHT, MIN_WIDTH

from .helpers import (
    field_error,
    finished,
    focus_by_keys,
    make_app,
    notified,
    on_screen,
    screen_text,
    status,
    type_into,
    until,
)


async def test_xor_autostart_reaches_done_with_every_pane_showing():
    app = make_app(autostart=True, dataset="xor", epochs=3000)  # 100% from epoch 2296 on
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        text = status(app)
        assert text.startswith("done") and "epoch 3000/3000" in text and "acc 100%" in text
        assert "epochs/s" in text and "loss " in text
        rows = app.main.table.visible_rows()
        assert len(rows) >= 8
        assert rows[0][:4] == ("0", "0.0000", "0.0000", "0") and rows[0][5] == "yes"
        assert all(len(row[4]) == 8 for row in rows)  # predictions with six decimals
        epochs, values = app.main.chart.series
        assert epochs[-1] == 3000 and 10 <= len(values) <= 2 * app.main.chart.size.width
        # at 80x24 the plot has 8 rows or more, each tick in the row of the value it labels
        chart = app.main.chart  # drawn from every epoch once the last batch has arrived
        await until(pilot, lambda: chart.figure is not None and "3000" in chart.figure.x_labels)
        figure = chart.figure
        rows = len(figure.cells)
        assert rows >= 8 and len(figure.cells[0]) >= 40
        assert all(any(c != " " for c, _ in row) for row in figure.cells)  # the curve spans it
        assert len(figure.ticks) >= 2
        for row, _ in figure.ticks:  # the value each label reads lies in its own row
            label = figure.y_labels[row]
            assert re.fullmatch(r"\d(\.\d+)?e-?\d+", label)  # powers of ten: 1e-2, 2.5e-1
            read = math.log10(float(label))
            position = (figure.top - read) / (figure.top - figure.bottom) * rows
            assert abs(position - (row + 0.5)) <= 0.5
        assert "1e-2" in figure.y_labels  # 3000 epochs of xor fall through whole decades
        shown = screen_text(app)  # the panes' titles, and the status under them
        assert all(title in shown for title in ("Settings", "Loss", "Samples", "done  epoch"))


async def test_the_speed_shown_leaves_out_the_time_the_run_takes_to_set_up(monkeypatch):
    # a large dataset takes a while to draw: the epochs per second are those of the training
    import tui.runner

    def slow(config):
        time.sleep(1.0)
        return make_dataset(config)

    monkeypatch.setattr(tui.runner, "make_dataset", slow)
    app = make_app(autostart=True, dataset="xor", epochs=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        record = app.session.current
        assert record.epoch == 500 and record.wall < 0.5
        shown = re.search(r"([\d,]+) epochs/s avg", status(app)).group(1)
        assert int(shown.replace(",", "")) > 1000  # not 500 epochs in over a second


async def test_a_long_status_keeps_to_one_line_at_80_columns():
    # a speed limit, held-out samples and a schedule: everything the status can say
    config = Config(dataset="spiral", epochs=2_000_000, test_fraction=0.3, schedule="exp")
    app = BackpropApp(config, autostart=True, speed=1000)
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.main.query_one("#status")
        await until(pilot, lambda: " test " in status(app) and "epochs/s" in status(app))
        assert line.size.height == 1 and "\n" not in status(app)  # (the rate makes way)
        text = status(app)
        for part in ("running", "epoch ", "/2000000", "loss ", "acc ", " test ", " epochs/s"):
            assert part in text


async def test_edited_field_is_used_by_the_next_run():
    app = make_app(dataset="linear", samples=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "epochs", "250")
        await type_into(pilot, "hidden", "3")
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert "epoch 250/250" in status(app)
        assert app.session.current.config.hidden == (3,)
        assert len(app.main.table.visible_rows()) >= 8


async def test_pause_step_resume_and_stop():
    app = make_app(dataset="linear", epochs=5_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current.epoch > 0)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: status(app).startswith("paused"))
        record = app.session.current
        assert record.held  # "paused" only once the worker has shown every epoch it ran
        assert record.epoch == app.main.chart.epochs
        held = record.epoch
        await pilot.press("ctrl+n")
        await until(pilot, lambda: record.epoch == held + 1 and record.held)
        assert f"epoch {held + 1}/5000000" in status(app)
        await pilot.press("ctrl+n", "ctrl+n")
        await until(pilot, lambda: record.epoch == held + 3)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: record.epoch > held + 3 and status(app).startswith("running"))
        await pilot.press("ctrl+g")
        await finished(pilot)
        assert re.match(r"stopped  epoch \d+/5000000", status(app))


async def test_fifty_restarts_leave_one_run_and_no_stale_points():
    app = make_app(dataset="xor", epochs=2_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current.epoch > 0)
        await pilot.press(*["ctrl+r"] * 49)
        last = app.session.current
        await until(pilot, lambda: last.epoch > 0)
        # every earlier run was stopped, and only the last is training
        await until(pilot, lambda: all(r.state == "stopped" for r in app.session.runs[:-1]))
        assert len(app.session.runs) == 50 and last.state == "running"
        # the chart holds exactly the current run's epochs, nothing from the runs before it
        await until(pilot, lambda: app.main.chart.epochs == last.epoch)
        assert app.main.chart.series[0][-1] <= last.epoch
        await pilot.press("ctrl+g")
        await finished(pilot)
        assert app.main.chart.epochs == last.epoch and last.state == "stopped"
        assert not [worker for worker in app.workers if worker.is_running]
        assert app._exception is None


async def test_divergence_then_a_new_run():
    app = make_app(dataset="xor", activation="none", lr=1e200)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert status(app).startswith("diverged at epoch ")
        await type_into(pilot, "lr", "0.5")
        await type_into(pilot, "epochs", "100")
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert status(app).startswith("done") and "epoch 100/100" in status(app)


async def test_saturation_hint_in_the_status():
    app = make_app(dataset="xor", lr=1000, epochs=2000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert "saturated" in status(app) and "learning rate may be too high" in status(app)


BAD_VALUES = [
    ("samples", "many", "whole number"),
    ("samples", "1", "from 2"),
    ("noise", "5", "from 0 to 1"),
    ("hidden", "4,,x", "layer sizes"),
    ("hidden", "0", "1 to 6"),
    ("batch_size", "-3", "whole number"),
    ("lr", "-1", "> 0"),
    ("lr", "nan", "> 0"),
    ("epochs", "0", "from 1"),
    ("epochs", "1.5", "whole number"),
    ("seed", "abc", "whole number"),
    ("data", "no-such.csv", "no such file"),
]


async def shows_error(pilot, field: str, reason: str) -> None:
    await until(pilot, lambda: reason in field_error(pilot.app, field))


async def shows_no_error(pilot, field: str) -> None:
    await until(pilot, lambda: field_error(pilot.app, field) == "")


async def test_each_bad_value_is_marked_and_training_refused_until_it_is_fixed():
    app = make_app(dataset="linear", optimizer="minibatch")
    async with app.run_test(size=(80, 24)) as pilot:
        for field, bad, reason in BAD_VALUES:
            case = f"{field} = {bad!r}"
            good = app.main.form.widget(field).value
            await type_into(pilot, field, bad)
            await shows_error(pilot, field, reason)
            await pilot.press("tab")  # away from it: the refusal brings the user back
            await pilot.press("ctrl+r")
            assert app.session.runs == [], f"{case} was not refused"
            assert app.focused is app.main.form.widget(field), case
            assert status(app).startswith("ready") and reason in field_error(app, field), case
            await pilot.press("ctrl+a", "ctrl+k", *good)
            await shows_no_error(pilot, field)
        await pilot.press("ctrl+r")  # every value good again: it trains
        assert len(app.session.runs) == 1


async def test_resizing_while_training_never_crashes():
    app = make_app(dataset="spiral", samples=200, epochs=3_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        hint = f"at least {MIN_WIDTH}x{MIN_HEIGHT}"  # shown instead of the panes when tiny
        for width, height in [(40, 12), (200, 60), (41, 13), (120, 30), (80, 24)]:
            await pilot.resize_terminal(width, height)
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                await until(
                    pilot, lambda: hint in screen_text(app) and "Loss" not in screen_text(app)
                )
            else:
                await until(
                    pilot, lambda: "Loss" in screen_text(app) and hint not in screen_text(app)
                )
        record = app.session.current
        seen = record.epoch
        await until(pilot, lambda: record.epoch > seen)  # still training, still shown
        await until(pilot, lambda: f"running  epoch {record.epoch}/" in status(app))
        await pilot.press("ctrl+g")
        await finished(pilot)
        assert app._exception is None


async def test_a_failure_inside_training_is_a_state_not_a_crash():
    from engine import Run

    def broken(self):
        raise FloatingPointError("the engine broke")

    app = make_app(dataset="xor", epochs=500)
    async with app.run_test(size=(80, 24)) as pilot:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Run, "__next__", broken)
            await pilot.press("ctrl+r")
            await finished(pilot)
        assert status(app).startswith("failed: FloatingPointError: the engine broke")
        await until(pilot, lambda: notified(app, "the engine broke"))
        await pilot.press("ctrl+r")  # the engine mended: the app trains again
        await finished(pilot)
        assert status(app).startswith("done")


async def test_markup_typed_into_a_field_is_shown_as_typed():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "lr", "[/]")
        await until(pilot, lambda: "[/]" in field_error(app, "lr"))
        await type_into(pilot, "data", "[bold]x.csv")
        await until(pilot, lambda: "[bold]x.csv: no such file" in field_error(app, "data"))
        assert app._exception is None


async def test_reset_and_scale_keys():
    app = make_app(autostart=True, dataset="xor", epochs=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        chart = app.main.chart
        assert chart.log_scale and chart.series[1].max() < 0  # log10 of losses below 1
        assert "Loss (log scale, ^y: linear)" in screen_text(app)  # the title says the key
        await pilot.press("ctrl+y")
        assert not chart.log_scale and chart.series[1].min() > 0  # the losses themselves
        await on_screen(pilot, "Loss (linear, ^y: log)")
        await pilot.press("ctrl+l")
        assert status(app).startswith("ready") and chart.epochs == 0
        assert app.main.table.predictions is None


async def test_a_notification_leaves_the_status_line_and_the_keys_in_sight():
    app = make_app(autostart=True, dataset="linear", epochs=2_000_000)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: status(app).startswith("running"))
        await pilot.press("f7")  # a speed change, said in a notification
        await until(pilot, lambda: notified(app, "at most 1000 epochs/s"))
        await until(pilot, lambda: len(app.screen.query(Toast)) > 0)
        toast = app.screen.query_one(Toast)
        await until(pilot, lambda: toast.region.height > 0)
        line = app.main.query_one("#status")
        assert toast.region.bottom <= line.region.y  # above the status line (and the keys)
        await pilot.press("ctrl+g")


async def test_speed_keys_pace_a_run_and_a_paused_sgd_run_steps_one_sample():
    app = make_app(dataset="linear", samples=20, optimizer="sgd", epochs=100000)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("f7")  # max -> 1000 -> 100 -> 10 epochs per second
        assert app.state.runner.speed == 10
        await on_screen(pilot, "limit 10")
        await pilot.press("ctrl+r")
        record = app.session.current
        await until(pilot, lambda: record.epoch >= 3)
        assert record.epoch < 40  # at 10 a second, never the thousands it runs at full speed
        await pilot.press("ctrl+t")
        await until(pilot, lambda: status(app).startswith("paused"))
        held, done = record.epoch, record.position[0]
        await pilot.press("ctrl+n")  # one sample: one update of sgd
        await until(pilot, lambda: record.position != (done, 20) or record.epoch != held)
        if done < 19:
            assert record.epoch == held and record.position == (done + 1, 20)
            assert f"epoch {held}/100000 + sample {done + 1}/20" in status(app)
        await pilot.press("f8", "f8", "f8")
        assert app.state.runner.speed is None  # back to as fast as it goes
        await pilot.press("ctrl+g")
        await finished(pilot)


async def test_reset_after_a_new_dataset_shows_its_samples():
    app = make_app(dataset="xor", epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert app.main.table.visible_rows()[1][1:3] == ("0.0000", "1.0000")  # xor's second
        await focus_by_keys(pilot, app.main.form.widget("dataset"))
        await pilot.press("enter", "up", "enter")  # xor -> linear
        await until(pilot, lambda: app.main.form.peek().dataset == "linear")
        await type_into(pilot, "samples", "7")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: len(app.main.table.visible_rows()) == 7)
        assert all(row[4] == "" for row in app.main.table.visible_rows())  # no predictions

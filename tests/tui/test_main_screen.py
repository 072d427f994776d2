"""The main screen driven by its real keys: train, pause, step, resume, restart, stop."""

import re

import pytest

from .helpers import finished, make_app, send_keys, status, type_into, until


async def test_xor_autostart_reaches_done_with_every_pane_showing():
    app = make_app(autostart=True, dataset="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        text = status(app)
        assert text.startswith("done") and "epoch 10000/10000" in text and "acc 100%" in text
        assert "epochs/s" in text and "loss " in text
        rows = app.main.table.visible_rows()
        assert len(rows) >= 8
        assert rows[0][:4] == ("0", "0.0000", "0.0000", "0") and rows[0][5] == "yes"
        assert all(len(row[4]) == 8 for row in rows)  # predictions with six decimals
        epochs, values = app.main.chart.series
        assert epochs[-1] == 10000 and 10 <= len(values) <= app.main.chart.size.width


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
        await send_keys(pilot, "ctrl+t")
        await until(pilot, lambda: status(app).startswith("paused"))
        record = app.session.current
        await until(pilot, lambda: record.held)  # the worker has shown every epoch it ran
        assert record.epoch == app.main.chart.epochs
        held = record.epoch
        await send_keys(pilot, "ctrl+n")
        await until(pilot, lambda: record.epoch == held + 1 and record.held)
        assert f"epoch {held + 1}/5000000" in status(app)
        await send_keys(pilot, "ctrl+n", "ctrl+n")
        await until(pilot, lambda: record.epoch == held + 3)
        await send_keys(pilot, "ctrl+t")
        await until(pilot, lambda: record.epoch > held + 3 and status(app).startswith("running"))
        await send_keys(pilot, "ctrl+g")
        await finished(pilot)
        assert re.match(r"stopped  epoch \d+/5000000", status(app))


async def test_fifty_restarts_leave_one_run_and_no_stale_points():
    app = make_app(dataset="xor", epochs=2_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current.epoch > 0)
        for _ in range(49):
            await send_keys(pilot, "ctrl+r")
        last = app.session.current
        await until(pilot, lambda: last.epoch > 0)
        # every earlier run was stopped, and only the last is training
        await until(pilot, lambda: all(r.state == "stopped" for r in app.session.runs[:-1]))
        assert len(app.session.runs) == 50 and last.state == "running"
        # the chart holds exactly the current run's epochs, nothing from the runs before it
        await until(pilot, lambda: app.main.chart.epochs == last.epoch)
        assert app.main.chart.series[0][-1] <= last.epoch
        await send_keys(pilot, "ctrl+g")
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


@pytest.mark.parametrize(
    "field, bad, reason",
    [
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
    ],
)
async def test_bad_value_is_marked_and_training_refused(field, bad, reason):
    settings = {"dataset": "linear", "optimizer": "minibatch"}
    app = make_app(**settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, field, bad)
        await pilot.pause()
        error = str(app.main.form.query_one(f"#error-{field}").content)
        assert reason in error
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.session.runs == []  # refused
        assert app.focused is app.main.form.widget(field)
        assert status(app).startswith("ready")


async def test_resizing_while_training_never_crashes():
    app = make_app(dataset="spiral", samples=200, epochs=3_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        for size in [(40, 12), (200, 60), (41, 13), (120, 30), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        record = app.session.current
        seen = record.epoch
        await until(pilot, lambda: record.epoch > seen)
        await pilot.press("ctrl+g")
        await finished(pilot)
        assert app._exception is None


async def test_a_failure_inside_training_is_a_state_not_a_crash(monkeypatch):
    from engine import Run

    app = make_app(dataset="xor", epochs=500)
    async with app.run_test(size=(80, 24)) as pilot:

        def broken(self):
            raise FloatingPointError("the engine broke")

        monkeypatch.setattr(Run, "__next__", broken)
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert status(app).startswith("failed: FloatingPointError: the engine broke")
        assert any("the engine broke" in n.message for n in app._notifications)
        monkeypatch.undo()
        await pilot.press("ctrl+r")
        await finished(pilot)
        assert status(app).startswith("done")


async def test_markup_typed_into_a_field_is_shown_as_typed():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "lr", "[/]")
        await pilot.pause()
        assert "[/]" in str(app.main.form.query_one("#error-lr").content)
        await type_into(pilot, "data", "[bold]x.csv")
        await pilot.pause()
        assert "[bold]x.csv: no such file" in str(app.main.form.query_one("#error-data").content)
        assert app._exception is None


async def test_reset_and_scale_keys():
    app = make_app(autostart=True, dataset="xor", epochs=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        chart = app.main.chart
        assert chart.log_scale and chart.series[1].max() < 0  # log10 of losses below 1
        await pilot.press("ctrl+y")
        assert not chart.log_scale and chart.series[1].min() > 0  # the losses themselves
        await pilot.press("ctrl+l")
        assert status(app).startswith("ready") and chart.epochs == 0
        assert app.main.table.predictions is None

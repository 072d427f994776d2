"""Settings changed while a run trains: the learning rate (and the penalty, the schedule) typed
in the form and entered is in force from the next update, the weights kept; the run records the
change, the chart marks it, the status shows the rate. Other fields wait for ctrl+r."""

import numpy as np

from engine import Config, Run

from .helpers import finished, make_app, notified, status, type_into, until

SETTINGS = dict(dataset="xor", optimizer="gd", lr=0.2, epochs=2_000_000)


async def enter(pilot, name: str, text: str) -> None:
    """Replace a form field's text by keys, and press enter."""
    await type_into(pilot, name, text)
    await pilot.press("enter")


def paused_epoch(app) -> int:
    record = app.session.current
    return record.epoch if record is not None and record.held else -1


async def test_a_learning_rate_entered_while_paused_goes_on_from_the_same_weights():
    app = make_app(**SETTINGS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current is not None)
        await until(pilot, lambda: app.session.current.epoch > 100)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: paused_epoch(app) > 100)
        held = paused_epoch(app)
        await enter(pilot, "lr", "2")
        await until(pilot, lambda: notified(app, "learn rate 2 from the next update"))
        await pilot.press("ctrl+t")  # resume
        await until(pilot, lambda: app.session.current.epoch > held + 100)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: paused_epoch(app) > held + 100)
        record = app.session.current
        assert [tuple(c) for c in record.outcome.changes] == [(held, "lr", 2.0)]
        assert app.main.chart.changed_at == [held] and "changed" in app.main.chart.border_title
        assert "lr 2 " in status(app)

        # the same run, retuned after the same epochs from the engine: equal to the bit
        reference = Run(Config(**SETTINGS))
        for result in reference:
            if result.epoch == held:
                reference.retune(lr=2.0)
            if result.epoch == record.epoch:
                break
        assert np.array_equal(np.asarray(record.losses), reference.loss_history)
        # the rate's jump shows: the loss falls faster after the change than before it
        losses = np.asarray(record.losses)
        before = losses[held - 50] / losses[held - 1]
        after = losses[held] / losses[held + 49]
        assert after > before


async def test_a_penalty_entered_while_running_is_recorded_and_a_shape_change_waits():
    app = make_app(autostart=True, **dict(SETTINGS, epochs=2_000_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: paused_epoch(app) == -1 and app.session.current is not None)
        await until(pilot, lambda: app.session.current.epoch > 10)
        await enter(pilot, "l2", "0.01")
        await until(pilot, lambda: len(app.session.current.outcome.changes) == 1)
        change = app.session.current.outcome.changes[0]
        assert change.setting == "l2" and change.value == 0.01 and change.epoch > 10
        assert app.session.current.outcome.state.active  # not restarted, still running

        await enter(pilot, "hidden", "8,8")
        await until(pilot, lambda: notified(app, "ctrl+r restarts it"))
        assert app.session.current.config.hidden == (4, 4)
        await pilot.press("ctrl+g")
        await finished(pilot)
        assert len(app.session.current.outcome.changes) == 1

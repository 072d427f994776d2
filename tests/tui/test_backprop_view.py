"""The back-propagation view (f9): the next update laid open, paged by layer, following steps."""

import re

import numpy as np
from textual.command import CommandPalette

from screens.backprop import BackpropScreen

from .helpers import finished, focus_by_keys, make_app, on_screen, screen_text, status, until


def explained(app):
    screen = app.screen
    return screen.step if isinstance(screen, BackpropScreen) else None


async def test_the_view_follows_each_step_with_the_engines_own_numbers():
    app = make_app(dataset="xor", optimizer="sgd", lr=0.5, epochs=100000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")  # from ready: start paused, one update
        await until(pilot, lambda: status(app).startswith("paused"))
        await pilot.press("f9")
        await until(pilot, lambda: explained(app) is not None)
        record = app.session.current
        for _ in range(3):
            before = explained(app)
            await on_screen(pilot, f"next update: sample {before.indices[0]}")
            await pilot.press("ctrl+n")  # one sample: one sgd update
            await until(pilot, lambda b=before: explained(app) not in (None, b))
            after = explained(app)
            for old, new in zip(before.layers, after.layers):
                # the update shown is the one taken: the shown update is (W after) - (W before),
                # so adding it back is exact only up to that subtraction's rounding
                assert np.allclose(new.W, old.W + old.update_W, rtol=0, atol=1e-15)
                assert np.allclose(new.b, old.b + old.update_b, rtol=0, atol=1e-15)
                assert not np.array_equal(new.b, old.b)
        assert record.epoch >= 0 and record.position[1] == 21
        # every layer, paged: its delta and its weight gradient
        for i in (1, 2, 3):
            await on_screen(pilot, f"layer {i} of 3")
            await on_screen(pilot, f"Layer {i}:")  # the page's top (scrolling back may animate)
            await on_screen(pilot, f"δ{i}=dL/dz")
            await pilot.press("end")
            await on_screen(pilot, f"dL/dW{i} = a{i - 1}ᵀ δ{i}")
            await pilot.press("home", "right_square_bracket")
        assert explained(app).grad_check_max_rel_error < 1e-6
        # a sample of one's choice, then the gradient flow
        await pilot.press("n")
        await on_screen(pilot, "sample 0 of 21")
        assert explained(app).sample == 0
        await pilot.press("g")
        await on_screen(pilot, "Gradient flow")
        await pilot.press("ctrl+g")
        await finished(pilot)


async def test_with_held_out_samples_the_update_shown_is_the_update_taken():
    app = make_app(dataset="xor", optimizer="sgd", lr=0.5, epochs=100000, test_fraction=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await until(pilot, lambda: status(app).startswith("paused"))
        await pilot.press("f9")
        await until(pilot, lambda: explained(app) is not None)
        record = app.session.current
        await on_screen(pilot, "u4")  # at 80 columns every unit's column, whole
        row = next(line for line in screen_text(app).splitlines() if "z1=aW+b" in line)
        values = re.findall(r"[+-][\d.]+(?:e[+-]\d+)?", row.split("z1=aW+b")[1])
        assert len(values) == 4 and all(len(v) >= 8 for v in values)  # none cut short
        for _ in range(3):
            before = explained(app)
            assert before.indices[0] not in record.test_indices  # a sample it trains on
            await pilot.press("ctrl+n")
            await until(pilot, lambda b=before: explained(app) not in (None, b))
            after = explained(app)
            for old, new in zip(before.layers, after.layers):
                assert np.allclose(new.W, old.W + old.update_W, rtol=0, atol=1e-15)
        await pilot.press("ctrl+g")
        await finished(pilot)


async def test_a_row_of_the_samples_table_opens_the_view_on_that_sample():
    app = make_app(dataset="xor", epochs=200)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await finished(pilot)
        await focus_by_keys(pilot, app.main.table)
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: explained(app) is not None)
        assert explained(app).sample == 2
        await on_screen(pilot, "sample 2 of 21")


async def test_the_palette_opens_it_and_a_diverged_run_or_a_tiny_terminal_do_not_break_it():
    app = make_app(dataset="linear", activation="none", lr=1e200, epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await finished(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"back-propagation")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BackpropScreen))
        await on_screen(pilot, "the weights are not finite (the run diverged)")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await on_screen(pilot, "the weights are not finite")

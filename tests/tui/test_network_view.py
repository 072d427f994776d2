"""The network view (f5): every unit as a tile over the plane, the weights between, live."""

import threading

from engine import Config
from engine.network import split_blocks
from screens.network import NetworkScreen
from tui.app import BackpropApp
from tui.tiles import LEVELS, weight_text

from .helpers import finished, make_app, on_screen, screen_text, until

CONSOLE = set("▀▄█░▒·") | {chr(c) for c in range(32, 127)}
"""Characters a Linux console font has (beside ASCII, the block and shade characters)."""


def tiles_drawn(screen: NetworkScreen) -> bool:
    """The tiles on screen were computed for the layout they are shown in."""
    return screen.tiles.drawn


def tile_text(app, layer: int, unit: int) -> list[str]:
    """The characters of one unit's tile, as the user sees them."""
    region = app.screen.tiles.tile_region(layer, unit)
    lines = screen_text(app).splitlines()
    return [lines[y][region.x : region.right] for y in range(region.y, region.bottom)]


def picture_text(app) -> str:
    """The lines of the picture (the tiles and weights, not the caption or status)."""
    region = app.screen.tiles.content_region
    lines = screen_text(app).splitlines()
    return "\n".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


async def open_view(pilot) -> NetworkScreen:
    await pilot.press("f5")
    screen = pilot.app.screen
    assert isinstance(screen, NetworkScreen)
    await until(pilot, lambda: tiles_drawn(screen))
    return screen


async def test_a_2_4_4_1_net_is_one_tile_per_unit_with_the_weights_between():
    app = make_app(autostart=True, dataset="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        record = app.session.current
        screen = await open_view(pilot)
        assert screen_text(app).splitlines()[0].strip().startswith("Network:")
        layout = screen.tiles.layout_plan
        assert layout.shown == (2, 4, 4, 1)  # every unit fits at 80x24
        assert layout.tile[0] >= 6 and layout.tile[1] >= 3
        for layer, units in enumerate((2, 4, 4, 1)):
            for unit in range(units):
                cells = "".join(tile_text(app, layer, unit))
                assert cells.count("▀") >= len(cells) - 4, (layer, unit, cells)  # a tile
        # the inputs: x1 grows to the right, x2 upwards, and they say so
        x1, x2 = screen.tiles.frame.levels[0][..., 0], screen.tiles.frame.levels[0][..., 1]
        assert x1[0, 0] < x1[0, -1] and x2[-1, 0] < x2[0, 0]
        assert tile_text(app, 0, 0)[0].startswith("x1") and tile_text(app, 0, 1)[0].startswith("x2")
        # the output's tile is the decision boundary: xor's label 1 top left, 0 at the corners
        out = screen.tiles.frame.levels[-1][..., 0]
        high = LEVELS // 2
        assert out[0, 0] > high and out[-1, 0] < high and out[0, -1] < high
        # the weights into hidden unit 1, from x1 and x2, signed, left of its tile
        w = split_blocks(record.weights, record.config.sizes)[0]
        region = screen.tiles.tile_region(1, 0)
        lines = screen_text(app).splitlines()[region.y + layout.weights_line :]
        assert f"{weight_text(w[0, 0])} {weight_text(w[1, 0])}" in lines[0][: region.x]
        assert weight_text(w[0, 0]).strip()[0] in "+-"
        assert "b" + weight_text(w[2, 0]) in lines[1][: region.x]  # its bias under them
        assert app._exception is None


async def test_it_follows_the_run_from_a_worker_thread(monkeypatch):
    import screens.network as network

    threads = []
    real = network.unit_outputs

    def spy(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(network, "unit_outputs", spy)
    app = make_app(dataset="xor", epochs=3_000_000)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.session.current.epoch > 0)
        screen = await open_view(pilot)
        first = screen._computed_for[1]
        await until(pilot, lambda: screen._computed_for[1] > first and tiles_drawn(screen))
        assert threads and not any(threads)  # computed off the UI thread, more than once
        await pilot.press("ctrl+g")
        await finished(pilot)


async def test_dead_relu_units_are_marked_on_their_tiles():
    app = make_app(autostart=True, dataset="xor", activation="relu", lr=5.0, seed=3, epochs=2000)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        dead = app.session.current.dead
        assert sum(int(layer.sum()) for layer in dead) == 6  # 6 of the 8 hidden units
        await open_view(pilot)
        for layer, flags in enumerate(dead, start=1):
            for unit, is_dead in enumerate(flags):
                assert ("DEAD" in "".join(tile_text(app, layer, unit))) == bool(is_dead)
        assert picture_text(app).count("DEAD") == 6
        assert "6 DEAD" in screen_text(app)


async def test_a_diverged_run_says_so_instead_of_a_picture(recwarn):
    app = make_app(autostart=True, dataset="linear", activation="none", lr=1e200)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        assert app.session.current.state == "diverged"
        await pilot.press("f5")
        await on_screen(pilot, "the weights are not finite (the run diverged)")
        assert "nan" in screen_text(app)  # the values that blew up are shown instead
        assert "diverged at epoch" in screen_text(app)
        assert app._exception is None
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


async def test_no_run_yet():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await on_screen(pilot, "no run yet (ctrl+r)")


async def test_resizing_to_40x12_and_200x60_redraws_the_tiles_to_fit():
    app = make_app(autostart=True, dataset="xor", epochs=2000)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        screen = await open_view(pilot)
        await pilot.resize_terminal(40, 12)
        await on_screen(pilot, "Make the terminal at least")
        await pilot.resize_terminal(200, 60)
        await until(pilot, lambda: tiles_drawn(screen) and screen.tiles.layout_plan.tile[0] > 8)
        assert len(tile_text(app, 3, 0)[0]) > 8  # bigger tiles, drawn
        await pilot.resize_terminal(56, 14)
        await until(pilot, lambda: tiles_drawn(screen) and screen.tiles.layout_plan.tile[0] <= 8)
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: tiles_drawn(screen) and screen.tiles.layout_plan.shown[1] == 4)
        assert app._exception is None


async def test_a_wide_layer_shows_what_fits_and_counts_the_rest():
    app = make_app(autostart=True, dataset="xor", hidden=(64, 3), epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        screen = await open_view(pilot)
        shown = screen.tiles.layout_plan.shown[1]
        assert 3 <= shown < 64
        await on_screen(pilot, f"h1 {shown}/64")  # in the caption
        assert f"+{64 - shown}" in picture_text(app)


async def test_a_deep_network_scrolls_sideways():
    app = make_app(autostart=True, dataset="xor", hidden=(8,) * 6, epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        screen = await open_view(pilot)
        await on_screen(pilot, "left/right scroll")
        assert "out" not in screen_text(app).splitlines()[1]  # the output is off to the right
        assert app.focused is screen.tiles
        await until(pilot, lambda: screen.tiles.drawn and screen.tiles.max_scroll_x > 0)
        await pilot.wait_for_scheduled_animations()
        await pilot.press("end")  # to the output
        await until(pilot, lambda: "out" in screen_text(app).splitlines()[1])
        assert "x1" not in picture_text(app)
        await pilot.press("home")  # back to the inputs
        await until(pilot, lambda: "x1" in picture_text(app))


async def test_exact_values_and_shades_on_keys():
    app = make_app(autostart=True, dataset="xor", epochs=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        record = app.session.current
        screen = await open_view(pilot)
        await pilot.press("m")  # characters instead of colours
        await until(pilot, lambda: "▒" in picture_text(app) and "▀" not in picture_text(app))
        await pilot.press("v")
        await on_screen(pilot, "Layer 1: 2 -> 4 (sigmoid)")
        assert f"{record.weights[0]:+.3f}" in screen_text(app)
        await pilot.press("v")
        await until(pilot, lambda: screen.tiles.display and "▒" in picture_text(app))


async def test_a_linux_console_gets_only_characters_its_font_has():
    app = BackpropApp(Config(dataset="xor", epochs=500), autostart=True, plain=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await finished(pilot)
        await open_view(pilot)
        drawn = set(picture_text(app).replace("\n", ""))
        assert "▀" in drawn and drawn <= CONSOLE, drawn - CONSOLE
        assert not [c for c in screen_text(app) if 0x2800 <= ord(c) <= 0x28FF]  # no braille

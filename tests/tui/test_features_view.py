"""Input features in the app: a field of the form, checked as typed; the network view (f5)
draws each feature as an input tile over the plane, and the boundary view (f3) still draws over
(x1, x2)."""

from screens.boundary import BoundaryScreen
from tui.tiles import LEVELS

from .helpers import field_error, finished, make_app, screen_text, status, type_into, until
from .test_network_view import open_view, tile_text

ALL = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"


async def test_seven_features_typed_in_the_form_are_seven_input_tiles_at_80x24():
    app = make_app(dataset="circle", lr=1.0, epochs=300)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "features", "x1,x3")
        await until(pilot, lambda: "unknown feature 'x3'" in field_error(app, "features"))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert status(app).startswith("ready") and app.session.current is None
        await type_into(pilot, "features", ALL)
        await until(pilot, lambda: field_error(app, "features") == "")
        await pilot.press("ctrl+r")
        await finished(pilot)
        record = app.session.current
        assert record.config.features == tuple(ALL.split(","))
        assert record.config.sizes == (7, 4, 4, 1)

        screen = await open_view(pilot)
        layout = screen.tiles.layout_plan
        assert layout.shown == (7, 4, 4, 1)  # every feature has its tile
        assert layout.width <= screen.tiles.scrollable_content_region.width  # no scrolling
        names = ["x1", "x2", "x1²", "x2²", "x12", "sx1", "sx2"]
        for unit, name in enumerate(names):
            assert tile_text(app, 0, unit)[0].startswith(name), unit
        picture = screen_text(app)
        assert " x1  x2 x1² x2² x12 sx1 sx2 " in picture  # the weights' columns
        caption = " ".join(screen_text(app).split())  # the caption under the picture wraps
        assert "x12 x1·x2, sx1 sin x1, sx2 sin x2" in caption
        # each tile is its feature over the plane: x1² is lowest in the middle column, x2²
        # in the middle row, x1 grows to the right
        levels = screen.tiles.frame.levels[0]
        middle = levels.shape[1] // 2
        assert levels[0, middle, 2] < levels[0, 0, 2] and levels[0, middle, 2] < levels[0, -1, 2]
        rows = levels.shape[0] // 2
        assert levels[rows, 0, 3] < levels[0, 0, 3] and levels[0, 0, 0] < levels[0, -1, 0]
        assert levels.max() == LEVELS - 1

        await pilot.press("escape", "f3")  # the boundary still over (x1, x2): circle learned
        assert isinstance(app.screen, BoundaryScreen)
        await until(pilot, lambda: app.screen.map.grid is not None)
        grid = app.screen.map.grid
        centre, corner = grid[grid.shape[0] // 2, grid.shape[1] // 2], grid[0, 0]
        assert (centre > 0.5) != (corner > 0.5)
        assert app._exception is None

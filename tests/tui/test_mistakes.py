"""Misclassified samples are marked where the samples are drawn: capitals in the results and
boundary views ("O", "X"), "no" in the table -- all without colour."""

import numpy as np

from engine.plane import cell_of
from screens.boundary import BoundaryScreen
from screens.results import ResultScreen

from .helpers import finished, make_app, screen_text, until

# the lab's xor points, stopped halfway: 11 of 21 right, both classes predicted
HALFWAY = dict(dataset="xor", epochs=1500, lr=2.0)


def wrong_of(record) -> np.ndarray:
    return (record.predictions >= 0.5) != (record.data.y == 1.0)


async def test_the_samples_the_network_gets_wrong_are_capitals_in_f2_and_f3(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(autostart=True, **HALFWAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await finished(pilot)
        record = app.session.current
        wrong = wrong_of(record)
        assert 0 < wrong.sum() < record.data.n
        rows = list(_table_rows(screen_text(app)))
        assert len(rows) >= 5
        assert all(line.endswith(" no") == bool(wrong[i]) for i, line in rows)

        await pilot.press("f2")
        assert isinstance(app.screen, ResultScreen)
        await until(pilot, lambda: "wrong" in screen_text(app))
        lines = screen_text(app).splitlines()[2:-3]
        right_half = "".join(line[60:] for line in lines)
        left_half = "".join(line[:60] for line in lines)
        assert f"{int(wrong.sum())} wrong" in right_half
        # every mistake, in capitals, on the prediction side only (the truth has none)
        assert right_half.count("O") + right_half.count("X") == wrong.sum()
        assert "O" not in left_half.replace("O X wrong", "") and "X" not in left_half

        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, BoundaryScreen)
        await until(pilot, lambda: screen.map.grid is not None)
        rows_, columns = screen.map.grid.shape[0] // 2, screen.map.grid.shape[1]
        row, column = cell_of(record.data.x, screen.map.bounds, columns, rows_)
        cells = {(r, c) for r, c, w in zip(row, column, wrong) if w}
        assert screen.map.wrong_marks == len(cells) > 0
        drawn = [screen.map.render_line(r).text for r in range(rows_)]
        capitals = {
            (r, c) for r, line in enumerate(drawn) for c, ch in enumerate(line) if ch in "OX"
        }
        assert capitals == cells


def _table_rows(text: str):
    """(index, line) of the sample table's data rows on screen."""
    for line in text.splitlines():
        table = line.split("││")[-1].strip("│ ")
        cells = table.split()
        if len(cells) == 6 and cells[0].isdigit() and cells[-1] in ("yes", "no"):
            yield int(cells[0]), table

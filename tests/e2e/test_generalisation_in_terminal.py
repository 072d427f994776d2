"""Held-out data and live settings in a real pseudo-terminal at 80x24, without colour."""

import re

from .terminal import Terminal, command

HELD_OUT = [
    "--dataset", "spiral", "--samples", "120", "--noise", "0.3", "--test-fraction", "0.5",
    "--hidden", "16,16", "--activation", "tanh", "--optimizer", "adam", "--lr", "0.01",
]  # fmt: skip


def chart_cells(text: str) -> str:
    """The characters inside the loss chart's plot area (right of its y axis)."""
    rows = text.splitlines()[1:10]
    return "".join(row.split("││", 1)[1].split("│")[1] for row in rows if "││" in row)


def test_the_test_curve_reads_apart_from_the_training_curve_without_colour(tmp_path):
    args = [*command(), *HELD_OUT, "--epochs", "1500", "--autostart"]
    with Terminal(args, cwd=str(tmp_path), env={"NO_COLOR": "1"}) as term:
        done = re.compile(r"done\s+epoch 1500/1500\s.*acc \S+ test \d")
        term.wait_until(lambda: done.search(term.text()) is not None, timeout=60)
        screen = term.text()
        assert "training  + test" in screen.splitlines()[0]  # the chart's title names both
        cells = chart_cells(screen)
        braille = sum(0x2800 < ord(c) <= 0x28FF for c in cells)
        assert braille >= 20 and cells.count("+") >= 20  # two curves, each drawn its own way
        assert "t: test" in screen and re.search(r"\b\d+t\s", screen)  # marked table rows
        term.press("ctrl+q")
        assert term.wait_exit() == 0

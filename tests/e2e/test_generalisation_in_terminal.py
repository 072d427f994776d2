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
        assert "7t: held out" in screen and re.search(r"\b\d+t\s", screen)  # marked table rows
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def status_of(text: str) -> tuple[int, float] | None:
    """(epoch, loss) from the status line, if it shows them."""
    found = re.search(r"running\s+epoch (\d+)/\d+\s+loss ([0-9][0-9.e+-]*)\s", text)
    return (int(found.group(1)), float(found.group(2))) if found else None


def test_a_learning_rate_typed_while_running_bends_the_curve_without_a_reset(tmp_path):
    # the lab's XOR at lr 0.2 crawls (0.2500 -> 0.2493 in 5000 epochs); at 2 it falls at once
    args = [*command(), "--dataset", "xor", "--lr", "0.2", "--epochs", "2000000"]
    with Terminal([*args, "--autostart", "--speed", "1000"], cwd=str(tmp_path)) as term:
        term.wait_until(lambda: (status_of(term.text()) or (0, 0))[0] > 1500, timeout=30)
        epoch, loss = status_of(term.text())
        assert loss > 0.24  # on the plateau
        # the form's focus starts on Dataset; six tabs reach Learn rate
        term.press(*["tab"] * 6, gap=0.1)
        term.press(*["\x7f"] * 5, gap=0.05)  # backspace the old value
        term.press("2", "enter", gap=0.2)
        term.wait_for("learn rate 2 from the next update", timeout=20)
        # no reset: the epochs go on from where they were, and the loss now falls fast
        term.wait_until(lambda: (status_of(term.text()) or (0, 1))[1] < 0.05, timeout=30)
        assert status_of(term.text())[0] > epoch
        screen = term.text()
        assert "changed" in screen.splitlines()[0] and "┆" in screen  # the chart marks it
        term.press("ctrl+g")
        term.wait_for("stopped", timeout=20)
        assert "lr 2 " in term.text()
        term.press("ctrl+q")
        assert term.wait_exit() == 0

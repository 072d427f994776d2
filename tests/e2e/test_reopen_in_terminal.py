"""A sweep's run re-opened in every view, through the installed backprop-tui at 80x24."""

import re

from engine import Config, Run
from engine.network import split_blocks
from engine.plane import extent
from engine.sweep import PRESETS
from tui.plotting import percent, short_loss

from .terminal import Terminal, command
from .test_app_in_terminal import table_rows

FLAGS = ["--dataset", "circle", "--samples", "60", "--epochs", "300"]


def test_a_sweeps_run_reopens_in_every_view_as_trained_alone(tmp_path):
    alone = Run(Config(dataset="circle", samples=60, epochs=300, lr=2.0))
    for _ in alone:
        pass
    outcome = alone.outcome()
    with Terminal([*command(), *FLAGS], cwd=str(tmp_path)) as term:
        term.wait_for("ready")
        term.press("f6")
        term.wait_for("Preset lab")
        term.press("enter")  # the preset list opens
        term.wait_for("custom")
        term.press(*["down"] * len(PRESETS), "enter")  # custom, after every preset
        term.wait_for("Preset custom")
        term.press("tab", "tab", "lr=0.5,2")  # vary the form's settings: runs 1 and 2
        term.wait_for("Vary   lr=0.5,2")
        term.press("ctrl+r")
        term.wait_for("sweep 1: done, 2/2 runs", timeout=120)
        term.press("f4")
        term.wait_for("Runs: space marks")
        term.wait_for("lr=2")
        term.press("down", "enter")  # run 2: lr=2
        term.wait_for("run 2 re-opened", timeout=30)
        # the main screen: its status and its samples' predictions
        loss, accuracy = short_loss(outcome.final_loss), percent(outcome.accuracy)
        final = re.compile(rf"done\s+epoch 300/300\s+loss {loss}\s+acc {re.escape(accuracy)}")
        term.wait_until(lambda: final.search(term.text()) is not None, timeout=30)
        # the notice sits over the table's last rows until it goes
        term.wait_until(lambda: len(table_rows(term.text())) >= 8, timeout=30)
        rows = table_rows(term.text())
        assert len(rows) >= 8
        for i, row in enumerate(rows[:8]):
            assert f"{outcome.predictions[i]:.6f}" in row
        term.press("f2")
        term.wait_for(f"Prediction: acc {accuracy},")
        term.press("f3")
        x1_min, x1_max, _, _ = extent(alone.data.x)
        term.wait_for(f"x1 {x1_min:.3g}..{x1_max:.3g}")
        term.press("f5")
        term.wait_for("Network: each unit")
        term.press("v")
        term.wait_for("Layer 1: 2 -> 4 (sigmoid)")
        block = split_blocks(alone.net.theta, alone.config.sizes)[0]
        for name, values in zip(("x1", "x2", "bias"), block):  # [W1; b1], as the engine has it
            row = re.compile(r"\s+".join([name, *(re.escape(f"{w:+.3f}") for w in values)]))
            term.wait_until(lambda r=row: r.search(term.text()) is not None)
        term.press("escape")
        term.wait_for("Settings")
        term.press("ctrl+q")
        assert term.wait_exit() == 0

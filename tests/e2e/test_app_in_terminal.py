"""The installed backprop-tui in a real pseudo-terminal, typed at with pauses between keys."""

import re
import subprocess

import pytest

from .terminal import Terminal, command


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r"\d\.\d{6}\s+(yes|no)", line)]


def test_xor_autostart_at_80x24_reaches_done_and_quits_cleanly(tmp_path):
    with Terminal([*command(), "--dataset", "xor", "--autostart"], cwd=str(tmp_path)) as term:
        # the whole final status (a frame may be read half-written: wait for all of it)
        final = re.compile(r"done\s+epoch 10000/10000\s.*acc 100%.*epochs/s avg")
        term.wait_until(lambda: final.search(term.text()) is not None, timeout=60)
        screen = term.text()
        assert "Settings" in screen and "Dataset" in screen and "Learn rate" in screen
        assert "Loss" in screen and "epoch" in screen  # the chart and its axis
        assert len(table_rows(screen)) >= 8
        status = next(line for line in screen.splitlines() if line.strip().startswith("done"))
        assert "epoch 10000/10000" in status and "acc 100%" in status and "epochs/s" in status
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_pause_step_resume_stop_by_keys(tmp_path):
    args = [*command(), "--dataset", "linear", "--epochs", "5000000"]
    with Terminal(args, cwd=str(tmp_path)) as term:
        pattern = re.compile(r"paused\s+epoch (\d+)/")

        def paused_at() -> int:
            found = pattern.search(term.text())
            return int(found.group(1)) if found else -1

        term.wait_for("ready")
        term.press("ctrl+r")
        term.wait_for("running")
        term.press("ctrl+t")
        # "paused" shows only once the worker holds and every epoch it ran is on screen, so each
        # step adds exactly one epoch
        term.wait_until(lambda: paused_at() > 0)
        held = paused_at()
        term.press("ctrl+n")
        term.wait_until(lambda: paused_at() == held + 1)
        term.press("ctrl+n")
        term.wait_until(lambda: paused_at() == held + 2)
        assert "pausing…" not in term.text()
        term.press("ctrl+t")
        term.wait_for("running")
        term.press("ctrl+g")
        term.wait_for("stopped  epoch")
        term.press("ctrl+q")
        assert term.wait_exit() == 0


@pytest.mark.parametrize(
    "env",
    [{"TERM": "xterm"}, {"TERM": "screen"}, {"TERM": "linux"}, {"NO_COLOR": "1"}],
    ids=["xterm", "screen", "linux", "no-color"],
)
def test_terminal_kinds(tmp_path, env):
    args = [*command(), "--dataset", "xor", "--epochs", "300", "--autostart"]
    with Terminal(args, env=env, cwd=str(tmp_path)) as term:
        term.wait_for("done", timeout=60)
        screen = term.text()
        assert len(table_rows(screen)) >= 8
        if env.get("TERM") == "linux":  # a console font has no braille and no rounded corners
            assert not any(0x2800 <= ord(c) <= 0x28FF or c in "╭╮╰╯" for c in screen)
            assert "Loss (log" in screen and "*" in screen  # drawn with a marker
        term.press("f1")
        term.wait_for("Keys")
        term.press("escape")
        term.wait_until(lambda: "Keys (escape" not in term.text())
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_resize_while_training(tmp_path):
    args = [
        *command(),
        "--dataset",
        "spiral",
        "--samples",
        "300",
        "--epochs",
        "5000000",
        "--autostart",
    ]
    with Terminal(args, cwd=str(tmp_path)) as term:
        term.wait_for("running")
        for cols, rows in [(40, 12), (200, 60), (60, 15), (80, 24)]:
            term.resize(cols, rows)
            term.wait_until(lambda: "running" in term.text())
        term.press("ctrl+g")
        term.wait_for("stopped  epoch")
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_fifty_restarts_in_a_row(tmp_path):
    args = [*command(), "--dataset", "xor", "--epochs", "5000000", "--autostart"]
    with Terminal(args, cwd=str(tmp_path)) as term:
        term.wait_for("running")
        term.press(*["ctrl+r"] * 50, gap=0)  # as fast as the terminal delivers them
        term.wait_until(lambda: re.search(r"running\s+epoch [1-9]", term.text()) is not None)
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_editing_keys_typed_in_one_burst_act_in_order_while_training(tmp_path):
    # a multiplexer, a paste or a slow SSH link hands the app many keys at once
    args = [*command(), "--dataset", "linear", "--epochs", "5000000", "--autostart"]
    with Terminal(args, cwd=str(tmp_path)) as term:
        term.wait_for("running")
        # tab, tab (Dataset, CSV file, Samples), ctrl+a ctrl+k (clear), 250, backspace, 7,
        # ctrl+a (home), 1: "1257" in Samples
        term.press(b"\t\t\x01\x0b250\x7f7\x011", gap=0)
        term.wait_until(lambda: re.search(r"Samples\s+1257\b", term.text()) is not None)
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_flags_fill_the_form(tmp_path):
    args = [*command(), "--dataset", "circle", "--lr", "0.25", "--hidden", "8,3", "--loss", "bce"]
    with Terminal(args, cwd=str(tmp_path)) as term:
        term.wait_for("ready")
        screen = term.text()
        assert "circle" in screen and "0.25" in screen and "8,3" in screen and "bce" in screen
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_bad_flag_for_the_app_is_one_line(tmp_path):
    done = subprocess.run(
        [*command(), "--lr", "-1"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "backprop-tui: --lr: must be a number > 0, got -1"


def test_every_view_opens_while_training_and_survives_resizes(tmp_path):
    args = [*command(), "--dataset", "gauss", "--samples", "300", "--epochs", "5000000"]
    with Terminal([*args, "--autostart"], cwd=str(tmp_path)) as term:
        term.wait_for("running")
        for key, heading in [
            ("f2", "Results: ground truth beside prediction"),
            ("f3", "Decision boundary"),
            ("f4", "Runs: space marks"),
            ("f5", "Network: each unit's output"),
        ]:
            term.press(key)
            term.wait_for(heading)
            term.wait_for("running")  # training carries on behind the view
            term.resize(40, 12)
            term.wait_until(lambda: "running" in term.text() or "Results" in term.text())
            term.resize(120, 40)
            term.wait_for(heading)
            term.resize(80, 24)
            term.wait_for(heading)
        term.press("escape")
        term.wait_for("Settings")
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_experiments_run_cancel_and_run_again(tmp_path):
    with Terminal([*command()], cwd=str(tmp_path)) as term:
        term.wait_for("ready")
        term.press("f6")
        term.wait_for("Preset lab")
        term.press("ctrl+r")  # runs the sweep here
        term.wait_for("running,", timeout=60)
        term.press("ctrl+g")
        term.wait_for("cancelled", timeout=60)
        term.press("enter")  # the preset list opens
        term.wait_for("custom")
        term.press("down", "down", "down", "enter")
        term.wait_for("Preset no-activation")
        term.press("ctrl+r")
        term.wait_for("sweep 2: done, 4/4 runs", timeout=120)
        term.press("escape")
        term.wait_for("Settings")
        term.press("ctrl+r")
        term.wait_for("running")  # training still answers
        term.press("ctrl+q")
        assert term.wait_exit() == 0


def test_backprop_view_steps_pages_and_survives_a_resize(tmp_path):
    args = [*command(), "--dataset", "xor", "--optimizer", "sgd", "--epochs", "100000"]
    with Terminal(args, cwd=str(tmp_path)) as term:
        term.wait_for("ready")
        term.press("ctrl+n")  # start paused, one update
        term.wait_for("paused")
        term.press("f9")
        term.wait_for("next update: sample")
        term.wait_for("δ1=dL/dz")
        first = re.search(r"next update: sample (\d+)", term.text()).group(1)
        term.press("ctrl+n")
        term.wait_until(lambda: f"next update: sample {first} " not in term.text())
        for i in (2, 3):
            term.press("]")
            term.wait_for(f"layer {i} of 3")
            term.wait_for(f"δ{i}=dL/dz")
        term.resize(40, 12)
        term.wait_until(lambda: "Make the terminal at least" in term.text())
        term.resize(80, 24)
        term.wait_for("δ3=dL/dz")
        term.press("escape")  # back to the main screen, then the view again from the palette
        term.wait_for("Settings")
        term.press("ctrl+p")
        term.wait_for("Search")
        term.press(*"back-propagation")
        term.wait_for("View: back-propagation")
        term.press("enter")
        term.wait_for("layer 1 of 3")
        term.press("ctrl+q")
        assert term.wait_exit() == 0

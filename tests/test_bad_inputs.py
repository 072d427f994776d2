"""No ordinary input ends the program: odd paths (too long, a NUL, a FIFO, a device, a
directory) and wrongly typed TOML values get one line and status 2 on the command line, within
a second, and a marked field or a notification in the app; output targets are checked before
any training."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tui.cli import main

LONG = "a" * 300


@pytest.fixture
def fifo(tmp_path) -> str:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return str(path)


@pytest.mark.parametrize(
    "args, flag, reason",
    [
        (["--data", "FIFO"], "--data", "not a regular file (a FIFO)"),
        (["--data", "/dev/zero"], "--data", "not a regular file (a device)"),
        (["--config", "FIFO"], "--config", "not a regular file (a FIFO)"),
        (["--config", "/dev/zero"], "--config", "not a regular file (a device)"),
        (["--init-weights", "FIFO"], "--init-weights", "not a regular file (a FIFO)"),
        (["--data", f"{LONG}.csv"], "--data", "the name is too long"),
        (["--json", f"{LONG}.json"], "--json", "File name too long"),
        (["--save-weights", f"{LONG}.npz"], "--save-weights", "File name too long"),
        (["--data", "a\0b.csv"], "--data", "NUL character"),
        (["--json", "a\0b.json"], "--json", "NUL character"),
        (["--config", "."], "--config", "is a directory"),
    ],
)
def test_odd_paths_are_one_line_and_status_2_within_a_second(args, flag, reason, fifo, capsys):
    args = [fifo if a == "FIFO" else a for a in args]
    start = time.perf_counter()
    assert main(["train", *args]) == 2
    assert time.perf_counter() - start < 1.0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"backprop-tui train: {flag}: " in err and reason in err


@pytest.mark.parametrize(
    "args, flag, reason",
    [
        (["--test-fraction", "0.99"], "--test-fraction", "0.99 leaves no sample to train on"),
        (["--test-fraction", "-1"], "--test-fraction", "from 0 up to 1 (not 1), got -1\n"),
        (["--lr", "-1"], "--lr", "must be a number > 0, got -1\n"),
    ],
)
def test_bad_numbers_name_their_flag_and_read_as_typed(args, flag, reason, capsys):
    assert main(["train", "--dataset", "xor", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"backprop-tui train: {flag}: " in err and reason in err


@pytest.mark.parametrize(
    "text", ['dataset = ["xor"]', "lr = [0.1]", "hidden = {a = 1}", "[lr]\nx = 1"]
)
def test_wrongly_typed_toml_values_name_the_file_and_setting(text, tmp_path, capsys):
    (tmp_path / "c.toml").write_text(text + "\n")
    assert main(["train", "--config", str(tmp_path / "c.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--config: " in err and "c.toml: " in err


def test_sweep_out_is_checked_before_any_training(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "summary.md").write_text("mine\n")
    sweep = ["sweep", "--vary", "lr=0.1,1", "--epochs", "100000"]  # minutes, were it trained
    start = time.perf_counter()
    assert main([*sweep, "--out", str(tmp_path / "full")]) == 2
    assert main([*sweep, "--out", str(tmp_path / "no" / "such")]) == 2
    assert main([*sweep, "--out", f"{tmp_path}/{LONG}"]) == 2
    assert time.perf_counter() - start < 3.0
    err = capsys.readouterr().err.splitlines()
    assert "not empty (--force writes into it anyway)" in err[0]
    assert "does not exist" in err[1] and "too long" in err[2]
    assert (tmp_path / "full" / "summary.md").read_text() == "mine\n"  # nothing lost
    assert main(["sweep", "--vary", "lr=0.5,1", "--epochs", "5", "--out", str(tmp_path / "full"),
                 "--force", "--jobs", "1"]) == 0  # fmt: skip
    assert "| lr=0.5 dataset=xor " in (tmp_path / "full" / "summary.md").read_text()


@pytest.fixture
def points(tmp_path) -> str:
    path = tmp_path / "points.csv"
    path.write_text("0.1,0.2,0\n0.3,0.4,1\n")
    return str(path)


CONFLICTS = [
    (["--samples", "10"], "--samples", "cannot be used with --data"),
    (["--noise", "0.1"], "--noise", "cannot be used with --data"),
    (["--dataset", "linear"], "--data", "give either --dataset or --data, not both"),
]


@pytest.mark.parametrize("command", [[], ["train"], ["sweep", "--vary", "lr=1,2"]])
@pytest.mark.parametrize("args, flag, reason", CONFLICTS, ids=[a[0] for a, _, _ in CONFLICTS])
def test_flags_that_conflict_with_data_are_one_line_naming_both(
    command, args, flag, reason, points, capsys, monkeypatch
):
    """The app's command line, ``train`` and ``sweep`` alike, before any training or the app."""
    monkeypatch.setattr("tui.app.run_app", lambda *_, **__: pytest.fail("the app opened"))
    assert main([*command, "--data", points, *args, "--epochs", "5"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert f": {flag}: {reason}" in captured.err


def test_a_preset_that_varies_what_a_csv_file_replaces_is_refused(points, capsys):
    assert main(["sweep", "--preset", "lab", "--data", points]) == 2
    err = capsys.readouterr().err
    assert err == (
        "backprop-tui sweep: --data: cannot be used with --preset lab, which varies dataset\n"
    )


def test_a_fifo_given_as_data_never_hangs_the_command(fifo):
    code = f"from tui.cli import main; raise SystemExit(main(['train', '--data', {fifo!r}]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert done.returncode == 2 and "not a regular file" in done.stderr


@pytest.mark.parametrize("flag", ["--json", "--save-weights"])
def test_an_unwritable_output_is_refused_before_any_training(flag, tmp_path, capsys):
    start = time.perf_counter()
    target = str(tmp_path / "no" / "such" / "out")
    assert main(["train", "--epochs", "10000000", flag, target]) == 2  # hours, were it trained
    assert time.perf_counter() - start < 1.0
    assert f"{flag}: {target}: directory" in capsys.readouterr().err

"""Schedules on the command line: the flags, bad input, --json, TOML files, sweeps, explain."""

import json

import numpy as np
import pytest

from engine import Config, load_toml, save_toml
from engine.sweep import Sweep, load_sweep, save_sweep
from tui.cli import main


@pytest.mark.parametrize(
    "args, flag, reason",
    [
        (["--gamma", "0"], "--gamma", "must be a number > 0, got 0"),
        (["--schedule", "exp", "--gamma", "-0.5"], "--gamma", "must be a number > 0"),
        (["--gamma", "fast"], "--gamma", "must be a number, got 'fast'"),
        (["--step-every", "0"], "--step-every", "must be a whole number from 1"),
        (["--step-every", "2.5"], "--step-every", "must be a whole number"),
        (["--schedule", "linear"], "--schedule", "unknown schedule 'linear' (choose from"),
    ],
)
def test_bad_schedule_values_are_one_line_naming_the_flag(args, flag, reason, capsys):
    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"backprop-tui train: {flag}: {reason}" in err


def test_a_constant_rate_writes_the_json_it_always_wrote(tmp_path):
    out = tmp_path / "run.json"
    assert main(["train", "--epochs", "30", "--json", str(out), "--quiet"]) == 0
    summary = json.loads(out.read_text())
    assert "lr_history" not in summary and "changes" not in summary
    assert not {"schedule", "step_every", "gamma"} & set(summary["config"])


def test_a_schedule_writes_each_epochs_rate(tmp_path, capsys):
    out = tmp_path / "run.json"
    args = ["--schedule", "step", "--step-every", "10", "--gamma", "0.5", "--epochs", "35"]
    assert main(["train", *args, "--log-every", "5", "--json", str(out)]) == 0
    assert capsys.readouterr().err == ""  # every setting applies: no note
    summary = json.loads(out.read_text())
    assert summary["lr_history"] == [2.0] * 10 + [1.0] * 10 + [0.5] * 10 + [0.25] * 5
    assert summary["config"]["schedule"] == "step"
    assert (summary["config"]["step_every"], summary["config"]["gamma"]) == (10, 0.5)
    out = tmp_path / "cosine.json"
    assert main(["train", "--schedule", "cosine", "--epochs", "8", "--json", str(out)]) == 0
    lrs = json.loads(out.read_text())["lr_history"]
    np.testing.assert_allclose(lrs, 2.0 * (1 + np.cos(np.pi * np.arange(8) / 8)) / 2, rtol=1e-13)
    assert "gamma" not in json.loads(out.read_text())["config"]  # cosine has none


def test_a_setting_its_schedule_does_not_use_gets_a_note_on_stderr(capsys):
    assert main(["train", "--epochs", "5", "--gamma", "0.5", "--step-every", "3"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "backprop-tui train: note: step every does not apply to the constant schedule",
        "backprop-tui train: note: gamma does not apply to the constant schedule",
    ]
    assert out.splitlines()[-1] == "Accuracy: 0.5238095238095238"  # the lab's format


@pytest.mark.parametrize(
    "config",
    [
        Config(schedule="step", step_every=25, gamma=0.5),
        Config(schedule="exp"),  # gamma: the default, not written
        Config(schedule="cosine", lr=0.3),
    ],
)
def test_toml_files_keep_the_schedule(config, tmp_path, capsys):
    path = tmp_path / "c.toml"
    save_toml(config, path)
    assert load_toml(path) == config
    out = tmp_path / "run.json"
    assert main(["train", "--config", str(path), "--epochs", "3", "--json", str(out)]) == 0
    written = json.loads(out.read_text())["config"]
    assert written["schedule"] == config.schedule and written["lr"] == config.lr


def test_sweeps_vary_the_schedule_and_its_settings(tmp_path, capsys):
    sweep = Sweep.parse(Config(epochs=40), ["schedule=constant,step,exp,cosine", "gamma=0.5,0.9"])
    configs = sweep.configs()
    assert len(configs) == 8 and {c.schedule for c in configs} == {
        "constant",
        "step",
        "exp",
        "cosine",
    }
    save_sweep(sweep, tmp_path / "s.toml")
    assert load_sweep(tmp_path / "s.toml") == sweep
    out = tmp_path / "out"
    args = ["sweep", "--vary", "schedule=constant,cosine", "--epochs", "40", "--jobs", "1"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "schedule=constant" in printed and "schedule=cosine" in printed
    runs = json.loads((out / "summary.json").read_text())
    assert [r["config"].get("schedule", "constant") for r in runs] == ["constant", "cosine"]
    assert runs[1]["label"].startswith("schedule=cosine ")


def test_explain_shows_the_update_at_the_rate_in_force(tmp_path, capsys):
    out = tmp_path / "step.json"
    args = ["--schedule", "step", "--step-every", "2", "--gamma", "0.5", "--steps", "5"]
    assert main(["explain", *args, "--batch", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "gd lr 2, step schedule: update 6" in text
    assert "update (gd, lr 0.5): W_i <- W_i + dW_i" in text  # 2 halved after epochs 2 and 4
    step = json.loads(out.read_text())
    assert step["lr"] == 0.5
    for layer in step["layers"]:
        np.testing.assert_allclose(
            layer["update_W"], -0.5 * np.array(layer["grad_W"]), rtol=1e-9, atol=1e-16
        )

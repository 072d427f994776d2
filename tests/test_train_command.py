"""``backprop-tui train``: the lab's log, the JSON summary, and one clear line for bad input."""

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from engine import Config, Network, save_weights
from tui.cli import main

EXE = shutil.which("backprop-tui")


def run_cli(*args):
    """The installed console script, as a user runs it."""
    command = [EXE] if EXE else [sys.executable, "-m", "tui"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("dataset, n", [("xor", 21), ("linear", 100)])
def test_defaults_reach_full_accuracy_in_the_labs_format(dataset, n, capsys):
    assert main(["train", "--dataset", dataset]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    epochs = [line for line in lines if line.startswith("epoch ")]
    samples = [line for line in lines if line.startswith("Iter ")]
    assert len(epochs) == Config().epochs // 100
    assert all(re.fullmatch(r"epoch \d+ loss : \d+\.\d{10}", line) for line in epochs)
    assert len(samples) == n
    assert all(
        re.fullmatch(rf"Iter {i} \| Ground truth: [01] \| prediction: \d\.\d{{6}}", line)
        for i, line in enumerate(samples)
    )
    assert lines[-1] == "Accuracy: 1.0"


def test_json_summary_has_every_field(tmp_path):
    out = tmp_path / "run.json"
    assert main(["train", "--epochs", "300", "--json", str(out), "--quiet"]) == 0
    summary = json.loads(out.read_text())
    for field in (
        "config",
        "inputs",
        "labels",
        "predictions",
        "loss_history",
        "accuracy",
        "epochs_run",
        "diverged",
        "diverged_at",
        "saturated",
        "wall_seconds",
    ):
        assert field in summary
    assert np.array(summary["inputs"]).shape == (21, 2)
    assert len(summary["labels"]) == len(summary["predictions"]) == 21
    assert len(summary["loss_history"]) == summary["epochs_run"] == 300
    assert summary["config"]["epochs"] == 300 and summary["config"]["hidden"] == [4, 4]
    assert summary["diverged"] is False and summary["diverged_at"] is None
    assert summary["wall_seconds"] > 0
    # per epoch and layer, the norm of the epoch's last gradient
    assert np.array(summary["grad_norms"]).shape == (300, 3)
    assert summary["final_grad_norms"] == summary["grad_norms"][-1]


def test_log_every_and_quiet(capsys):
    assert main(["train", "--epochs", "50", "--log-every", "10"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[1] for line in out.splitlines() if line.startswith("epoch")] == [
        "10",
        "20",
        "30",
        "40",
        "50",
    ]
    assert main(["train", "--epochs", "50", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_divergence_is_reported_cleanly(tmp_path):
    done = run_cli(
        "train", "--activation", "none", "--lr", "1e200", "--json", str(tmp_path / "d.json")
    )
    assert done.returncode == 0
    match = re.fullmatch(r"diverged at epoch (\d+)\n", done.stderr)
    assert match, done.stderr  # that line and nothing else: no warning, no traceback
    assert f"diverged at epoch {match.group(1)}" in done.stdout
    summary = json.loads((tmp_path / "d.json").read_text())
    assert summary["diverged"] is True and summary["diverged_at"] == int(match.group(1))


def test_saturation_is_flagged_with_the_hint(tmp_path, capsys):
    summary = tmp_path / "s.json"
    assert main(["train", "--lr", "1000", "--epochs", "500", "--json", str(summary)]) == 0
    assert "learning rate may be too high" in capsys.readouterr().out
    assert json.loads(summary.read_text())["saturated"] is True


def test_weights_saved_then_used_to_start(tmp_path):
    weights = tmp_path / "w.npz"
    # xor is learnt for good by epoch 2296: one more epoch from these weights keeps it
    assert main(["train", "--epochs", "3000", "--save-weights", str(weights), "--quiet"]) == 0
    again = ["train", "--epochs", "1", "--init-weights", str(weights), "--json", "r.json"]
    assert main([*again, "--quiet"]) == 0
    with open("r.json") as handle:
        assert json.load(handle)["accuracy"] == 1.0
    assert main(["train", "--epochs", "1", "--json", "fresh.json", "--quiet"]) == 0
    with open("fresh.json") as handle:
        assert json.load(handle)["accuracy"] < 1.0  # what one epoch does without them


@pytest.fixture
def bad_files(tmp_path):
    """Files that cannot be used, each for its own reason, in the working directory."""
    (tmp_path / "short.csv").write_text("x1,x2,label\n0.1,0.2\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "points.csv").write_text("0.1,0.2,0\n0.3,0.4,1\n")
    (tmp_path / "labels.csv").write_text("0.1,0.2,3\n")
    (tmp_path / "junk.npz").write_text("not an archive")
    save_weights(Network((2, 8, 1), "sigmoid"), tmp_path / "wide.npz")
    (tmp_path / "bad.toml").write_text("lr = [\n")
    (tmp_path / "neg.toml").write_text("lr = -3\n")


BAD_INPUTS = [
    (["--lr", "-1"], "--lr"),
    (["--lr", "0"], "--lr"),
    (["--lr", "fast"], "--lr"),
    (["--lr", "nan"], "--lr"),
    (["--epochs", "0"], "--epochs"),
    (["--epochs", "2.5"], "--epochs"),
    (["--epochs", "ten"], "--epochs"),
    (["--hidden", "0"], "--hidden"),
    (["--hidden", "4,x"], "--hidden"),
    (["--hidden", "1,1,1,1,1,1,1"], "--hidden"),
    (["--hidden", ""], "--hidden"),
    (["--activation", "swish"], "--activation"),
    (["--optimizer", "rmsprop"], "--optimizer"),
    (["--loss", "hinge"], "--loss"),
    (["--dataset", "moons"], "--dataset"),
    (["--samples", "1"], "--samples"),
    (["--samples", "many"], "--samples"),
    (["--noise", "-0.1"], "--noise"),
    (["--noise", "2"], "--noise"),
    (["--batch-size", "0"], "--batch-size"),
    (["--batch-size", "x"], "--batch-size"),
    (["--seed", "-1"], "--seed"),
    (["--seed", "1.5"], "--seed"),
    (["--log-every", "0"], "--log-every"),
    (["--data", "missing.csv"], "missing.csv"),
    (["--data", "short.csv"], "short.csv line 2"),
    (["--data", "empty.csv"], "empty.csv"),
    (["--data", "labels.csv"], "labels.csv line 1"),
    (["--dataset", "xor", "--data", "short.csv"], "--data"),
    (["--data", "points.csv", "--samples", "10"], "--samples: cannot be used with --data"),
    (["--data", "points.csv", "--noise", "0.2"], "--noise: cannot be used with --data"),
    (["--data", "points.csv", "--dataset", "xor"], "give either --dataset or --data, not both"),
    (["--init-weights", "missing.npz"], "missing.npz"),
    (["--init-weights", "junk.npz"], "junk.npz"),
    (["--init-weights", "wide.npz"], "W1 has shape (2, 8), the network needs (2, 4)"),
    (["--config", "missing.toml"], "missing.toml"),
    (["--config", "bad.toml"], "bad.toml"),
    (["--config", "neg.toml"], "neg.toml: lr"),
    (["--json", "no/such/dir/out.json"], "--json"),
    (["--save-weights", "."], "--save-weights"),
    (["--frobnicate"], "--frobnicate"),
    (["--lr"], "--lr"),
]


@pytest.mark.parametrize("args, named", BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
@pytest.mark.usefixtures("bad_files")
def test_bad_input_is_one_line_naming_it_and_exit_2(capsys, args, named):
    status = main(["train", *args])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and named in lines[0], captured.err
    assert "Traceback" not in captured.err


def test_bad_input_from_the_real_command_has_no_traceback():
    done = run_cli("train", "--hidden", "4,-2")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--hidden" in done.stderr


def test_a_batch_size_that_changes_nothing_gets_a_note_on_stderr(capsys):
    """The note goes to stderr: stdout keeps the lab's format, line for line."""
    assert main(["train", "--optimizer", "minibatch", "--epochs", "20", "--log-every", "10"]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "backprop-tui train: note: batch size 32 (the default) >= 21 samples: "
        "minibatch is the same as gd here\n"
    )
    lines = out.splitlines()
    assert [line.split(" loss : ")[0] for line in lines[:2]] == ["epoch 10", "epoch 20"]
    assert len(lines) == 2 + 21 + 1 and lines[-1].startswith("Accuracy: ")
    assert main(["train", "--dataset", "linear", "--optimizer", "minibatch", "--epochs", "5"]) == 0
    assert capsys.readouterr().err == ""  # 100 samples: batches of 32 are minibatches
    assert main(["train", "--batch-size", "8", "--epochs", "5", "--quiet"]) == 0
    assert (
        capsys.readouterr().err == "backprop-tui train: note: batch size 8 does not apply to gd\n"
    )


def test_held_out_samples_are_logged_marked_and_summarised(tmp_path, capsys):
    args = ["train", "--dataset", "gauss", "--samples", "40", "--noise", "0.4", "--epochs", "200"]
    summary = tmp_path / "split.json"
    assert main([*args, "--test-fraction", "0.25", "--json", str(summary)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"epoch 100 loss : \d\.\d{10} test loss : \d\.\d{10}", out[0])
    data = json.loads(summary.read_text())
    test = data["test_indices"]
    assert len(test) == 10 and len(data["predictions"]) == 40  # every sample, the test ones too
    iters = [line for line in out if line.startswith("Iter ")]
    assert [i for i, line in enumerate(iters) if line.endswith(" | test")] == test
    assert out[-2] == f"Accuracy: {data['accuracy']}"
    assert out[-1] == f"Test accuracy: {data['test_accuracy']}"
    assert len(data["test_loss_history"]) == 200
    assert float(out[1].split("test loss : ")[1]) == pytest.approx(data["test_loss_history"][199])
    # without a split, the lab's format exactly: no test column, no test line
    assert main([*args, "--test-fraction", "0"]) == 0
    plain = capsys.readouterr().out
    assert "test" not in plain.lower()
    assert main([*args, "--test-fraction", "1"]) == 2
    assert "--test-fraction" in capsys.readouterr().err


def test_a_test_fraction_that_holds_out_nothing_says_so(capsys):
    assert main(["train", "--dataset", "xor", "--test-fraction", "0.01", "--epochs", "5"]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "backprop-tui train: note: a test fraction of 0.01 holds out no sample of 21: "
        "nothing is tested\n"
    )
    assert "Test accuracy" not in out and " | test" not in out
    assert main(["train", "--dataset", "xor", "--test-fraction", "0.3", "--epochs", "5"]) == 0
    assert capsys.readouterr().err == ""  # 6 of 21 held out

"""backprop-tui explain: one step laid open, as text and as JSON, from the real entry point."""

import json

import numpy as np
import pytest

from engine import Config, Run
from tui.cli import main


def explained(tmp_path, *flags) -> dict:
    out = tmp_path / "step.json"
    assert main(["explain", *flags, "--json", str(out)]) == 0
    return json.loads(out.read_text())


def test_json_holds_every_layer_of_one_samples_step(tmp_path, capsys):
    step = explained(tmp_path, "--dataset", "xor", "--sample", "3")
    assert step["sample"] == 3 and step["x"] == [[0.1, 0.9]] and step["y"] == [1.0]
    assert len(step["prediction"]) == 1 and step["loss"] > 0
    assert step["grad_check_max_rel_error"] < 1e-6
    shapes = [(2, 4), (4, 4), (4, 1)]
    for layer, (fan_in, fan_out) in zip(step["layers"], shapes, strict=True):
        assert np.shape(layer["W"]) == (fan_in, fan_out) and np.shape(layer["b"]) == (fan_out,)
        for per_sample in ("z", "a", "delta"):
            assert np.shape(layer[per_sample]) == (1, fan_out)
        assert np.shape(layer["grad_W"]) == np.shape(layer["update_W"]) == (fan_in, fan_out)
        # gd: the update is -lr times the gradient
        assert np.allclose(layer["update_W"], -2.0 * np.array(layer["grad_W"]), rtol=1e-12)
    text = capsys.readouterr().out
    for i in (1, 2, 3):
        assert f"delta{i} (1x" in text and f"dL/dW{i} (" in text and f"dW{i} (" in text
    assert "gradient check (central differences): max relative error" in text


def test_a_batch_after_steps_is_the_state_the_run_reaches(tmp_path):
    flags = ["--dataset", "linear", "--samples", "30", "--optimizer", "momentum"]
    first = explained(tmp_path, *flags, "--batch")
    second = explained(tmp_path, *flags, "--batch", "--steps", "1")
    assert first["sample"] is None and len(first["x"]) == 30
    for before, after in zip(first["layers"], second["layers"]):
        moved = np.array(before["W"]) + np.array(before["update_W"])
        assert np.allclose(after["W"], moved, rtol=0, atol=1e-15)
    assert "velocity" in second["layers"][0]
    # the same weights trained by the engine itself for one epoch
    run = Run(Config(dataset="linear", samples=30, optimizer="momentum"))
    next(run)
    assert np.array_equal(np.array(second["layers"][0]["W"]), run.net.W[0])


def test_steps_with_held_out_samples_are_the_runs_steps(tmp_path):
    # full-batch gd on the samples a split leaves for training: "--steps 2" is after 2 epochs
    flags = ["--dataset", "xor", "--test-fraction", "0.3"]
    step = explained(tmp_path, *flags, "--batch", "--steps", "2")
    run = Run(Config(dataset="xor", test_fraction=0.3))
    next(run), next(run)
    assert np.array_equal(np.array(step["layers"][0]["W"]), run.net.W[0])
    train, test = run.trainer.splits[0]
    assert step["indices"] == train.tolist() and len(train) < run.n  # the training samples
    assert np.array_equal(step["x"], run.data.x[train])
    next(run)  # and its update is the one training takes
    for k, layer in enumerate(step["layers"]):
        moved = np.array(layer["W"]) + np.array(layer["update_W"])
        assert np.allclose(moved, run.net.W[k], rtol=0, atol=1e-15)
    # one sample at a time (sgd): a training sample, by its index in the data
    sgd = explained(tmp_path, *flags, "--optimizer", "sgd", "--batch", "--steps", "5")
    assert set(sgd["indices"]) <= set(train.tolist())
    assert np.array_equal(sgd["x"], run.data.x[sgd["indices"]])
    # a single sample's step: the first training sample unless one is named
    assert explained(tmp_path, *flags)["sample"] == int(train[0]) != int(test[0]) == 0


def test_a_minibatch_step_explains_the_next_batch(tmp_path):
    flags = ["--dataset", "linear", "--samples", "20", "--optimizer", "minibatch"]
    step = explained(tmp_path, *flags, "--batch-size", "8", "--batch", "--steps", "4")
    assert len(step["x"]) == 8 and len(set(step["indices"])) == 8  # the 2nd of epoch 2


@pytest.mark.parametrize(
    "flags, says",
    [
        (["--sample", "21", "--dataset", "xor"], "--sample: 21 is not a sample"),
        (["--sample", "-1"], "--sample: must be a whole number >= 0"),
        (["--sample", "1", "--batch"], "not allowed with argument"),
        (["--steps", "10000"], "--steps: 10000 is not less than"),
        (["--steps", "x"], "--steps: must be a whole number"),
        (
            ["--dataset", "linear", "--activation", "none", "--lr", "1e200", "--steps", "3"],
            "--steps: the run diverged at epoch",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(flags, says, capsys):
    assert main(["explain", *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0], err

"""--features from the command line: train, explain and sweep take it; bad lists are one line
naming the flag and status 2; without it every output is what it was."""

import json

import numpy as np
import pytest

from tui.cli import main


@pytest.mark.parametrize(
    "value, reason",
    [
        ("x3", "unknown feature 'x3' (choose from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2)"),
        ("", "must be a comma list of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2; got nothing"),
        ("x1,x1sq,x1", "feature 'x1' given twice"),
    ],
)
def test_a_bad_list_is_one_line_naming_the_flag(value, reason, capsys):
    assert main(["train", "--features", value, "--epochs", "2"]) == 2
    err = capsys.readouterr().err
    assert err == f"backprop-tui train: --features: {reason}\n"


def test_train_on_features_records_them_and_its_weights_need_them(tmp_path, capsys):
    out, weights = tmp_path / "run.json", tmp_path / "w.npz"
    flags = ["--dataset", "circle", "--epochs", "300", "--lr", "1", "--quiet"]
    given = ["--features", "x1sq,x2sq", "--json", str(out), "--save-weights", str(weights)]
    assert main(["train", *flags, *given]) == 0
    summary = json.loads(out.read_text())
    assert summary["config"]["features"] == ["x1sq", "x2sq"] and summary["accuracy"] == 1.0
    assert np.shape(summary["inputs"]) == (100, 2)  # the points, as ever
    assert main(["train", *flags, "--features", "x1sq,x2sq", "--init-weights", str(weights)]) == 0
    capsys.readouterr()
    assert main(["train", *flags, "--init-weights", str(weights)]) == 2
    assert capsys.readouterr().err == (
        f"backprop-tui train: --init-weights: {weights}: made for the features x1sq,x2sq, this "
        "network takes x1,x2 (--features x1sq,x2sq to use it)\n"
    )


def test_explain_shows_the_features_as_the_first_layers_input(tmp_path, capsys):
    out = tmp_path / "step.json"
    flags = ["--dataset", "xor", "--sample", "3", "--features", "x1x2,sinx2,x1"]
    assert main(["explain", *flags, "--json", str(out)]) == 0
    step = json.loads(out.read_text())
    assert step["x"] == [[0.1, 0.9]] and step["features"] == ["x1x2", "sinx2", "x1"]
    assert step["inputs"] == [[0.1 * 0.9, np.sin(0.9), 0.1]]
    assert np.shape(step["layers"][0]["W"]) == (3, 4)
    text = capsys.readouterr().out
    assert "  a_0 = features of x: x1·x2, sin x2, x1\n" in text and "a_0 (1x3)" in text
    assert main(["explain", "--dataset", "xor", "--sample", "3", "--json", str(out)]) == 0
    plain = json.loads(out.read_text())
    assert "features" not in plain and "inputs" not in plain
    assert "x = a_0 (1x2)" in capsys.readouterr().out


def test_a_sweep_varies_the_features_joined_by_plus(tmp_path, capsys):
    vary = "features=x1+x2,x1sq+x2sq"
    flags = ["--dataset", "circle", "--epochs", "100", "--out", str(tmp_path / "out")]
    assert main(["sweep", "--vary", vary, *flags]) == 0
    text = capsys.readouterr().out
    assert "features=x1,x2 dataset=circle" in text and "features=x1sq,x2sq dataset=circle" in text
    runs = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [r["config"].get("features") for r in runs] == [None, ["x1sq", "x2sq"]]

"""Figures for the lab report: each figure plots the run's own numbers; ``train --figures`` and
``sweep --out --figures`` write SVG and PNG files that summary.md links; without matplotlib,
one line on how to install it."""

import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from engine import Config, Run
from engine.network import Network
from engine.parallel import run_sweeps
from engine.sweep import Sweep
from tui import figures
from tui.cli import main

pytest.importorskip("matplotlib")  # the test extra installs it


@pytest.fixture(scope="module")
def xor_run():
    """A run of the lab's xor data that ends with some samples still wrong."""
    config = Config(dataset="xor", epochs=1500, lr=2.0)
    run = Run(config)
    for _ in run:
        pass
    outcome = run.outcome()
    assert 0 < outcome.accuracy < 1 and 0 < np.mean(outcome.predictions >= 0.5) < 1
    return config, run.data, outcome


def test_learning_curves_plot_the_loss_and_accuracy_histories(xor_run):
    config, _, outcome = xor_run
    loss = figures.curves_figure([(config, outcome)], (), "loss")
    (line,) = loss.axes[0].get_lines()
    assert np.array_equal(line.get_xdata(), np.arange(1, 1501))
    assert np.array_equal(line.get_ydata(), outcome.loss_history)
    assert loss.axes[0].get_yscale() == "log"
    accuracy = figures.curves_figure([(config, outcome)], (), "accuracy", accuracy=True)
    (line,) = accuracy.axes[0].get_lines()
    assert np.array_equal(line.get_ydata(), 100 * np.asarray(outcome.accuracy_history))
    # the last epoch's pass is the accuracy the run reports
    assert line.get_ydata()[-1] == pytest.approx(100 * outcome.accuracy_history[-1])


def test_sweep_curves_one_per_run_in_a_panel_per_dataset_with_a_legend_of_what_differs():
    sweep = Sweep.parse(Config(epochs=60), ["lr=0.5,2", "dataset=linear,xor"])
    runs = run_sweeps([sweep])[0].runs()
    figure = figures.curves_figure(runs, ["lr", "dataset"], "lr")
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["dataset=linear", "dataset=xor"]
    for ax in panels:
        dataset = ax.get_title().split("=")[1]
        mine = [o for c, o in runs if c.dataset == dataset]
        assert [list(line.get_ydata()) for line in ax.get_lines()] == [
            list(o.loss_history) for o in mine
        ]
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["lr=0.5", "lr=2"]
    by_lr = figures.by_setting_figure(runs, ["lr", "dataset"], "by lr")
    loss_axis = by_lr.axes[0]
    for line, dataset in zip(loss_axis.get_lines(), ("linear", "xor")):
        finals = [o.final_loss for c, o in runs if c.dataset == dataset]
        assert list(line.get_xdata()) == [0.5, 2.0]
        assert list(line.get_ydata()) == finals


def _offsets(ax) -> list[np.ndarray]:
    """The scatter plots' points, in the order they were drawn."""
    from matplotlib.collections import PathCollection

    return [np.asarray(c.get_offsets()) for c in ax.collections if type(c) is PathCollection]


def test_truth_beside_prediction_rings_exactly_the_misclassified_samples(xor_run):
    config, data, outcome = xor_run
    figure = figures.truth_vs_prediction_figure(config, data, outcome.predictions)
    truth, guess = figure.axes[:2]
    zeros, ones = _offsets(truth)
    assert np.array_equal(zeros, data.x[data.y == 0]) and np.array_equal(ones, data.x[data.y == 1])
    predicted = outcome.predictions >= 0.5
    *classes, ringed = _offsets(guess)
    assert np.array_equal(classes[1], data.x[predicted])
    assert np.array_equal(ringed, data.x[predicted != (data.y == 1)])
    right = int(np.count_nonzero(predicted == (data.y == 1)))
    assert guess.get_title() == f"Prediction ({right}/21 right)"


def test_the_boundary_is_the_networks_half_contour_over_the_samples(xor_run):
    config, data, outcome = xor_run
    figure = figures.boundary_figure(config, data, outcome.weights)
    ax = figure.axes[0]
    shade, boundary = ax.collections[:2]
    assert list(boundary.levels) == [0.5]
    assert shade.levels[0] == 0 and shade.levels[-1] == 1
    # the line is where the run's final network outputs 0.5
    net = Network.from_weights(config.sizes, config.activation, outcome.weights)
    line = np.concatenate([path.vertices for path in boundary.get_paths()])
    assert len(line) > 50
    assert np.abs(net.predict(line) - 0.5).max() < 0.02
    points = _offsets(ax)
    assert np.array_equal(points[0], data.x[data.y == 0])
    ringed = points[-1]
    wrong = (net.predict(data.x) >= 0.5) != (data.y == 1)
    assert np.array_equal(ringed, data.x[wrong])


def _png_width(path: Path) -> int:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">I", head[16:20])[0]


def _valid(path: Path) -> None:
    if path.suffix == ".svg":
        assert ET.parse(path).getroot().tag.endswith("svg")
    else:
        assert _png_width(path) >= 600


def test_train_writes_the_four_figures_of_its_run(tmp_path, capsys):
    out = tmp_path / "figs"
    code = main(["train", "--dataset", "xor", "--epochs", "300", "--figures", str(out)])
    assert code == 0
    stems = ("loss", "accuracy", "truth_vs_prediction", "boundary")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{s}.{f}" for s in stems for f in ("svg", "png")
    )
    for path in out.iterdir():
        _valid(path)
    printed = capsys.readouterr()
    assert printed.out.splitlines()[-1].startswith("Accuracy: ")  # the lab's log as it was
    # a second time into the same directory asks for --force
    assert main(["train", "--dataset", "xor", "--epochs", "5", "--figures", str(out)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--figures" in line and "not empty" in line and "--force" in line


def test_a_presets_sections_each_get_figures_that_summary_md_links(tmp_path, capsys):
    out = tmp_path / "report"
    args = ["sweep", "--preset", "lab", "--epochs", "40", "--out", str(out), "--figures"]
    assert main(args) == 0
    sections = sorted(p.name for p in out.iterdir())
    assert sections == sorted(
        ["learning-rates", "hidden-units", "no-activation", "optimizers", "activations"]
    )
    for section in sections:
        folder = out / section
        linked = re.findall(r"!\[[^]]*\]\(([^)]+)\)", (folder / "summary.md").read_text())
        svgs = sorted(p.name for p in folder.glob("*.svg"))
        assert sorted(linked) == svgs and "loss.svg" in svgs and "accuracy.svg" in svgs
        for name in svgs:
            _valid(folder / name)
            _valid(folder / name.replace(".svg", ".png"))
    assert (out / "learning-rates" / "loss_by_lr.svg").exists()


def test_without_matplotlib_figures_say_how_to_install_it(tmp_path):
    blocked = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from tui.cli import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    for args in (
        ["train", "--dataset", "xor", "--figures", str(tmp_path / "f")],
        ["sweep", "--vary", "lr=1,2", "--out", str(tmp_path / "s"), "--figures"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", blocked, *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2
        assert done.stdout == ""
        (line,) = done.stderr.splitlines()
        assert "--figures" in line and "pip install 'backprop-tui[figures]'" in line
    assert not (tmp_path / "f").exists()  # nothing trained, nothing made


def test_many_runs_one_look_per_value_and_a_diverged_run_says_so(tmp_path, recwarn):
    grid = ["lr=0.1,1,10", "hidden=2,4", "seed=1,2,3,4"]
    runs = run_sweeps([Sweep.parse(Config(dataset="xor", epochs=30), grid)])[0].runs()
    figure = figures.curves_figure(runs, ["lr", "hidden", "seed"], "grid")
    # 8 combinations of hidden and seed are too many panels: one per hidden size, 12 runs
    # each, one look per learning rate
    assert [ax.get_title() for ax in figure.axes] == ["hidden=2,2", "hidden=4,4"]
    (legend,) = figure.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts == ["lr=0.1 (4 runs)", "lr=1 (4 runs)", "lr=10 (4 runs)"]
    figures.save(figure, tmp_path, "grid")
    assert not [w for w in recwarn if "layout" in str(w.message)]

    config = Config(dataset="xor", activation="none", lr=1e200, epochs=50)
    run = Run(config)
    for _ in run:
        pass
    outcome = run.outcome()
    drawn = figures.truth_vs_prediction_figure(config, run.data, outcome.predictions, 2)
    assert drawn.axes[1].get_title() == "Prediction: none"
    assert "diverged at epoch 2" in drawn.axes[1].texts[0].get_text()
    written = figures.run_figures(config, outcome, run.data, tmp_path)
    assert [path.name for _, path in written][-1] == "boundary.svg"  # saying why it is empty

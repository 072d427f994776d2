"""``backprop-tui sweep``: the lab's findings from one command, files, and bad input."""

import csv
import json
import re
from pathlib import Path

import pytest

from engine import Config, Run
from engine.sweep import preset
from tui.cli import main

COLUMNS = (
    "final loss",
    "accuracy",
    "to 100%",
    "loss rises",
    "diverged",
    "saturated",
    "dead units",
)


def block(out: str, section: str) -> list[str]:
    """The printed lines of one section: its heading, base line, header, rows and notes."""
    return out.split(f"== {section} (")[1].split("\n\n")[0].splitlines()


def base(out: str, section: str) -> dict[str, str]:
    """{setting: value} of the section's base line."""
    line = block(out, section)[1]
    assert line.startswith("base: ")
    return dict(pair.split("=", 1) for pair in line.removeprefix("base: ").split())


def table(out: str, section: str) -> dict[str, dict[str, str]]:
    """{label: {column: cell}} for one section of the printed summary (no time column: it
    varies from run to run)."""
    lines = block(out, section)
    assert re.split(r"\s{2,}", lines[2].strip()) == ["setting", *COLUMNS, "seconds"]
    rows = {}
    for line in lines[3:]:
        if line.startswith(("note: ", "[")):
            break
        cells = re.split(r"\s{2,}", line.strip())
        rows[cells[0]] = dict(zip(COLUMNS, cells[1:-1]))
    return rows


def settings(label: str) -> dict[str, str]:
    """{setting: value} named by a run's label (a note's mark such as [1] left out)."""
    return dict(pair.split("=", 1) for pair in label.split() if "=" in pair)


def test_the_labs_sections_show_its_findings(capsys):
    """Each section at the preset's own settings: the lab's discussion, from its tables."""
    assert main(["sweep", "--preset", "no-activation", "--jobs", "1"]) == 0
    none = table(capsys.readouterr().out, "no-activation")
    accuracy = {
        (settings(k)["activation"], settings(k)["dataset"]): float(v["accuracy"].rstrip("%"))
        for k, v in none.items()
    }
    assert accuracy["none", "xor"] < 100  # XOR needs a nonlinearity
    assert accuracy["none", "linear"] >= 95  # the line does not
    assert main(["sweep", "--preset", "learning-rates", "--jobs", "1"]) == 0
    rates = table(capsys.readouterr().out, "learning-rates")
    converged = {
        float(settings(k)["lr"]): float(v["final loss"])
        for k, v in rates.items()
        if settings(k)["dataset"] == "linear" and v["diverged"] == "no" and v["to 100%"] != "-"
    }
    assert len(converged) >= 2
    lrs = sorted(converged)
    for small, large in zip(lrs, lrs[1:]):
        assert converged[small] > converged[large]  # the smaller rate ends higher


SECTIONS = ("learning-rates", "hidden-units", "no-activation", "optimizers", "activations")


def test_lab_preset_runs_every_section_and_writes_each_its_files(tmp_path, capsys):
    """The whole lab from one command, spread over the machine's cores (each section cut to a
    few epochs: the findings are the test above); every table and summary.md states the
    settings its runs share."""
    assert main(["sweep", "--preset", "lab", "--epochs", "20", "--out", str(tmp_path / "lab")]) == 0
    out = capsys.readouterr().out
    for section in SECTIONS:
        rows = table(out, section)
        assert len(rows) == len(preset(section)[0].configs())
        shared = base(out, section)
        assert shared["epochs"] == "20" and shared["seed"] == "1" and shared["loss"] == "mse"
        assert "dataset" not in shared  # every section varies it
        for label in rows:
            assert settings(label).keys() >= {"dataset", "activation", "optimizer", "lr", "hidden"}
        files = {p.name for p in (tmp_path / "lab" / section).iterdir()}
        assert {"loss_history.csv", "summary.json", "summary.md", "chart_dataset.txt"} <= files
        summary = (tmp_path / "lab" / section / "summary.md").read_text()
        assert block(out, section)[1] in summary.splitlines()  # the same base line
    assert {p.name for p in (tmp_path / "lab").iterdir()} == set(SECTIONS)
    assert base(out, "learning-rates")["activation"] == "sigmoid"
    assert "lr" not in base(out, "learning-rates") and "lr" in base(out, "hidden-units")


def test_failure_modes_show_each_failure_with_its_flag(tmp_path, capsys):
    """At the preset's own settings: oscillation, saturation, divergence, dead ReLUs and a deep
    sigmoid net that does not learn, each visible in its row."""
    out_dir = tmp_path / "failures"
    assert main(["sweep", "--preset", "failure-modes", "--jobs", "2", "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out

    lrs = {settings(k)["lr"]: v for k, v in table(out, "too-high-lr").items()}
    assert lrs["8"]["accuracy"] == "100.0%" and lrs["8"]["saturated"] == "no"
    assert int(lrs["30"]["loss rises"]) > 500  # up and down, every other epoch or so
    assert lrs["30"]["to 100%"] == "-"
    assert lrs["1000"]["saturated"] == "yes"
    assert base(out, "too-high-lr")["activation"] == "sigmoid"

    diverging = {settings(k)["lr"]: v for k, v in table(out, "divergence").items()}
    assert diverging["0.5"]["diverged"] == "no"
    assert re.fullmatch(r"at epoch \d+", diverging["1e+200"]["diverged"])
    assert diverging["1e+200"]["dead units"] == "-"  # not counted on weights that are not numbers

    relu = {settings(k)["lr"]: v for k, v in table(out, "dead-relu").items()}
    assert relu["0.5"]["dead units"] == "0/8" and relu["0.5"]["accuracy"] == "100.0%"
    dead, units = map(int, relu["5"]["dead units"].split("/"))
    assert units == 8 and dead >= 4
    assert base(out, "dead-relu")["activation"] == "relu"

    deep = {
        (settings(k)["hidden"], settings(k)["activation"]): v
        for k, v in table(out, "deep-sigmoid").items()
    }
    assert float(deep["8,8,8,8,8", "sigmoid"]["final loss"]) > 0.24  # near chance: 0.25
    assert deep["8,8,8,8,8", "tanh"]["accuracy"] == "100.0%"

    for section in ("too-high-lr", "divergence", "dead-relu", "deep-sigmoid"):
        summary = (out_dir / section / "summary.md").read_text().splitlines()
        assert block(out, section)[1] in summary  # the base line
        header = next(line for line in summary if line.startswith("| setting |"))
        assert "| saturated |" in header and "| dead units |" in header
        runs = json.loads((out_dir / section / "summary.json").read_text())
        assert all("dead_units" in run and "saturated" in run for run in runs)
    runs = json.loads((out_dir / "dead-relu" / "summary.json").read_text())
    assert [run["dead_units"] for run in runs] == [0, dead]


def test_a_batch_size_that_changes_nothing_gets_a_note(tmp_path, capsys):
    args = ["sweep", "--vary", "dataset=linear,xor", "--optimizer", "minibatch", "--epochs", "5"]
    assert main([*args, "--jobs", "1", "--out", "notes"]) == 0
    out = capsys.readouterr().out
    note = "[1] batch size 32 (the default) >= 21 samples: minibatch is the same as gd here"
    assert block(out, "sweep")[-1] == note
    rows = table(out, "sweep")
    assert [label.endswith(" [1]") for label in rows] == [False, True]  # only xor's 21 points
    assert note in Path("notes/summary.md").read_text().splitlines()
    assert main(["sweep", "--vary", "lr=0.5,1", "--batch-size", "8", "--epochs", "5"]) == 0
    assert "note: batch size 8 does not apply to gd" in capsys.readouterr().out.splitlines()


def test_vary_writes_files_that_parse_back(tmp_path, capsys):
    out = tmp_path / "out"
    status = main(
        [
            "sweep",
            "--vary",
            "lr=0.5,2",
            "--vary",
            "hidden=2,4",
            "--epochs",
            "120",
            "--jobs",
            "1",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "4 runs trained in" in printed
    rest = "dataset=xor activation=sigmoid optimizer=gd"
    rows = list(csv.reader((out / "loss_history.csv").read_text().splitlines()))
    assert rows[0] == [
        f"lr=0.5 hidden=2,2 {rest}",
        f"lr=0.5 hidden=4,4 {rest}",
        f"lr=2 hidden=2,2 {rest}",
        f"lr=2 hidden=4,4 {rest}",
    ]
    assert list(table(printed, "sweep")) == rows[0]  # the table's labels, as varied
    assert len(rows) == 1 + 120 and all(len(row) == 4 for row in rows)
    summary = json.loads((out / "summary.json").read_text())
    assert [run["config"]["lr"] for run in summary] == [0.5, 0.5, 2.0, 2.0]
    assert all(run["epochs_run"] == 120 for run in summary)
    assert all(run["dead_units"] == 0 and run["notes"] == [] for run in summary)
    markdown = (out / "summary.md").read_text().splitlines()
    assert markdown[:3] == ["# sweep", "", block(printed, "sweep")[1]]
    assert sum(line.startswith("| lr=") for line in markdown) == 4
    for setting in ("lr", "hidden"):
        chart = (out / f"chart_{setting}.txt").read_text()
        assert "log10(loss)" in chart and "\x1b" not in chart


def test_held_out_runs_write_their_test_loss_beside_their_loss(tmp_path, capsys):
    out = tmp_path / "report"
    flags = ["--dataset", "gauss", "--test-fraction", "0.3", "--epochs", "50", "--jobs", "1"]
    assert main(["sweep", *flags, "--vary", "lr=0.5,2", "--out", str(out)]) == 0
    rows = list(csv.reader((out / "loss_history.csv").read_text().splitlines()))
    assert len(rows[0]) == 4 and rows[0][1] == rows[0][0] + " test"
    for k, lr in enumerate((0.5, 2.0)):  # each run's loss, then its test loss, as run alone
        run = Run(Config(dataset="gauss", test_fraction=0.3, epochs=50, lr=lr))
        outcome = (list(run), run.outcome())[1]
        assert [float(row[2 * k]) for row in rows[1:]] == list(outcome.loss_history)
        assert [float(row[2 * k + 1]) for row in rows[1:]] == list(outcome.test_loss_history)


def test_sweep_definition_saved_and_reused(tmp_path, capsys):
    path = tmp_path / "grid.toml"
    assert (
        main(
            [
                "sweep",
                "--vary",
                "lr=0.5,1",
                "--epochs",
                "30",
                "--jobs",
                "1",
                "--save-sweep",
                str(path),
            ]
        )
        == 0
    )
    first = capsys.readouterr().out
    assert main(["sweep", "--sweep", str(path), "--jobs", "1"]) == 0
    second = capsys.readouterr().out
    assert table(first, "sweep") == table(second, "sweep")  # the same runs, the same results


BAD = [
    ([], "--preset"),
    (["--preset", "lab", "--vary", "lr=1"], "--preset"),
    (["--preset", "everything"], "--preset"),
    (["--vary", "lr=fast"], "--vary"),
    (["--vary", "lr=0.1,-2"], "--vary"),
    (["--vary", "colour=red"], "--vary"),
    (["--vary", "lr"], "--vary"),
    (["--vary", "lr=1", "--epochs", "0"], "--epochs"),
    (["--preset", "optimizers", "--lr", "-1"], "--lr"),
    (["--vary", "lr=1", "--jobs", "0"], "--jobs"),
    (["--vary", "lr=1", "--jobs", "many"], "--jobs"),
    (["--sweep", "missing.toml"], "missing.toml"),
    (["--vary", "lr=1", "--data", "missing.csv"], "missing.csv"),
]


@pytest.mark.parametrize("args, named", BAD, ids=[" ".join(a) or "nothing" for a, _ in BAD])
def test_bad_sweep_input_is_one_line(tmp_path, capsys, args, named):
    status = main(["sweep", *args])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.splitlines()
    assert len(lines) == 1 and named in lines[0], captured.err
    assert captured.out == ""


def test_out_must_not_be_a_file(tmp_path, capsys):
    Path("taken").write_text("x")
    assert main(["sweep", "--vary", "lr=1", "--out", "taken"]) == 2
    assert "--out" in capsys.readouterr().err

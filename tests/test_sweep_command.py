"""``backprop-tui sweep``: the lab's findings from one command, files, and bad input."""

import csv
import json
import re
from pathlib import Path

import pytest

from tui.cli import main


def table(out: str, section: str) -> dict[str, list[str]]:
    """{setting: cells} for one section of the printed summary."""
    block = out.split(f"== {section} (")[1].split("\n\n")[0].splitlines()[2:]
    rows = {}
    for line in block:
        cells = re.split(r"\s{2,}", line.strip())
        rows[cells[0]] = cells[1:-1]  # the time column varies from run to run
    return rows


def test_the_labs_sections_show_its_findings(capsys):
    """Each section at the preset's own settings: the lab's discussion, from its tables."""
    assert main(["sweep", "--preset", "no-activation", "--jobs", "1"]) == 0
    none = table(capsys.readouterr().out, "no-activation")
    accuracy = {k: float(v[1].rstrip("%")) for k, v in none.items()}
    assert accuracy["activation=none dataset=xor"] < 100  # XOR needs a nonlinearity
    assert accuracy["activation=none dataset=linear"] >= 95  # the line does not
    assert main(["sweep", "--preset", "learning-rates", "--jobs", "1"]) == 0
    rates = table(capsys.readouterr().out, "learning-rates")
    converged = {
        float(re.match(r"lr=(\S+)", k).group(1)): float(v[0])
        for k, v in rates.items()
        if k.endswith("dataset=linear") and v[3] == "no" and v[2] != "-"
    }
    assert len(converged) >= 2
    lrs = sorted(converged)
    for small, large in zip(lrs, lrs[1:]):
        assert converged[small] > converged[large]  # the smaller rate ends higher


def test_lab_preset_runs_every_section_and_writes_each_its_files(tmp_path, capsys):
    """The whole lab from one command, spread over the machine's cores (each section cut to a
    few epochs: the findings are the test above)."""
    assert main(["sweep", "--preset", "lab", "--epochs", "20", "--out", str(tmp_path / "lab")]) == 0
    out = capsys.readouterr().out
    sections = ("learning-rates", "hidden-units", "no-activation", "optimizers", "activations")
    for section in sections:
        assert all(len(cells) == 4 for cells in table(out, section).values())
        files = {p.name for p in (tmp_path / "lab" / section).iterdir()}
        assert {"loss_history.csv", "summary.json", "summary.md", "chart_dataset.txt"} <= files
    assert {p.name for p in (tmp_path / "lab").iterdir()} == set(sections)


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
    assert "lr=0.5 hidden=2,2" in printed and "4 runs trained in" in printed
    rows = list(csv.reader((out / "loss_history.csv").read_text().splitlines()))
    assert rows[0] == [
        "lr=0.5 hidden=2,2",
        "lr=0.5 hidden=4,4",
        "lr=2 hidden=2,2",
        "lr=2 hidden=4,4",
    ]
    assert len(rows) == 1 + 120 and all(len(row) == 4 for row in rows)
    summary = json.loads((out / "summary.json").read_text())
    assert [run["config"]["lr"] for run in summary] == [0.5, 0.5, 2.0, 2.0]
    assert all(run["epochs_run"] == 120 for run in summary)
    assert len((out / "summary.md").read_text().splitlines()) == 2 + 4
    for setting in ("lr", "hidden"):
        chart = (out / f"chart_{setting}.txt").read_text()
        assert "log10(loss)" in chart and "\x1b" not in chart


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

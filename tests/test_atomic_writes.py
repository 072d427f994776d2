"""Every writer is atomic: a write that fails (a full disk here) leaves the old file byte for byte
as it was and no temporary file behind; a weights file the product writes always reads back."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest

from engine import Config, Network, Run, WeightsError, load_weights, save_toml, save_weights
from engine.files import atomic_write
from engine.report import write_report
from engine.sweep import Sweep, save_sweep
from tui.cli import main

OLD = b"the old file, which must survive\n"


def full_disk(monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)


def trained() -> Run:
    run = Run(Config(epochs=20))
    list(run)
    return run


WRITERS = {
    "weights": lambda path: save_weights(trained().net, path),
    "config": lambda path: save_toml(Config(lr=0.3), path),
    "sweep": lambda path: save_sweep(Sweep.parse(Config(), ["lr=0.1,1"]), path),
    "report": lambda path: write_report(path.parent, [(Config(), trained().outcome())]),
    "train --json": lambda path: main(["train", "--epochs", "5", "--quiet", "--json", str(path)]),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_failed_write_leaves_the_old_file_as_it_was(writer, tmp_path, monkeypatch):
    name = "summary.json" if writer == "report" else "target"
    target = tmp_path / "out" / name
    target.parent.mkdir()
    target.write_bytes(OLD)
    full_disk(monkeypatch)
    try:
        WRITERS[writer](target)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    except SystemExit:
        pass
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in target.parent.iterdir()) == [name]  # no temporary file left


def test_a_write_that_succeeds_replaces_the_file_whole(tmp_path):
    target = tmp_path / "w.npz"
    target.write_bytes(OLD)
    os.chmod(target, 0o640)
    run = trained()
    save_weights(run.net, target)
    fresh = Network(run.config.sizes, run.config.activation)
    load_weights(fresh, target)
    assert np.array_equal(fresh.theta, run.net.theta)
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions


def test_an_error_inside_the_writer_leaves_no_trace(tmp_path):
    target = tmp_path / "t.txt"

    def half(handle):
        handle.write(b"half a file")
        raise ValueError("broken")

    with pytest.raises(ValueError):
        atomic_write(target, half)
    assert list(tmp_path.iterdir()) == []


def test_the_weights_of_a_diverged_run_are_never_written(tmp_path, capsys):
    path = tmp_path / "d.npz"
    args = ["train", "--activation", "none", "--lr", "1e200", "--epochs", "50"]
    assert main([*args, "--save-weights", str(path), "--quiet"]) == 0
    assert not path.exists()
    assert "not saved: the weights are not finite" in capsys.readouterr().err
    run = Run(Config(activation="none", lr=1e200, epochs=50))
    list(run)
    with pytest.raises(WeightsError, match="not finite"):
        save_weights(run.net, path)


def test_a_screenshot_is_written_atomically(tmp_path, monkeypatch):
    from tui.app import BackpropApp

    app = BackpropApp(Config())
    target = Path(tmp_path / "shot.svg")
    target.write_bytes(OLD)
    monkeypatch.setattr(app, "export_screenshot", lambda: "<svg/>")
    full_disk(monkeypatch)
    with pytest.raises(OSError):
        app._write_screenshot(str(target))
    assert target.read_bytes() == OLD


def test_a_full_disk_is_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    full_disk(monkeypatch)
    target = tmp_path / "r.json"
    assert main(["train", "--epochs", "5", "--quiet", "--json", str(target)]) == 2
    assert capsys.readouterr().err == f"backprop-tui train: {target}: No space left on device\n"

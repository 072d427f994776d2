"""Sweeps on a Dask cluster (--scheduler): the results of a local sweep, bit for bit; a stopped
sweep leaves nothing training on the cluster; bad addresses and a missing Dask are one line."""

from __future__ import annotations

import json
import resource
import sys
import threading
import time

from engine import Config
from engine.parallel import run_sweeps
from engine.sweep import Sweep
from tui.cli import main
from tui.cli.cluster import dask_executor

GRID = ["--vary", "lr=0.5,2", "--vary", "hidden=2,3", "--vary", "optimizer=gd,adam"]


def test_a_sweep_on_a_local_dask_cluster_equals_the_local_sweep(tmp_path, capsys):
    args = ["sweep", *GRID, "--epochs", "40", "--dataset", "circle"]
    assert main([*args, "--out", str(tmp_path / "here")]) == 0
    on_dask = ["--scheduler", "local", "--jobs", "2", "--out", str(tmp_path / "dask")]
    assert main([*args, *on_dask]) == 0
    printed = capsys.readouterr()
    assert (
        "8 runs trained in" in printed.out and "on a local Dask cluster (2 at once)" in printed.out
    )
    assert printed.err == ""  # Dask's own logs stay out of the sweep's output
    here, there = tmp_path / "here", tmp_path / "dask"
    assert (there / "loss_history.csv").read_bytes() == (here / "loss_history.csv").read_bytes()
    summaries = [json.loads((d / "summary.json").read_text()) for d in (here, there)]
    for summary in summaries:
        for run in summary:
            assert run.pop("seconds") > 0  # wall time: the one thing that differs
    assert summaries[0] == summaries[1]
    assert len(summaries[0]) == 8


def test_a_stopped_sweep_leaves_nothing_training_on_the_cluster():
    sweep = Sweep.parse(Config(epochs=10_000_000), ["hidden=2,3"])
    with dask_executor("local", 2) as (executor, slots, stop):
        client = executor._client

        def busy() -> bool:
            return sum(map(len, client.processing().values())) == 2

        stopped = threading.Event()

        def stop_once_training() -> None:
            deadline = time.monotonic() + 60
            while not busy() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            stopped.set()

        threading.Thread(target=stop_once_training, daemon=True).start()
        (result,) = run_sweeps(
            [sweep], slots, stopped=stopped.is_set, executor=executor, executor_stop=stop
        )
        assert not any(run.state.finished for run in result.outcomes)

        def cpu() -> dict[str, float]:
            return client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_utime)

        time.sleep(0.5)  # the tasks check the event four times a second
        before = cpu()
        time.sleep(1.0)
        after = cpu()
        assert all(after[w] - before[w] < 0.5 for w in before), (before, after)


def test_scheduler_errors_are_one_line(capsys, monkeypatch):
    quick = ["sweep", "--vary", "lr=0.5,2", "--epochs", "5"]
    assert main([*quick, "--scheduler", "nonsense"]) == 2
    assert main([*quick, "--scheduler", "tcp://127.0.0.1:1", "--jobs", "2"]) == 2
    monkeypatch.setitem(sys.modules, "distributed", None)  # Dask not installed
    assert main([*quick, "--scheduler", "local"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "backprop-tui sweep: --scheduler: cannot reach a Dask scheduler at nonsense "
        "(missing port number in address 'nonsense')"
    )
    assert lines[1].startswith("backprop-tui sweep: --jobs:")
    assert lines[2] == (
        "backprop-tui sweep: --scheduler: needs Dask: pip install 'backprop-tui[cluster]'"
    )


def test_an_unreachable_scheduler_is_named_within_seconds(capsys):
    address = "tcp://127.0.0.1:1"  # nothing listens there
    start = time.monotonic()
    assert main(["sweep", "--vary", "lr=0.5,2", "--epochs", "5", "--scheduler", address]) == 2
    assert time.monotonic() - start < 15
    err = capsys.readouterr().err
    assert err.startswith(
        f"backprop-tui sweep: --scheduler: cannot reach a Dask scheduler at {address} ("
    )
    assert err.count("\n") == 1

"""BLAS threads: one per process unless --threads N (or a config's ``threads``) asks for more,
in every command, the app and every sweep worker; never a change in the results.

The limit is process-wide, so each check runs in a process of its own: it starts from a pool of
THREADS_BEFORE threads (neither the default nor what a test asks for), runs a command through
``tui.cli.main`` and prints what threadpoolctl then sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Config
from engine.labels import describe_base, labels
from engine.workers import _train_in_worker
from tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
THREADS_BEFORE = 3
PROBE = "BACKPROP_TUI_TEST_THREADS_DIR"
"""Where probe() writes what a sweep worker's BLAS pool holds (an environment variable, as
spawned workers inherit it)."""


def python(
    code: str, env: dict[str, str] | None = None, pool: int | None = THREADS_BEFORE
) -> subprocess.CompletedProcess:
    """``code`` in a fresh Python, once NumPy's BLAS pool holds ``pool`` threads (None: as
    NumPy started it), with ``blas()`` (the pool's thread counts) and ``main`` at hand."""
    setup = (
        "import json, sys, numpy, threadpoolctl\n"
        f"threadpoolctl.threadpool_limits({pool}, user_api='blas')\n"
        "from tui.cli import main\n"
        "def blas():\n"
        "    return sorted({i['num_threads'] for i in threadpoolctl.threadpool_info()\n"
        "                   if i['user_api'] == 'blas'})\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", setup + code],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    return done


def threads_after(*commands: list[str]) -> list[list[int]]:
    """The BLAS pool's thread counts after each of ``backprop-tui ARGV`` ran, one after the
    other, in one fresh process."""
    code = "".join(
        f"assert main({argv!r}) == 0\nprint(json.dumps(blas()), file=sys.stderr)\n"
        for argv in commands
    )
    return [json.loads(line) for line in python(code).stderr.splitlines()[-len(commands) :]]


QUICK = ["--epochs", "3", "--dataset", "spiral", "--samples", "200"]
COMMANDS = {
    "train": ["train", "--quiet", *QUICK],
    "explain": ["explain", *QUICK],
    "sweep": ["sweep", "--vary", "lr=0.1,1", "--jobs", "1", *QUICK],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_limits_blas_to_one_thread_unless_told(command):
    argv = COMMANDS[command]
    # from THREADS_BEFORE to the default, then to what --threads asks, then back
    after = threads_after(argv, [*argv, "--threads", "2"], argv)
    assert after == [[1], [2], [1]]


def test_a_config_file_sets_the_threads_and_the_flag_wins(tmp_path):
    (tmp_path / "c.toml").write_text("threads = 2\n")
    train = [*COMMANDS["train"], "--config", str(tmp_path / "c.toml")]
    assert threads_after(train, [*train, "--threads", "1"]) == [[2], [1]]


def test_the_app_is_limited_before_it_opens():
    code = (
        "import tui.app\n"
        "tui.app.run_app = lambda config, **kw: print(json.dumps(blas()), file=sys.stderr) or 0\n"
        "assert main(['--epochs', '3']) == 0\n"
        "assert main(['--threads', '2']) == 0\n"
    )
    assert python(code).stderr.split() == ["[1]", "[2]"]


def probe(configs, *args):
    """In a sweep worker: note its BLAS pool, then train the group as the worker would."""
    import threadpoolctl

    pool = sorted({i["num_threads"] for i in threadpoolctl.threadpool_info()})
    Path(os.environ[PROBE], f"{os.getpid()}-{args[0]}").write_text(json.dumps(pool))
    return _train_in_worker(configs, *args)


def test_every_sweep_worker_runs_with_the_parents_threads(tmp_path):
    # four groups (hidden 2 to 5) over two worker processes, the command's own process
    # training none of them (as in the app); each worker notes its pool in its sweep's directory
    argv = ["sweep", "--vary", "hidden=2,3,4,5", "--jobs", "2", *QUICK]
    code = "import functools, os, engine.workers, tui.cli.sweep, tests.test_blas_threads as t\n"
    code += "engine.workers._train_in_worker = t.probe\n"
    code += "tui.cli.sweep.run_sweeps = functools.partial(tui.cli.sweep.run_sweeps, here=False)\n"
    for name, given in (("default", []), ("two", ["--threads", "2"])):
        (tmp_path / name).mkdir()
        code += f"os.environ[{PROBE!r}] = {str(tmp_path / name)!r}\n"
        code += f"assert main({[*argv, *given]!r}) == 0\n"
        code += "print(json.dumps(blas()), file=sys.stderr)\n"
    parent = [json.loads(line) for line in python(code).stderr.splitlines()[-2:]]
    assert parent == [[1], [2]]
    for name, expected in (("default", [1]), ("two", [2])):
        notes = list((tmp_path / name).iterdir())
        assert len(notes) == 4  # every group trained in a worker
        assert all(json.loads(note.read_text()) == expected for note in notes)


def test_the_engine_leaves_blas_alone_until_training_starts():
    code = (
        "from engine import Config, Run, use_threads\n"
        "run = Run(Config(epochs=2))\n"
        "print(blas())\n"  # made, not trained yet: the caller's pool as it was
        "list(run)\n"
        "print(blas())\n"  # trained: the default
        "use_threads(2)\n"
        "list(Run(Config(epochs=2)))\n"
        "print(blas())\n"  # the process's choice stands for a config that sets none
        "list(Run(Config(epochs=2, threads=1)))\n"
        "print(blas())\n"  # a config that sets one has it
    )
    lines = python(code).stdout.splitlines()
    assert lines == [f"[{THREADS_BEFORE}]", "[1]", "[2]", "[1]"]


def test_the_results_do_not_depend_on_the_threads(tmp_path):
    """The default run's loss history is the one of a process whose BLAS had one thread from
    the start (the environment variable, read as NumPy loads), and more threads change nothing
    at sizes where OpenBLAS does use them (32 units x 1000 samples)."""
    argv = ["train", "--quiet", "--dataset", "spiral", "--samples", "1000", "--hidden", "32,32"]
    argv += ["--optimizer", "adam", "--epochs", "30"]

    def histories(name: str, runs: list[list[str]], **how) -> list[list[float]]:
        paths = [tmp_path / f"{name}-{k}.json" for k in range(len(runs))]
        code = "".join(
            f"assert main({[*argv, *extra, '--json', str(path)]!r}) == 0\n"
            for extra, path in zip(runs, paths)
        )
        python(code, **how)
        return [json.loads(path.read_text())["loss_history"] for path in paths]

    single = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    (from_the_start,) = histories("env", [[]], env=single, pool=None)
    default, two = histories("flags", [[], ["--threads", "2"]])
    assert len(default) == 30
    assert default == from_the_start
    assert two == default


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("value", ["0", "x", "-1", "1.5", "257"])
def test_bad_threads_is_one_line_naming_the_flag(command, value, capsys):
    assert main([*COMMANDS[command], "--threads", value]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert f"backprop-tui {command}: --threads: must be a whole number" in err


def test_a_sweep_cannot_vary_the_threads(capsys):
    assert main(["sweep", "--vary", "threads=1,2", *QUICK]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backprop-tui sweep: --vary: threads cannot be varied")


def test_threads_is_shown_only_where_set():
    assert "threads" not in describe_base([Config(), Config(lr=0.5)])
    assert "threads=2" in describe_base([Config(threads=2), Config(threads=2, lr=0.5)])
    assert all("threads" not in label for label in labels([Config(), Config(lr=0.5)]))
    assert labels([Config(threads=1), Config(threads=2)])[1].startswith("threads=2 ")
    assert Config.from_values({"threads": ""}).threads is None
    assert Config.from_values({"threads": " 4 "}).threads == 4

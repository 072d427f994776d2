"""No orphans: SIGTERM, SIGHUP or SIGINT to a sweep or to the app stop every worker process
within 2 s (and the app gives the terminal back); a worker whose parent is killed outright
exits on its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest

from .terminal import Terminal, command

# four runs that share no computation, three jobs: this process and two workers (the planner
# starts them for work this long)
LONG_SWEEP = ["sweep", "--vary", "hidden=2,3,4,5", "--epochs", "5000000", "--jobs", "3"]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` now (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def wait_gone(pids: set[int], timeout: float) -> set[int]:
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


def start_sweep(tmp_path, settle: float = 1.0) -> tuple[subprocess.Popen, set[int]]:
    """The long sweep, once it has two processes below it and ``settle`` seconds more."""
    process = subprocess.Popen(
        [*command(), *LONG_SWEEP],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a shell's job is
    )
    deadline = time.monotonic() + 30
    while len(descendants(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(settle)  # the workers are training (or, with 0, still starting)
    workers = descendants(process.pid)
    if len(workers) < 2:
        process.kill()  # not left training for hours after the test
        process.wait()
        pytest.fail("the sweep's worker processes never started")
    return process, workers


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_to_a_sweep_stops_it_and_every_worker_within_2_s(signum, tmp_path):
    process, workers = start_sweep(tmp_path)
    start = time.monotonic()
    process.send_signal(signum)
    status = process.wait(timeout=10)
    assert time.monotonic() - start < 2.0
    assert wait_gone(workers, 2.0 - (time.monotonic() - start) + 0.2) == set()
    assert status == 130
    assert process.stderr.read().strip().splitlines() == ["backprop-tui: interrupted"]


@pytest.mark.parametrize("settle", [0.0, 1.0], ids=["workers-starting", "workers-training"])
def test_ctrl_c_to_the_whole_job_stops_the_sweep_as_one(tmp_path, settle):
    # a terminal's ctrl+c reaches every process of the job, the workers too
    process, workers = start_sweep(tmp_path, settle)
    start = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    status = process.wait(timeout=10)
    assert time.monotonic() - start < 2.0
    assert wait_gone(workers, 2.0) == set()
    assert status == 130
    assert process.stderr.read().strip().splitlines() == ["backprop-tui: interrupted"]


def test_workers_of_a_sweep_killed_outright_exit_on_their_own(tmp_path):
    process, workers = start_sweep(tmp_path)
    process.kill()  # SIGKILL: no handler, no clean-up in the parent
    process.wait(timeout=10)
    assert wait_gone(workers, 3.0) == set()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_app_during_a_sweep_restores_the_terminal(signum, tmp_path):
    with Terminal([*command(), "--dataset", "xor"], cwd=str(tmp_path)) as term:
        term.wait_for("ready")
        term.press("f6")
        term.wait_for("Experiments")
        term.press("ctrl+r")  # the lab preset: 36 runs over the processes
        term.wait_for("running", timeout=30)
        time.sleep(1.0)
        assert 1049 << 5 in term.screen.mode  # the app is on the alternate screen
        workers = descendants(term.process.pid)
        assert workers, "the sweep's worker processes never started"
        start = time.monotonic()
        os.kill(term.process.pid, signum)
        status = term.wait_exit(timeout=10)
        assert time.monotonic() - start < 2.0
        assert wait_gone(workers, 2.0) == set()
        assert status == 128 + signum
        restored = term.screen.mode
        assert pyte.modes.DECTCEM in restored  # the cursor is shown again
        for private in (1049, 1000, 1003, 1006):  # alternate screen, mouse tracking: off
            assert private << 5 not in restored


def test_quitting_during_a_heavy_epoch_does_not_wait_for_it(tmp_path):
    heavy = ["--dataset", "circle", "--samples", "20000", "--hidden", "512,512", "--autostart"]
    with Terminal([*command(), *heavy], cwd=str(tmp_path)) as term:
        term.wait_for("running", timeout=30)
        time.sleep(1.0)  # inside an epoch of several seconds
        start = time.monotonic()
        term.press("ctrl+q")
        term.wait_exit(timeout=10)
        assert time.monotonic() - start < 2.0


def test_the_checks_see_a_child(tmp_path):
    """descendants() finds a real child, so the tests above would see leftovers."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in descendants(os.getpid())
        assert alive({child.pid}) == {child.pid}
    finally:
        child.kill()
        child.wait()

"""The app's sweep: what is running, its runs so far, and the pump a thread worker runs.

The pump calls the engine's ``run_sweeps`` (which spreads the runs over processes) and only
posts SweepProgress snapshots (about four a second) and a final SweepEnded; it touches no widget.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

from textual.message import Message

from engine import Config
from engine.parallel import SweepRun, run_sweeps
from engine.sweep import Sweep

from .messages import SweepEnded, SweepProgress

IDLE, RUNNING, DONE, CANCELLED, FAILED = "idle", "running", "done", "cancelled", "failed"
POST_INTERVAL = 0.25


class Experiment:
    """The latest sweep of the session (one at a time)."""

    def __init__(self) -> None:
        self.sweep_id = 0
        self.sweeps: list[Sweep] = []
        self.runs: dict[Config, SweepRun] = {}
        self.state = IDLE
        self.error = ""
        self.stop = threading.Event()

    @property
    def total(self) -> int:
        return len({c for sweep in self.sweeps for c in sweep.configs()})

    @property
    def finished(self) -> int:
        return sum(1 for run in self.runs.values() if run.done or run.diverged_at)

    def start(self, sweeps: list[Sweep]) -> int:
        """A new sweep replaces the last; returns its id."""
        self.stop.set()  # the last one, if any, ends early
        self.stop = threading.Event()
        self.sweep_id += 1
        self.sweeps, self.runs = sweeps, {}
        self.state, self.error = RUNNING, ""
        return self.sweep_id


def snapshot(runs: dict[Config, SweepRun]) -> dict[Config, SweepRun]:
    """Shallow copies: the engine replaces histories rather than changing them, so this is safe."""
    return {config: dataclasses.replace(run) for config, run in runs.items()}


def pump_sweep(
    sweeps: list[Sweep],
    sweep_id: int,
    stop: threading.Event,
    jobs: int,
    post: Callable[[Message], object],
) -> None:
    """Run the sweeps to their end (or until ``stop``), posting snapshots of the runs."""
    due = 0.0
    latest: dict = {}

    def progress(runs) -> None:
        nonlocal due, latest
        latest = runs
        if time.monotonic() >= due:
            post(SweepProgress(sweep_id=sweep_id, runs=snapshot(runs)))
            due = time.monotonic() + POST_INTERVAL

    try:
        results = run_sweeps(sweeps, jobs=jobs, progress=progress, stopped=stop.is_set, follow=True)
    except Exception as error:  # shown as a notification and a state, never a traceback
        post(
            SweepEnded(
                sweep_id, snapshot(latest), stop.is_set(), f"{type(error).__name__}: {error}"
            )
        )
        return
    runs = {run.config: run for result in results for run in result.runs}
    post(SweepEnded(sweep_id=sweep_id, runs=snapshot(runs), cancelled=stop.is_set()))

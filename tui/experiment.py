"""The app's sweep: what is running, its runs so far, and the pump a thread worker runs.

The pump calls the engine's ``run_sweeps`` (which trains the runs in worker processes, kept for
the session's next sweeps) and only posts SweepProgress snapshots (about four a second) and a
final SweepEnded; it touches no widget.
The Experiment starts it, books its messages, and hands the finished runs to the session.

    idle --start--> running --> done | cancelled | failed;  start again replaces the last sweep
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import resource_tracker

from textual.message import Message
from textual.message_pump import MessagePump

from engine import Config, DataError, Outcome, State
from engine.memory import MemoryBudgetError
from engine.outcome import Named
from engine.parallel import run_sweeps
from engine.sweep import Sweep
from engine.workers import Workers

from .messages import SweepEnded, SweepProgress
from .session import Session
from .worker import poster, start_thread

POST_INTERVAL = 0.25


class SweepState(Named):
    """Where the app's sweep stands."""

    IDLE = "idle"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Experiment:
    """The latest sweep of the session (one at a time); its finished runs join ``session``."""

    def __init__(self, session: Session, budget: int | None = None) -> None:
        self.session = session
        self.budget = budget
        """Bytes the sweep's runs training at once may need (engine.memory), or None."""
        self.sweep_id = 0
        self.sweeps: list[Sweep] = []
        self.runs: dict[Config, Outcome] = {}
        self.state = SweepState.IDLE
        self.error = ""
        self.stop = threading.Event()
        self.workers = Workers()
        """Processes kept from one sweep to the next (started when a sweep is worth them)."""

    @property
    def total(self) -> int:
        return len({c for sweep in self.sweeps for c in sweep.configs()})

    @property
    def epochs_total(self) -> int:
        """Epochs the sweep's runs train in all (each of its configs once)."""
        return sum(c.epochs for c in {c for sweep in self.sweeps for c in sweep.configs()})

    @property
    def epochs_done(self) -> int:
        """Epochs trained so far; a run that ended early (diverged) counts all of its own."""
        return sum(
            config.epochs if run.state.finished else min(run.epochs_run, config.epochs)
            for config, run in self.runs.items()
        )

    @property
    def finished(self) -> int:
        return sum(1 for run in self.runs.values() if run.state.finished)

    @property
    def running(self) -> bool:
        return self.state is SweepState.RUNNING

    def start(self, sweeps: list[Sweep], host: MessagePump) -> int:
        """Run ``sweeps`` in a thread of its own (``host`` receives the messages); a running
        sweep is cancelled first. Returns the new sweep's id."""
        self.stop.set()  # the last one, if any, ends early
        self.stop = threading.Event()
        self.sweep_id += 1
        self.sweeps, self.runs = sweeps, {}
        self.state, self.error = SweepState.RUNNING, ""
        # multiprocessing starts its resource tracker with stderr's file descriptor, which
        # Textual's capture of stderr does not have: start it against the real one first
        with contextlib.redirect_stderr(sys.__stderr__):
            resource_tracker.ensure_running()
        jobs = os.cpu_count() or 1
        # quitting never waits for it (see start_thread); its processes are stopped through
        # ``stop`` and, should the app die, stop by themselves
        args = (sweeps, self.sweep_id, self.stop, jobs, poster(host), self.budget, self.workers)
        start_thread(f"sweep-{self.sweep_id}", pump_sweep, *args)
        return self.sweep_id

    def cancel(self) -> None:
        self.stop.set()

    def close(self) -> None:
        """The sweep stopped and the kept processes gone (the app is closing)."""
        self.stop.set()
        self.workers.close()

    def progress(self, message: SweepProgress) -> None:
        if message.sweep_id == self.sweep_id:
            self.runs = message.runs

    def ended(self, message: SweepEnded) -> int | None:
        """Book the sweep's end; returns how many runs joined the session (None for an earlier
        sweep's tail)."""
        if message.sweep_id != self.sweep_id:
            return None
        self.runs, self.error = message.runs, message.error
        if message.error:
            self.state = SweepState.FAILED
        else:
            self.state = SweepState.CANCELLED if message.cancelled else SweepState.DONE
        # a cancelled sweep's runs that had begun join too, marked stopped where they were
        kept = [(c, r) for c, r in message.runs.items() if r.state.finished or r.epochs_run]
        for config, outcome in kept:
            if not outcome.state.finished:
                outcome = dataclasses.replace(outcome, state=State.STOPPED)
            # the session's copy (its history held compactly) serves the chart too: one, not two
            self.runs[config] = self.session.add_finished(config, outcome).outcome
        return len(kept)


def pump_sweep(
    sweeps: list[Sweep],
    sweep_id: int,
    stop: threading.Event,
    jobs: int,
    post: Callable[[Message], object],
    budget: int | None = None,
    workers: Workers | None = None,
) -> None:
    """Run the sweeps to their end (or until ``stop``), posting snapshots of the runs, in
    worker processes only (the app's interpreter is for the screen), those of ``workers``
    kept for the next sweep."""
    due = 0.0
    latest: dict[Config, Outcome] = {}

    def progress(runs: dict[Config, Outcome]) -> None:
        nonlocal due, latest
        latest = runs
        if time.monotonic() >= due:
            post(SweepProgress(sweep_id=sweep_id, runs=dict(runs)))
            due = time.monotonic() + POST_INTERVAL

    try:
        results = run_sweeps(
            sweeps,
            jobs,
            progress=progress,
            stopped=stop.is_set,
            follow=True,
            budget=budget,
            workers=workers,
            here=False,  # the app's own interpreter is for the screen
        )
    except Exception as error:  # shown as a notification and a state, never a traceback
        known = isinstance(error, (DataError, MemoryBudgetError))
        reason = str(error) if known else f"{type(error).__name__}: {error}"
        post(SweepEnded(sweep_id, dict(latest), stop.is_set(), reason))
        return
    runs = {config: outcome for result in results for config, outcome in result.runs()}
    post(SweepEnded(sweep_id=sweep_id, runs=runs, cancelled=stop.is_set()))

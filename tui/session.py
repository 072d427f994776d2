"""The session: every run started in this app, and what each has done so far.

Plain data, no widgets: the app updates it from the worker's messages, the views read it.
"""

from __future__ import annotations

import time
from array import array
from dataclasses import dataclass, field

import numpy as np

from engine import Config, Dataset, RunResult, Snapshot
from engine.parallel import SweepRun
from engine.report import RunSummary

from .messages import TrainingProgress

READY, RUNNING, PAUSED, DONE, DIVERGED, STOPPED, FAILED = (
    "ready",
    "running",
    "paused",
    "done",
    "diverged",
    "stopped",
    "failed",
)
ACTIVE = (RUNNING, PAUSED)
RATE_SMOOTHING = 0.5
"""Weight of the previous epochs-per-second reading in the shown rate."""


@dataclass(eq=False)
class RunRecord:
    """One run: its config and data, its loss per epoch, and where it stands."""

    run_id: int
    config: Config
    data: Dataset | None
    """The samples (None for runs that came from a sweep)."""
    state: str = RUNNING
    losses: array = field(default_factory=lambda: array("d"))
    accuracy: float = 0.0
    predictions: np.ndarray | None = None
    """The network's outputs (n,) on the data, latest first."""
    weights: np.ndarray | None = None
    """The flat parameter vector, latest."""
    dead: list[np.ndarray] = field(default_factory=list)
    """Per hidden layer, which units output 0 on every sample."""
    saturated: bool = False
    diverged_at: int | None = None
    epochs_to_100: int | None = None
    """First epoch whose pass got every sample right."""
    error: str = ""
    rate: float = 0.0
    """Epochs per second, recently."""
    seconds: float = 0.0
    """Time spent training (pauses excluded)."""
    clock: float = 0.0
    """When the last progress arrived, or the run started or resumed (monotonic seconds)."""
    held: bool = False
    """The worker has shown every epoch and is waiting on a pause."""

    @property
    def epoch(self) -> int:
        return len(self.losses)

    @property
    def loss(self) -> float | None:
        return self.losses[-1] if self.losses else None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def progress(self, message: TrainingProgress) -> None:
        """Take in a batch of epochs from the worker."""
        self.losses.extend(message.losses)
        self.accuracy = message.accuracy
        self.saturated = message.saturated
        self.predictions = message.snapshot.predictions
        self.weights = message.snapshot.weights
        self.dead = message.snapshot.dead
        self.epochs_to_100 = message.perfect_at
        elapsed = message.time - self.clock
        if elapsed > 0 and self.state == RUNNING:
            self.seconds += elapsed
            rate = len(message.losses) / elapsed
            self.rate = (
                rate if not self.rate else RATE_SMOOTHING * self.rate + (1 - RATE_SMOOTHING) * rate
            )
        self.clock = message.time
        self.held = message.paused
        if message.paused and self.state == RUNNING:
            self.state = PAUSED

    def finish(self, outcome: RunResult, snapshot: Snapshot) -> None:
        """The run is over: final predictions at the final weights, and why it ended."""
        self.predictions = outcome.predictions
        self.weights = snapshot.weights
        self.dead = snapshot.dead
        self.accuracy = outcome.accuracy
        self.saturated = outcome.saturated
        self.diverged_at = outcome.diverged_at
        if outcome.diverged:
            self.state = DIVERGED
        else:
            self.state = STOPPED if outcome.cancelled else DONE
        if self.seconds > 0:
            self.rate = self.epoch / self.seconds  # the run's average from now on

    def fail(self, error: str) -> None:
        self.state, self.error = FAILED, error

    def summary(self, label: str) -> RunSummary:
        """The run as a report shows it."""
        return RunSummary(
            label=label,
            config=self.config,
            loss_history=self.losses,
            accuracy=self.accuracy,
            epochs_to_100=self.epochs_to_100,
            diverged_at=self.diverged_at,
            state=self.state,
            seconds=self.seconds or None,
        )

    def status(self) -> str:
        """The state in words, e.g. "diverged at epoch 12"."""
        if self.state == DIVERGED:
            return f"diverged at epoch {self.diverged_at}"
        if self.state == FAILED:
            return f"failed: {self.error}"
        return self.state


class Session:
    """All runs of this app session, newest last; ``current`` is the one on the main screen."""

    def __init__(self) -> None:
        self.runs: list[RunRecord] = []
        self.current: RunRecord | None = None
        self.marked: set[int] = set()
        """Ids of the runs marked for comparison."""
        self._next_id = 1

    def start(self, config: Config, data: Dataset) -> RunRecord:
        record = RunRecord(run_id=self._next_id, config=config, data=data, clock=time.monotonic())
        self._next_id += 1
        self.runs.append(record)
        self.current = record
        return record

    def add_finished(self, config: Config, run: SweepRun) -> RunRecord:
        """A run trained elsewhere (a sweep), kept for the runs table."""
        record = RunRecord(
            run_id=self._next_id,
            config=config,
            data=None,
            state=DIVERGED if run.diverged_at else (DONE if run.done else STOPPED),
            accuracy=run.accuracy,
            saturated=run.saturated,
            diverged_at=run.diverged_at,
            epochs_to_100=run.epochs_to_100,
            seconds=run.seconds,
        )
        record.losses.extend(run.loss_history)
        self._next_id += 1
        self.runs.append(record)
        return record

    def remove(self, run_id: int) -> None:
        """Forget a run (not one that is training)."""
        self.runs = [record for record in self.runs if record.run_id != run_id]
        self.marked.discard(run_id)
        if self.current is not None and self.current.run_id == run_id:
            self.current = None

    def get(self, run_id: int) -> RunRecord | None:
        """The run with this id, if it is still in the session."""
        for record in self.runs:
            if record.run_id == run_id:
                return record
        return None

"""Messages from the training worker to the app.

The flow of one run:  TrainingProgress*  ->  TrainingEnded | TrainingFailed
The flow of one sweep: SweepProgress*  ->  SweepEnded

The worker posts a TrainingProgress at most every ~250 ms (plus a flush whenever the run pauses
and a final one at the end), carrying the epochs since the last message; every message carries
the id of its run, so a restarted run never draws the old run's tail. Progress messages carry
deltas, so they are never coalesced.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from engine import RunResult, Snapshot


@dataclass
class TrainingProgress(Message):
    """Epochs finished since the last message: their losses and the state after the last one."""

    run_id: int
    first_epoch: int
    losses: list[float]
    accuracy: float
    snapshot: Snapshot
    """Outputs, weights and dead units at the last epoch."""
    saturated: bool
    paused: bool
    perfect_at: int | None
    """The first epoch of the run whose pass got every sample right, if any yet."""


@dataclass
class TrainingEnded(Message):
    """The run stopped: finished its epochs, diverged, or was cancelled."""

    run_id: int
    outcome: RunResult
    snapshot: Snapshot
    """The final weights and what they do."""


@dataclass
class TrainingFailed(Message):
    """Training raised an exception; the run is over."""

    run_id: int
    error: str


@dataclass
class SweepProgress(Message):
    """A sweep's runs so far (partial loss histories of the runs still training)."""

    sweep_id: int
    runs: dict
    """Config -> engine.sweep.SweepRun, a snapshot."""


@dataclass
class SweepEnded(Message):
    """A sweep finished, was cancelled, or failed (``error`` says why)."""

    sweep_id: int
    runs: dict
    cancelled: bool
    error: str = ""

"""Messages from the workers to the screens, one class per event.

The flow of one run (to the main screen):
    TrainingStarted  ->  TrainingProgress*  ->  TrainingEnded | TrainingFailed;  or TrainingRefused
The flow of one sweep (to the app):        SweepProgress*  ->  SweepEnded
Re-opening a finished run (to the main screen):  RunReopened | ReopenRefused

The training worker posts a TrainingProgress at most every ~250 ms (plus a flush whenever the run
pauses and a final one at the end), carrying the epochs since the last message; every message
carries the id of its run, so a restarted run never draws the old run's tail. Progress messages
carry deltas, so they are never coalesced. How a run went travels as the engine's Outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.message import Message

from engine import Config, Dataset, Outcome, Snapshot


@dataclass
class TrainingStarted(Message):
    """The run is set up: its data is drawn or loaded, its network allocated."""

    run_id: int
    data: Dataset
    test_indices: np.ndarray | None = None
    """Indices into ``data`` of the held-out test samples (None without a split)."""


@dataclass
class TrainingRefused(Message):
    """The run could not start: its data or weights file is unusable, or it would need more
    memory than the budget allows (``reason`` says which, in one line)."""

    run_id: int
    reason: str


@dataclass
class TrainingProgress(Message):
    """Epochs finished since the last message: their losses and the run's books after them."""

    run_id: int
    losses: list[float]
    books: Outcome
    """Accuracy, epochs to 100%, saturation at the last epoch (its loss history left out:
    ``losses`` carries the new epochs)."""
    snapshot: Snapshot
    """Outputs, weights and dead units where the run is (mid-epoch when paused there)."""
    paused: bool
    position: tuple[int, int] = (0, 1)
    """(updates done in the current epoch, updates per epoch): see engine.Run.position."""
    norms: np.ndarray | None = None
    """The new epochs' gradient norms (epochs, layers)."""
    test_losses: list[float] | None = None
    """The new epochs' test losses, for a run with held-out samples."""


@dataclass
class TrainingEnded(Message):
    """The run stopped: finished its epochs, diverged, or was cancelled."""

    run_id: int
    outcome: Outcome
    snapshot: Snapshot
    """The final weights and what they do."""


@dataclass
class TrainingFailed(Message):
    """Training raised an exception; the run is over."""

    run_id: int
    error: str


@dataclass
class RunReopened(Message):
    """A finished run can be shown again: its data and a snapshot of its final weights (rebuilt
    for a sweep's run, which keeps neither)."""

    run_id: int
    data: Dataset
    snapshot: Snapshot


@dataclass
class ReopenRefused(Message):
    """A finished run cannot be shown again: its data file is gone or has changed (``reason``
    says which, in one line)."""

    run_id: int
    reason: str


@dataclass
class SweepProgress(Message):
    """A sweep's runs so far (partial loss histories of the runs still training)."""

    sweep_id: int
    runs: dict[Config, Outcome]


@dataclass
class SweepEnded(Message):
    """A sweep finished, was cancelled, or failed (``error`` says why)."""

    sweep_id: int
    runs: dict[Config, Outcome]
    cancelled: bool
    error: str = ""

"""The session: every run started in this app (or by its sweeps), and what each has done so far.

Plain data, no widgets: the main screen books the worker's messages here, the views read it.
How a run went is the engine's own :class:`engine.Outcome`; a record adds what the app knows
besides: its data, its latest weights, its speed.

A sweep's run keeps only its outcome (final weights and predictions included): its data and a
snapshot are rebuilt when it is re-opened, and dropped again once another run is on screen, so a
sweep of many runs never keeps many datasets.
"""

from __future__ import annotations

import dataclasses
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from engine import Config, Dataset, Outcome, Snapshot, State

HISTORY_CAP = 100_000
"""Loss values a finished run keeps in the session (800 kB, and as many accuracies): a longer
history is thinned to every k-th epoch and the last, so a session of long runs stays bounded."""
RATE_SMOOTHING = 0.5
"""Weight of the previous epochs-per-second reading in the shown rate."""


@dataclass(eq=False)
class RunRecord:
    """One run: its config and data, its outcome so far, its latest weights and speed."""

    run_id: int
    config: Config
    data: Dataset | None
    """The samples (None for runs that came from a sweep, until re-opened)."""
    outcome: Outcome = field(default_factory=lambda: fresh())
    """How it is going; while it trains, its loss history grows as the worker reports."""
    snapshot: Snapshot | None = None
    """The latest outputs, weights and dead units the worker sent."""
    error: str = ""
    rate: float = 0.0
    """Epochs per second, recently."""
    wall: float = 0.0
    """Seconds it has trained, as the app saw it (paused time left out)."""
    clock: float = 0.0
    """When the last progress arrived, or the run started or resumed (monotonic seconds)."""
    held: bool = False
    """The worker has shown every epoch and is waiting on a pause."""
    stopping: bool = False
    rebuilt: bool = False
    """Its data and snapshot were rebuilt to show it again (a sweep's run): they go once another
    run is on screen (see :meth:`release`)."""
    position: tuple[int, int] = (0, 1)
    """(updates done in the epoch under way, updates per epoch), as the worker last said."""
    norm_rows: list = field(default_factory=list)
    """While it trains: (epochs, norms) pairs of the gradient norms the worker sent, every
    ``norm_every``-th epoch kept (the stride doubles as they grow: bounded memory)."""
    norm_every: int = 1
    norm_epochs: int = 0
    """Epochs whose norms have arrived."""

    def add_norms(self, rows: np.ndarray) -> None:
        """The next epochs' gradient norms (epochs, layers), as the worker sent them."""
        epochs = np.arange(self.norm_epochs + 1, self.norm_epochs + 1 + len(rows))
        self.norm_epochs += len(rows)
        keep = epochs % self.norm_every == 0
        self.norm_rows.append((epochs[keep], rows[keep]))
        if sum(len(e) for e, _ in self.norm_rows) > HISTORY_CAP:
            self.norm_every *= 2
            self.norm_rows = [
                (e[e % self.norm_every == 0], v[e % self.norm_every == 0])
                for e, v in self.norm_rows
            ]

    def grad_norms(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(epochs, norms (epochs, layers)) of the gradient norms so far, or None."""
        if self.outcome.grad_norms is not None and len(self.outcome.grad_norms):
            return self.outcome.history_epochs(), self.outcome.grad_norms
        if not self.norm_rows:
            return None
        return (
            np.concatenate([e for e, _ in self.norm_rows]),
            np.concatenate([v for _, v in self.norm_rows]),
        )

    """A stop was asked for and the worker has not ended yet (a heavy batch may take a while)."""

    @property
    def state(self) -> State:
        return self.outcome.state

    @state.setter
    def state(self, state: State) -> None:
        self._update(state=state)

    @property
    def losses(self):
        return self.outcome.loss_history

    @property
    def epoch(self) -> int:
        return self.outcome.epochs_run

    @property
    def loss(self) -> float | None:
        return self.outcome.final_loss

    @property
    def test_indices(self) -> np.ndarray | None:
        """Indices into the data of its held-out test samples (None without a split)."""
        return self.outcome.test_indices

    @test_indices.setter
    def test_indices(self, indices: np.ndarray | None) -> None:
        self._update(test_indices=indices)

    def is_test(self) -> np.ndarray | None:
        """Per sample of its data, whether it is held out for testing (None without a split
        or data)."""
        if self.data is None or self.test_indices is None or not len(self.test_indices):
            return None
        held = np.zeros(self.data.n, dtype=bool)
        held[self.test_indices] = True
        return held

    @property
    def active(self) -> bool:
        return self.state.active

    @property
    def predictions(self) -> np.ndarray | None:
        """The network's outputs (n,) on the data, latest first."""
        if self.outcome.predictions is not None:
            return self.outcome.predictions
        return None if self.snapshot is None else self.snapshot.predictions

    @property
    def weights(self) -> np.ndarray | None:
        """The flat parameter vector, latest: the worker's last snapshot, else the final one."""
        if self.snapshot is not None:
            return self.snapshot.weights
        return self.outcome.weights

    @property
    def dead(self) -> list[np.ndarray]:
        """Per hidden layer, which units output 0 on every sample."""
        return [] if self.snapshot is None else self.snapshot.dead

    def _update(self, **changes) -> None:
        self.outcome = dataclasses.replace(self.outcome, **changes)

    def progress(
        self,
        losses: list[float],
        books: Outcome,
        snapshot: Snapshot,
        paused: bool,
        now: float,
        tests: Sequence[float] = (),
    ) -> None:
        """Take in a batch of epochs from the worker (sent at monotonic time ``now``): their
        losses (and test losses, with held-out samples) and the books after them."""
        self.outcome.loss_history.extend(losses)
        self.outcome.test_loss_history.extend(tests)
        self.snapshot = snapshot
        elapsed = now - self.clock
        if elapsed > 0 and self.state is State.RUNNING:
            self.wall += elapsed
            rate = len(losses) / elapsed
            smoothed = RATE_SMOOTHING * self.rate + (1 - RATE_SMOOTHING) * rate
            self.rate = smoothed if self.rate else rate
        self.clock = now
        self.held = paused
        state = State.PAUSED if paused and self.state is State.RUNNING else self.state
        self._update(
            accuracy=books.accuracy,
            test_accuracy=books.test_accuracy,
            lr=books.lr,
            changes=books.changes,
            epochs_to_100=books.epochs_to_100,
            saturated=books.saturated,
            seconds=books.seconds,
            state=state,
        )

    def finish(self, outcome: Outcome, snapshot: Snapshot | None) -> None:
        """The run is over: its final outcome (the history the record gathered is kept)."""
        self.snapshot = snapshot
        outcome = dataclasses.replace(
            outcome,
            loss_history=self.outcome.loss_history,
            test_loss_history=self.outcome.test_loss_history or outcome.test_loss_history,
        )
        if snapshot is not None:  # the final weights and outputs once, not twice
            outcome = dataclasses.replace(
                outcome,
                weights=_one_of(outcome.weights, snapshot.weights),
                predictions=_one_of(outcome.predictions, snapshot.predictions),
            )
        self.outcome = kept(outcome)

    def settings(self) -> Config:
        """Its settings in force: its config with the settings changed live applied."""
        changes = {change.setting: change.value for change in self.outcome.changes}
        return dataclasses.replace(self.config, **changes) if changes else self.config

    def release(self) -> None:
        """Drop what was rebuilt to show the run again (its data and snapshot): it is kept
        small while it is not on screen."""
        if self.rebuilt:
            self.data, self.snapshot, self.rebuilt = None, None, False

    def fail(self, error: str) -> None:
        self.error = error
        self.state = State.FAILED

    def status(self) -> str:
        """The state in words, e.g. "diverged at epoch 12"."""
        if self.state is State.FAILED:
            return f"failed: {self.error}"
        if self.stopping and self.active:
            return "stopping…"
        if self.state is State.PAUSED and not self.held:
            return "pausing…"  # the epochs run before the worker saw the pause are on their way
        return self.outcome.describe()

    def where(self) -> str:
        """How far into the epoch under way a paused run is: "+ sample 3/21", or ""."""
        done, per_epoch = self.position
        if not done or not self.active:
            return ""
        unit = "sample" if self.config.optimizer == "sgd" else "batch"
        return f" + {unit} {done}/{per_epoch}"


class Session:
    """All runs of this app session, newest last; ``current`` is the one on the main screen."""

    def __init__(self) -> None:
        self.runs: list[RunRecord] = []
        self._current: RunRecord | None = None
        self.marked: set[int] = set()
        """Ids of the runs marked for comparison."""
        self._next_id = 1

    @property
    def current(self) -> RunRecord | None:
        return self._current

    @current.setter
    def current(self, record: RunRecord | None) -> None:
        """Put a run on screen (or none); the one it replaces drops what was rebuilt for it."""
        if self._current is not None and self._current is not record:
            self._current.release()
        self._current = record

    def _add(self, config: Config, data: Dataset | None, outcome: Outcome) -> RunRecord:
        record = RunRecord(self._next_id, config, data, outcome, clock=time.monotonic())
        self._next_id += 1
        self.runs.append(record)
        return record

    def start(self, config: Config, data: Dataset, paused: bool = False) -> RunRecord:
        """A new run on the main screen."""
        state = State.PAUSED if paused else State.RUNNING
        self.current = self._add(config, data, fresh(state))
        return self.current

    def add_finished(self, config: Config, outcome: Outcome) -> RunRecord:
        """A run trained elsewhere (a sweep), kept for the runs table."""
        record = self._add(config, None, kept(outcome))
        record.wall = outcome.seconds  # its speed in the status line: its share of the sweep
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


def kept(outcome: Outcome) -> Outcome:
    """A finished run's outcome as the session keeps it: at most about HISTORY_CAP values of
    history (see Outcome.thinned), held as arrays of 8-byte floats (a list takes 32 a value)."""
    outcome = outcome.thinned(HISTORY_CAP)
    return dataclasses.replace(
        outcome,
        loss_history=array("d", outcome.loss_history),
        accuracy_history=array("d", outcome.accuracy_history),
        test_loss_history=array("d", outcome.test_loss_history),
    )


def fresh(state: State = State.RUNNING) -> Outcome:
    """The outcome of a run about to train: histories that grow as the worker reports."""
    return Outcome(loss_history=array("d"), test_loss_history=array("d"), state=state)


def _one_of(mine: np.ndarray | None, same: np.ndarray) -> np.ndarray | None:
    """``same`` where it holds the values of ``mine``, so that one copy is kept."""
    if mine is None or mine.shape != same.shape or not np.array_equal(mine, same, equal_nan=True):
        return mine
    return same

"""The training lifecycle of the main screen's run: start, pause, resume, step, stop, reset.

The Runner owns the engine Run that trains now and books the worker's messages into the
session; it draws nothing. The screen that shows the run (screens.main) calls it from its keys
and from its message handlers, then redraws.

    ready --start--> running <--pause/resume--> paused --step--> paused (one epoch later)
    running | paused --stop--> stopped;  the engine ends it: done | diverged;  an error: failed

A finished run of the session (a sweep's too) is re-opened without retraining: it becomes the
current run again, shown from its final weights, once a thread has rebuilt what it does not keep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from textual.message_pump import MessagePump

from engine import (
    Config,
    DataError,
    Dataset,
    Network,
    Run,
    RunControl,
    Snapshot,
    State,
    make_dataset,
    memory,
    use_threads,
)
from engine.config import SETTINGS
from engine.weights import activation_note

from .messages import (
    ReopenRefused,
    RunReopened,
    TrainingEnded,
    TrainingFailed,
    TrainingProgress,
    TrainingRefused,
    TrainingStarted,
)
from .session import RunRecord, Session
from .worker import poster, pump, start_thread

SPEEDS: tuple[float | None, ...] = (1.0, 10.0, 100.0, 1000.0, None)
"""The speed control's steps, slowest first, in epochs per second (None: as fast as it goes)."""


def speed_text(speed: float | None) -> str:
    """ "max", "10 epochs/s", "1 epoch/s", "0.5 epochs/s"."""
    if speed is None:
        return "max"
    return f"{speed:g} epoch/s" if speed == 1 else f"{speed:g} epochs/s"


def next_speed(speed: float | None, faster: bool) -> float | None:
    """The next step of the speed control up (``faster``) or down from ``speed``."""
    value = float("inf") if speed is None else speed
    steps = [float("inf") if s is None else s for s in SPEEDS]
    if faster:
        bigger = [s for s in steps if s > value]
        choice = bigger[0] if bigger else steps[-1]
    else:
        smaller = [s for s in steps if s < value]
        choice = smaller[-1] if smaller else steps[0]
    return None if choice == float("inf") else choice


KEY_QUIET = 0.15
"""Seconds a run training flat out holds still after each key, so the screen answers it as
fast as with no run (the palette opened in 94 ms beside one, 80 ms with the hold, about what it
takes with none; benchmarks/app_latency.py)."""


class Runner:
    """The run training now (if any) and the session it books into."""

    def __init__(
        self,
        session: Session,
        init_weights: str | Path | None = None,
        budget: int | None = None,
        speed: float | None = None,
    ) -> None:
        self.session = session
        self.speed = speed
        """Epochs per second at most (None: as fast as it goes), for every run from now."""
        self.init_weights = init_weights
        """--init-weights: runs start from this file until a reset."""
        self.budget = budget
        """Bytes a run may need at most (engine.memory), or None."""
        self.control: RunControl | None = None
        """The handle of the run training now, if any."""
        self.detail = False
        """Snapshots carry the optimizer's state and the next batch (see explain_detail)."""
        self.reopening: int | None = None
        """The run being re-opened, until it is shown (a later re-opening or run overtakes it)."""
        self.asked: dict[str, object] = {}
        """Live settings asked of the run training now (retune), the latest value of each."""

    @property
    def current(self) -> RunRecord | None:
        return self.session.current

    def start(self, config: Config, host: MessagePump, paused: bool = False) -> RunRecord:
        """Start a run (a running one is stopped first) in a thread of its own; ``host``
        receives its messages. The worker sets the run up (data, memory check, network), so
        the screen never waits for it; a run that cannot start is refused by a message."""
        self.stop()
        self.asked = {}
        control = self.control = RunControl(self.speed)
        control.detail = self.detail
        if paused:
            control.pause()
        record = self.session.start(config, None, paused=paused)
        init_weights, budget = self.init_weights, self.budget

        def set_up() -> Run:
            use_threads(config.threads)  # a blank field is the default again, not the last run's
            data = make_dataset(config)
            memory.check(config, data.n, budget)
            return Run(config, data, init_weights=init_weights, control=control)

        # quitting never waits for an epoch to finish (see start_thread); a restarted run's old
        # thread ends at its next batch, and its messages, tagged with its id, are ignored
        start_thread(f"training-{record.run_id}", pump, set_up, record.run_id, poster(host))
        return record

    def note(self, config: Config) -> str | None:
        """A warning when the starting weights were trained with another activation."""
        return activation_note(self.init_weights, config.activation) if self.init_weights else None

    def stop(self) -> None:
        """Cancel the current run; its thread ends before its next epoch.

        Its record is marked stopped at once: an exclusive worker that had not started yet is
        dropped without running, so no end message may come. If one comes, it has the final word.
        """
        if self.control is not None:
            self.control.cancel()
        self.control = None
        self.reopening = None  # a run on screen from now on wins over a re-opening under way
        current = self.session.current
        if current is not None and current.active:
            current.state = State.STOPPED

    def cancel(self) -> None:
        """Ask the run to stop where it is (within one mini-batch); its end message will say
        so, and until then the status says it is stopping."""
        if self.control is not None:
            self.control.cancel()
            if self.current is not None and self.current.active:
                self.current.stopping = True

    def toggle_pause(self) -> None:
        record = self.current
        if self.control is None or record is None:
            return
        if record.state is State.PAUSED:
            record.state, record.held = State.RUNNING, False
            record.clock = time.monotonic()
            self.control.resume()
        else:
            record.state = State.PAUSED
            self.control.pause()

    def retune(self, name: str, text: str) -> bool:
        """Put a setting of engine.config.LIVE (lr, l2, l1, schedule...) in force in the run
        training now (running or paused), from its next update, without a restart: False if no
        run trains or the value is the one in force already. A bad value raises ConfigError
        (naming the setting); nothing changes then."""
        record = self.session.current
        if self.control is None or record is None or not record.active:
            return False
        setting = SETTINGS[name]
        value = setting.parse(name, text)
        setting.check(name, value)
        if value == self.asked.get(name, getattr(record.settings(), name)):
            return False
        self.control.retune(**{name: value})
        self.asked[name] = value
        return True

    def set_speed(self, speed: float | None) -> None:
        """The speed limit of the run training now and of the runs to come."""
        self.speed = speed
        if self.control is not None:
            self.control.set_speed(speed)

    def make_way(self) -> None:
        """Hold the training thread for KEY_QUIET seconds: a key is being answered."""
        if self.control is not None:
            self.control.make_way(KEY_QUIET)

    def step(self) -> None:
        """One update of a paused run: a sample (sgd), a mini-batch, or an epoch (full batch)."""
        current = self.current
        if self.control is not None and current is not None and current.state is State.PAUSED:
            self.control.step()

    def reset(self) -> None:
        """Stop and forget the current run; the next starts from the seed's initial weights."""
        self.stop()
        self.init_weights = None
        self.session.current = None

    def forget(self, record: RunRecord) -> None:
        """Remove a finished run from the session (the current one too)."""
        if record is self.session.current:
            self.reset()
        self.session.remove(record.run_id)

    # --- re-opening a finished run ----------------------------------------------------------------

    def refusal(self, record: RunRecord) -> str | None:
        """Why ``record`` cannot be re-opened now, in one line, or None if it can."""
        current = self.session.current
        if current is not None and current.active:
            return "Stop the run first (ctrl+g)."
        if record.state is State.FAILED:
            return f"run {record.run_id} failed: it has no weights to show."
        if not record.epoch:
            return f"run {record.run_id} stopped before its first epoch: no weights to show."
        if record.weights is None:
            return f"run {record.run_id} kept no weights: there is nothing to show."
        return None

    def reopen(self, record: RunRecord, host: MessagePump) -> None:
        """Show a finished run again (see :meth:`refusal`) without retraining it: ``host``
        receives RunReopened once its data and a snapshot of its final weights are at hand (a
        sweep's run keeps neither: they are rebuilt in a thread), or ReopenRefused."""
        self.reopening = record.run_id
        post = poster(host)
        if record.data is not None and record.snapshot is not None:
            post(RunReopened(record.run_id, record.data, record.snapshot))
            return
        args = (record.config, record.data, record.weights, record.predictions)
        start_thread(f"reopen-{record.run_id}", rebuild, *args, record.run_id, post)

    def reopened(self, message: RunReopened) -> RunRecord | str | None:
        """The run's data and snapshot are at hand: it is the current run now, and returned;
        or a one-line reason why it cannot be any more (a run trains, it was removed); or None
        for a re-opening overtaken by another, or by a run started since."""
        if message.run_id != self.reopening:
            return None
        self.reopening = None
        record = self.session.get(message.run_id)
        if record is None:
            return f"run {message.run_id} was removed."
        reason = self.refusal(record)
        if reason is not None:
            return reason
        if record.data is None:
            record.data, record.snapshot, record.rebuilt = message.data, message.snapshot, True
        self.control = None
        self.session.current = record
        return record

    def reopen_refused(self, message: ReopenRefused) -> bool:
        """Whether the refusal is news (not for a re-opening overtaken since)."""
        if message.run_id != self.reopening:
            return False
        self.reopening = None
        return True

    # --- the worker's messages: each returns the record if it is the one on screen ----------------

    def explain_detail(self, wanted: bool) -> None:
        """Whether the run's snapshots should carry what explaining its next step takes (a
        view that explains it is open)."""
        self.detail = wanted
        if self.control is not None:
            self.control.detail = wanted

    def started(self, message: TrainingStarted) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is None:
            return None
        record.data = message.data
        record.test_indices = message.test_indices
        # its speed counts from here: drawing the data and allocating the network is not training
        record.clock = max(record.clock, message.time)
        return record if record is self.session.current else None

    def refused(self, message: TrainingRefused) -> bool:
        """A run that could not start leaves no trace; True if it was the one on screen."""
        record = self.session.get(message.run_id)
        if record is None:
            return False
        current = record is self.session.current
        self.session.remove(record.run_id)
        if current:
            self.control = None
        return current

    def progress(self, message: TrainingProgress) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is None:
            return None
        # a run held on a pause, unless it has been resumed since the message was sent
        holding = message.paused and self.control is not None and self.control.paused
        record.progress(
            message.losses,
            message.books,
            message.snapshot,
            holding,
            message.time,
            message.test_losses or (),
        )
        record.position = message.position
        if message.norms is not None and len(message.norms):
            record.add_norms(message.norms)
        return record if record is self.session.current else None  # an old run's tail: kept

    def ended(self, message: TrainingEnded) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is not None:
            record.finish(message.outcome, message.snapshot)
        return self._over(record)

    def failed(self, message: TrainingFailed) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is not None:
            record.fail(message.error)
        return self._over(record)

    def _over(self, record: RunRecord | None) -> RunRecord | None:
        """A run has ended: if it is the one on screen, nothing trains any more."""
        if record is None or record is not self.session.current:
            return None
        self.control = None
        return record


def rebuild(
    config: Config,
    data: Dataset | None,
    weights: np.ndarray,
    predictions: np.ndarray | None,
    run_id: int,
    post: Callable[[object], object],
) -> None:
    """In a thread: what a finished run is shown with -- its data (drawn again from its seed,
    or read again from its file) and a snapshot of its final weights, from one forward pass --
    posted as RunReopened; ReopenRefused if the file is gone or no longer holds its samples."""
    try:
        if data is None:
            data = make_dataset(config)
        net = Network.of(config, weights)
        snapshot = Snapshot.of(net, data.x)
    except DataError as error:
        post(ReopenRefused(run_id, str(error)))
        return
    except Exception as error:  # shown as a notification, never a traceback
        post(ReopenRefused(run_id, f"{type(error).__name__}: {error}"))
        return
    if predictions is not None:
        if not _same(predictions, snapshot.predictions):
            source = config.data or f"the {config.dataset} data"
            reason = f"{source}: not the samples run {run_id} trained on any more"
            post(ReopenRefused(run_id, reason))
            return
        # the outcome's own arrays: a re-opened run holds its weights and outputs once
        snapshot = Snapshot(predictions, weights, snapshot.dead)
    post(RunReopened(run_id, data, snapshot))


def _same(kept: np.ndarray, again: np.ndarray) -> bool:
    """The run's outputs as kept and as computed again from its weights on the data at hand."""
    return kept.shape == again.shape and bool(np.allclose(kept, again, equal_nan=True))

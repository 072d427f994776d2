"""The training lifecycle of the main screen's run: start, pause, resume, step, stop, reset.

The Runner owns the engine Run that trains now and books the worker's messages into the
session; it draws nothing. The screen that shows the run (screens.main) calls it from its keys
and from its message handlers, then redraws.

    ready --start--> running <--pause/resume--> paused --step--> paused (one epoch later)
    running | paused --stop--> stopped;  the engine ends it: done | diverged;  an error: failed
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from textual.dom import DOMNode

from engine import Config, Run, State
from engine.weights import activation_note

from .messages import TrainingEnded, TrainingFailed, TrainingProgress
from .session import RunRecord, Session
from .worker import pump


class Runner:
    """The run training now (if any) and the session it books into."""

    def __init__(self, session: Session, init_weights: str | Path | None = None) -> None:
        self.session = session
        self.init_weights = init_weights
        """--init-weights: runs start from this file until a reset."""
        self.run: Run | None = None

    @property
    def current(self) -> RunRecord | None:
        return self.session.current

    def start(self, config: Config, host: DOMNode, paused: bool = False) -> RunRecord:
        """Start a run (a running one is stopped first) in a thread worker of ``host``, which
        receives its messages. Raises DataError or WeightsError for unusable files."""
        self.stop()
        run = Run(config, init_weights=self.init_weights)
        if paused:
            run.control.pause()
        self.run = run
        record = self.session.start(config, run.data, paused=paused)
        host.run_worker(
            partial(pump, run, record.run_id, host.post_message),
            name="training",
            group="training",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        return record

    def note(self, config: Config) -> str | None:
        """A warning when the starting weights were trained with another activation."""
        return activation_note(self.init_weights, config.activation) if self.init_weights else None

    def stop(self) -> None:
        """Cancel the current run; its thread ends before its next epoch.

        Its record is marked stopped at once: an exclusive worker that had not started yet is
        dropped without running, so no end message may come. If one comes, it has the final word.
        """
        if self.run is not None:
            self.run.control.cancel()
        self.run = None
        current = self.session.current
        if current is not None and current.active:
            current.state = State.STOPPED

    def cancel(self) -> None:
        """Ask the run to stop where it is; its end message will say so."""
        if self.run is not None:
            self.run.control.cancel()

    def toggle_pause(self) -> None:
        record = self.current
        if self.run is None or record is None:
            return
        if record.state is State.PAUSED:
            record.state, record.held = State.RUNNING, False
            record.clock = time.monotonic()
            self.run.control.resume()
        else:
            record.state = State.PAUSED
            self.run.control.pause()

    def step(self) -> None:
        """One epoch of a paused run."""
        if self.run is not None and self.current is not None and self.current.state is State.PAUSED:
            self.run.control.step()

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

    # --- the worker's messages: each returns the record if it is the one on screen ----------------

    def progress(self, message: TrainingProgress) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is None:
            return None
        record.progress(
            message.losses, message.books, message.snapshot, message.paused, message.time
        )
        return record if record is self.session.current else None  # an old run's tail: kept

    def ended(self, message: TrainingEnded) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is None:
            return None
        record.finish(message.outcome, message.snapshot)
        if record is not self.session.current:
            return None
        self.run = None
        return record

    def failed(self, message: TrainingFailed) -> RunRecord | None:
        record = self.session.get(message.run_id)
        if record is None:
            return None
        record.fail(message.error)
        if record is not self.session.current:
            return None
        self.run = None
        return record

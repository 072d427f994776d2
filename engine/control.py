"""Thread-safe control of a run trained in another thread: :class:`RunControl` pauses, resumes,
steps and cancels it, limits its speed, and hands it settings changed live (engine.training.Run
asks it before every update).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .config import LIVE, SETTINGS, ConfigError


class RunControl:
    """Thread-safe pause / resume / step / cancel / speed / retune for a run iterated in another
    thread.

    The run asks it before every update (each mini-batch, or each epoch of full-batch
    training): while paused, the iterating thread blocks until resumed, stepped (one update per
    step: a sample for sgd, a mini-batch, an epoch for full batches) or cancelled; with a speed
    limit it waits until the update is due. Settings changed with :meth:`retune` are handed to
    the run's thread, which puts them in force before its next update (at once while paused).
    """

    def __init__(self, speed: float | None = None) -> None:
        self._condition = threading.Condition()
        self._paused = False
        self._steps = 0
        self._cancelled = False
        self._speed: float | None = None
        self._due: float | None = None
        self._quiet_until = 0.0
        self._changes: dict[str, object] = {}
        self.interrupted = False
        """Paused, cancelled or paced: the run must call :meth:`proceed` before its next
        update."""
        self.detail = False
        """A view explains the next step: snapshots carry what that takes."""
        self.before_wait: Callable[[], None] | None = None
        """Called in the run's thread just before it blocks on a pause (e.g. to show the last
        epochs before going quiet)."""
        self.set_speed(speed)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def speed(self) -> float | None:
        """Epochs per second at most, or None for as fast as it goes."""
        return self._speed

    def _interrupted(self) -> bool:
        quiet = self._quiet_until > time.monotonic()
        held = self._paused or self._cancelled or self._speed is not None or quiet
        return held or bool(self._changes)

    def retune(self, **changes) -> None:
        """Change live settings of the run (engine.config.LIVE: lr, schedule, step_every,
        gamma, l2, l1), as text or values, from its next update on, without a restart: the
        weights and the optimizer's state are kept. Each value is parsed and checked here, as
        the form and the command line check it (ConfigError naming the setting; nothing is
        changed then). The run's thread puts the changes in force before its next update --
        between two mini-batches, before the next epoch of full-batch training, at once while
        paused -- with engine.trainer.Trainer.retune (its semantics), and records each
        (Outcome.changes). Changes not yet in force when another comes are merged, the later
        value of a setting winning."""
        checked = {}
        for name, value in changes.items():
            if name not in LIVE:
                reason = "cannot change while training (can: " + ", ".join(LIVE) + ")"
                raise ConfigError(name, reason)
            setting = SETTINGS[name]
            checked[name] = setting.parse(name, value)
            setting.check(name, checked[name])
        with self._condition:
            self._changes.update(checked)
            self.interrupted = True
            self._condition.notify_all()

    def make_way(self, seconds: float) -> None:
        """Train no update for the next ``seconds`` (unless paused: a step still goes at once):
        the thread that draws the screen has the interpreter to itself while it answers a key
        (sharing it with a run training flat out, it answers more slowly)."""
        with self._condition:
            self._quiet_until = max(self._quiet_until, time.monotonic() + seconds)
            self.interrupted = True

    def set_speed(self, speed: float | None) -> None:
        with self._condition:
            self._speed, self._due = speed, None
            self.interrupted = self._interrupted()
            self._condition.notify_all()

    def pause(self) -> None:
        with self._condition:
            self._paused = self.interrupted = True

    def resume(self) -> None:
        with self._condition:
            self._paused = False
            self._steps = 0  # steps owed while paused are not carried into the next pause
            self._due = None
            self.interrupted = self._interrupted()
            self._condition.notify_all()

    def step(self, updates: int = 1) -> None:
        """While paused, let ``updates`` more updates run."""
        with self._condition:
            self._steps += updates
            self._condition.notify_all()

    def cancel(self) -> None:
        with self._condition:
            self._cancelled = self.interrupted = True
            self._condition.notify_all()

    def proceed(
        self, per_epoch: int = 1, apply: Callable[[dict[str, object]], None] | None = None
    ) -> bool:
        """Called by the run before an update when interrupted (``per_epoch`` updates make an
        epoch): wait while paused (unless a step is owed) and until the update is due at the
        speed limit; False once cancelled. ``apply(changes)`` puts settings changed with
        :meth:`retune` in force, in the calling thread, as they come (while it waits too)."""
        flushed = False  # before_wait has run since the run last went on
        while True:
            changes = None
            with self._condition:
                if apply is not None and self._changes:
                    changes, self._changes = self._changes, {}
                    self.interrupted = True  # asked again (and recomputed) once they are in
                holding = self._paused and not self._steps and not self._cancelled
                if changes is None and not (
                    holding and self.before_wait is not None and not flushed
                ):
                    while self._paused and not self._steps and not self._cancelled:
                        if apply is not None and self._changes:
                            break
                        self._condition.wait()
                    if apply is not None and self._changes:
                        continue  # put in force at the top
                    if self._cancelled:
                        return False
                    if self._paused:
                        self._steps -= 1
                        return True
                    quiet = self._quiet_until - time.monotonic()
                    if quiet > 0:  # until then; a pause, a cancel or a new speed wakes it
                        self._condition.wait(quiet)
                        continue
                    self.interrupted = self._interrupted()
                    if self._speed is None:
                        return True
                    now = time.monotonic()
                    if self._due is None or now - self._due > 0.5:  # a fresh start, far behind
                        self._due = now
                    if now >= self._due:
                        self._due += 1.0 / (self._speed * per_epoch)
                        return True
                    # until it is due; a pause, a cancel or a new speed wakes it sooner
                    self._condition.wait(self._due - now)
                    flushed = False
                    continue
            if changes is not None:  # outside the lock, in the run's thread
                apply(changes)
                flushed = False  # a pause shows them (before_wait runs again)
                continue
            self.before_wait()  # outside the lock: it may take a while (a snapshot, a message)
            flushed = True

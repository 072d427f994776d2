"""The training pump: sets up an engine Run in a worker thread, iterates it, and posts batched
messages.

It never touches a widget or a reactive. The set-up (loading or drawing the data, checking the
memory budget, allocating the network) happens here too, so a heavy configuration never freezes
the screen. Per epoch it only appends the loss to a list; every ``interval`` seconds, just before
the run blocks on a pause, and at the end, it posts the list.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable

from textual.message import Message
from textual.message_pump import MessagePump

from engine import DataError, Run, WeightsError
from engine.memory import MemoryBudgetError

from .messages import (
    TrainingEnded,
    TrainingFailed,
    TrainingProgress,
    TrainingRefused,
    TrainingStarted,
)

PROGRESS_INTERVAL = 0.5
"""Seconds between progress messages while a run trains flat out: each costs the screen's
thread a repaint, time the training thread waits for the interpreter
(benchmarks/app_overhead.py)."""
PACED_INTERVAL = 0.1
"""Seconds between progress messages while a speed limit paces the run: few epochs a second,
each shown as it comes."""


def start_thread(name: str, target: Callable[..., object], *args: object) -> None:
    """Run ``target(*args)`` in a daemon thread (quitting never waits for it, unlike a Textual
    thread worker, which is joined at exit), in a copy of this context, so that Textual's
    ``post_message`` finds its app there as it would in a worker."""
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(target, *args), name=name, daemon=True).start()


def poster(host: MessagePump) -> Callable[[Message], object]:
    """``host.post_message`` for a thread that may outlive the app: once the app has closed
    (its event loop is gone) a message is dropped, never an error."""

    def post(message: Message) -> None:
        with contextlib.suppress(RuntimeError):  # "Event loop is closed"
            host.post_message(message)

    return post


def pump(
    set_up: Callable[[], Run],
    run_id: int,
    post: Callable[[Message], object],
    interval: float = PROGRESS_INTERVAL,
) -> None:
    """Set up a run with ``set_up()`` and train it to its end: TrainingStarted, TrainingProgress
    batches, then TrainingEnded (or TrainingRefused when its files or its memory need do not
    allow it).

    Any other exception from the engine is posted as TrainingFailed: the app shows it and
    carries on.
    """
    try:
        run = set_up()
    except (DataError, WeightsError, MemoryBudgetError) as error:
        post(TrainingRefused(run_id=run_id, reason=str(error)))
        return
    except Exception as error:  # shown to the user as a notification and a state
        post(TrainingFailed(run_id=run_id, error=f"{type(error).__name__}: {error}"))
        return
    test = run.trainer.splits[0][1]
    post(TrainingStarted(run_id=run_id, data=run.data, test_indices=test if len(test) else None))
    control = run.control
    losses: list[float] = []
    tests: list[float] = []
    norms_sent = 0
    due = time.monotonic() + interval

    def flush(holding: bool = False) -> None:
        """Post the epochs since the last message; ``holding``: the run waits on a pause now
        (only then may the screen say "paused": until it holds, more epochs may come)."""
        nonlocal losses, tests, due
        books = run.progress(history=False)
        nonlocal norms_sent
        # what explaining the next step takes: when a view asks, and wherever the run holds
        snapshot, position = run.snapshot(control.detail or control.paused), run.position
        norms = run.trainer.grad_norms(0, norms_sent)
        norms_sent += len(norms)
        post(
            TrainingProgress(
                run_id, losses, books, snapshot, holding, position, norms, tests or None
            )
        )
        losses, tests = [], []
        paced = control.speed is not None
        due = time.monotonic() + (min(interval, PACED_INTERVAL) if paced else interval)

    control.before_wait = lambda: flush(holding=True)  # a paused view shows every epoch so far
    try:
        for result in run:
            losses.append(result.loss)
            if result.test_loss is not None:
                tests.append(result.test_loss)
            if time.monotonic() >= due:
                flush()
        if losses:
            flush()
        outcome, snapshot = run.outcome(), run.snapshot(detail=True)
        post(TrainingEnded(run_id=run_id, outcome=outcome, snapshot=snapshot))
    except Exception as error:  # shown to the user as a notification and a state
        post(TrainingFailed(run_id=run_id, error=f"{type(error).__name__}: {error}"))

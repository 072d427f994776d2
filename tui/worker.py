"""The training pump: iterates an engine Run in a worker thread and posts batched messages.

It never touches a widget or a reactive. Per epoch it only appends the loss to a list; every
``interval`` seconds, just before the run blocks on a pause, and at the end, it posts the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message import Message

from engine import Run

from .messages import TrainingEnded, TrainingFailed, TrainingProgress

PROGRESS_INTERVAL = 0.25
"""Seconds between progress messages while a run trains."""


def pump(
    run: Run,
    run_id: int,
    post: Callable[[Message], object],
    interval: float = PROGRESS_INTERVAL,
) -> None:
    """Train ``run`` to its end, posting TrainingProgress batches, then TrainingEnded.

    Any exception from the engine is posted as TrainingFailed: the app shows it and carries on.
    """
    control = run.control
    losses: list[float] = []
    first_epoch = 1
    due = time.monotonic() + interval
    accuracy = 0.0

    def flush() -> None:
        nonlocal losses, first_epoch, due
        post(
            TrainingProgress(
                run_id=run_id,
                first_epoch=first_epoch,
                losses=losses,
                accuracy=accuracy,
                snapshot=run.snapshot(),
                saturated=run.saturated,
                paused=control.paused,
                perfect_at=run.epochs_to_100,
            )
        )
        first_epoch += len(losses)
        losses = []
        due = time.monotonic() + interval

    control.before_wait = flush  # a paused view shows every epoch run so far
    try:
        for result in run:
            losses.append(result.loss)
            accuracy = result.accuracy
            if time.monotonic() >= due:
                flush()
        if losses:
            flush()
        post(TrainingEnded(run_id=run_id, outcome=run.result(), snapshot=run.snapshot()))
    except Exception as error:  # shown to the user as a notification and a state
        post(TrainingFailed(run_id=run_id, error=f"{type(error).__name__}: {error}"))

"""Bounded session memory: a finished run keeps at most HISTORY_CAP loss values (every k-th
epoch and the last), and what a user reads of it -- epochs run, final loss, the curve, the
exported CSV -- stays true."""

from __future__ import annotations

import csv
from array import array

import numpy as np

from engine import Config, Outcome, State
from engine.report import write_report
from tui.plotting import log_losses
from tui.session import HISTORY_CAP, Session

LONG = 1_000_003  # epochs: a long run, not a multiple of the stride


def long_outcome() -> Outcome:
    losses = 1.0 / np.arange(1, LONG + 1)
    return Outcome(loss_history=losses.tolist(), accuracy=1.0, state=State.DONE)


def test_a_long_finished_run_keeps_a_bounded_history_that_tells_the_truth(tmp_path):
    session = Session()
    record = session.add_finished(Config(epochs=LONG), long_outcome())
    kept = record.outcome
    assert len(kept.loss_history) <= HISTORY_CAP + 1
    assert kept.epochs_run == record.epoch == LONG
    assert kept.final_loss == 1.0 / LONG  # the last epoch is always kept
    epochs = kept.history_epochs()
    assert epochs[-1] == LONG and np.all(np.diff(epochs) > 0)
    assert np.allclose(kept.loss_history, 1.0 / epochs)  # each value is its epoch's
    plotted_epochs, logs = log_losses(kept, 80)
    assert plotted_epochs[-1] == LONG and np.allclose(logs, -np.log10(plotted_epochs))
    write_report(tmp_path, [(record.config, kept)])
    with open(tmp_path / "loss_history.csv") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + LONG  # still one row per epoch
    assert float(rows[-1][0]) == 1.0 / LONG and rows[1] == [""]  # epoch 1 was thinned out


def test_the_run_on_screen_thins_its_history_when_it_ends():
    session = Session()
    record = session.start(Config(epochs=LONG), data=None)
    record.outcome.loss_history.extend(array("d", 1.0 / np.arange(1, LONG + 1)))
    record.finish(long_outcome(), snapshot=None)
    assert len(record.losses) <= HISTORY_CAP + 1 and record.epoch == LONG


def test_a_short_run_keeps_every_epoch():
    outcome = Outcome(loss_history=[0.5, 0.25, 0.125])
    assert outcome.thinned(HISTORY_CAP) is outcome
    assert outcome.history_epochs().tolist() == [1, 2, 3]

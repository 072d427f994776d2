"""Bounded session memory: a finished run keeps at most HISTORY_CAP loss values (every k-th
epoch and the last), and what a user reads of it -- epochs run, final loss, the curve, the
exported CSV -- stays true; its histories take 8 bytes a value, its final weights and outputs are
kept once, and what a re-opened sweep's run had rebuilt goes once another run is on screen."""

from __future__ import annotations

import csv
import sys
from array import array

import numpy as np

from engine import Config, Outcome, Run, State, make_dataset
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


def trained(config: Config) -> Run:
    run = Run(config)
    for _ in run:
        pass
    return run


def held(values) -> int:
    """Bytes a history holds: its container and, in a list, each float object."""
    items = sum(map(sys.getsizeof, values)) if isinstance(values, list) else 0
    return sys.getsizeof(values) + items


def test_a_sweeps_run_keeps_its_histories_at_8_bytes_a_value():
    run = trained(Config(dataset="xor", epochs=2000))
    outcome = run.outcome()
    assert isinstance(outcome.loss_history, list)  # as a sweep sends it: 32 bytes a value
    record = Session().add_finished(run.config, outcome)
    kept = record.outcome
    for history, sent in (
        (kept.loss_history, outcome.loss_history),
        (kept.accuracy_history, outcome.accuracy_history),
    ):
        assert list(history) == list(sent) and len(history) == 2000
        assert held(history) < 2000 * 8 + 200
    assert record.data is None and record.snapshot is None  # no dataset per sweep run


def test_the_app_runs_final_weights_and_outputs_are_kept_once():
    run = trained(Config(dataset="xor", hidden=(64, 64), epochs=50))
    session = Session()
    record = session.start(run.config, run.data)
    record.outcome.loss_history.extend(run.loss_history)
    record.finish(run.outcome(), run.snapshot(detail=True))
    assert record.outcome.weights is record.snapshot.weights
    assert record.outcome.predictions is record.snapshot.predictions


def test_a_reopened_sweep_run_drops_what_was_rebuilt_once_another_is_on_screen():
    session = Session()
    runs = [trained(Config(dataset="circle", samples=50, epochs=20, seed=s)) for s in (1, 2)]
    first, second = (session.add_finished(r.config, r.outcome()) for r in runs)
    for record in (first, second):  # as Runner.reopened books a rebuilt run
        record.data, record.rebuilt = make_dataset(record.config), True
        session.current = record
    assert first.data is None and second.data is not None
    session.current = None
    assert second.data is None and second.snapshot is None

"""Learning-rate schedules (torch's, stepped once per epoch) and settings changed while a run
trains (RunControl.retune, Trainer.retune): the rates, the training they give, and the record."""

import copy
import dataclasses
import math
import threading

import numpy as np
import pytest

from engine import Config, ConfigError, Run, textbook
from engine.outcome import Change
from engine.schedules import SCHEDULES, gamma_of, rates
from engine.trainer import Trainer, seed_streams

T = 40


def closed_form(schedule, lr, epochs, gamma, step_every):
    """torch's closed forms (its _get_closed_form_lr) of the rate of epoch t + 1."""
    t = np.arange(epochs)
    return {
        "constant": np.full(epochs, lr),
        "step": lr * gamma ** (t // step_every),
        "exp": lr * gamma**t,
        "cosine": lr * (1 + np.cos(np.pi * t / epochs)) / 2,
    }[schedule]


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_each_epochs_rate_is_torchs(schedule):
    """Per epoch, the rate the run trains with: torch's closed form (to rounding: torch's own
    recursion, which the engine follows, rounds a little differently), the textbook's recursion
    (to the bit), and what the run reports."""
    config = Config(dataset="xor", epochs=T, lr=0.7, schedule=schedule, gamma=0.8, step_every=6)
    gamma = gamma_of(schedule, config.gamma)
    run = Run(config)
    reported = [result.lr for result in run]
    expected = closed_form(schedule, 0.7, T, gamma, 6)
    np.testing.assert_allclose(reported, expected, rtol=1e-13, atol=0)
    lr, recursion = 0.7, []
    for t in range(T):
        recursion.append(lr)
        lr = textbook.next_lr(schedule, lr, t + 1, T, gamma, 6)
    assert reported == recursion == rates(0.7, T, schedule, config.gamma, 6)
    outcome = run.outcome()
    assert list(outcome.lr_history) == (reported if schedule != "constant" else [])
    assert outcome.lr == reported[-1]  # no step after the last epoch
    assert len(set(reported)) == {"constant": 1, "step": 7, "exp": T, "cosine": T}[schedule]


def test_defaults_of_gamma_and_when_the_settings_apply():
    assert gamma_of("step", None) == 0.1 and gamma_of("exp", None) == 0.999
    assert gamma_of("exp", 0.5) == 0.5
    step = Config(schedule="step", epochs=5, step_every=2)
    assert rates(1.0, 5, "step", step.gamma, 2) == [1.0, 1.0, 0.1, 0.1, 0.1 * 0.1]
    from engine.config import applies

    assert applies("step_every", step) and applies("gamma", step)
    exp = Config(schedule="exp")
    assert applies("gamma", exp) and not applies("step_every", exp)
    assert not applies("gamma", Config()) and not applies("step_every", Config())


def both(optimizer, batch, lr, schedule, changes=None, l2=0.0, epochs=20):
    """(the fast run, the textbook's params, its loss history, its rates)."""
    config = Config(
        dataset="linear",
        samples=10,
        hidden=(3, 2),
        activation="tanh",
        optimizer=optimizer,
        batch_size=batch,
        lr=lr,
        epochs=epochs,
        seed=5,
        schedule=schedule,
        gamma=0.7,
        step_every=3,
        l2=l2,
    )
    run = Run(config)
    _, init_rng, shuffle_rng = seed_streams(5)
    params = textbook.init(config.sizes, "tanh", init_rng)
    lrs = []
    history = textbook.train(
        params,
        run.data.x,
        run.data.y,
        "tanh",
        "mse",
        optimizer,
        lr,
        epochs,
        shuffle_rng,
        batch,
        l2=l2,
        schedule=schedule,
        gamma=0.7,
        step_every=3,
        changes=changes,
        lrs=lrs,
    )
    for result in run:
        if changes and result.epoch in changes:
            run.retune(**changes[result.epoch])
    return run, params, history, lrs


CASES = [("gd", None, 0.5), ("sgd", None, 0.2), ("minibatch", 4, 0.3)]
CASES += [("momentum", 3, 0.1), ("adam", 4, 0.02)]


@pytest.mark.parametrize("schedule", ["step", "exp", "cosine"])
@pytest.mark.parametrize("optimizer, batch, lr", CASES)
def test_scheduled_runs_train_as_the_textbook(optimizer, batch, lr, schedule):
    run, (Ws, bs), history, lrs = both(optimizer, batch, lr, schedule, l2=0.01)
    np.testing.assert_allclose(run.loss_history, history, rtol=1e-12, atol=0)
    for fast, slow in zip(run.net.W + run.net.b, Ws + bs):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-13)
    assert list(run.outcome().lr_history) == lrs  # to the bit
    constant, _, _, _ = both(optimizer, batch, lr, "constant", l2=0.01)
    assert not np.allclose(constant.net.theta, run.net.theta, rtol=1e-6)  # it was applied


@pytest.mark.parametrize("optimizer, batch, lr", CASES)
def test_a_retuned_run_trains_as_the_textbook_continued_with_the_new_settings(optimizer, batch, lr):
    """After 7 epochs a new rate and an L2 penalty (the run had none), after 12 a cosine
    schedule from the rate in force: the weights and the optimizer's state go on."""
    changes = {7: {"lr": lr * 3, "l2": 0.02}, 12: {"schedule": "cosine"}}
    run, (Ws, bs), history, lrs = both(optimizer, batch, lr, "step", changes)
    np.testing.assert_allclose(run.loss_history, history, rtol=1e-12, atol=0)
    for fast, slow in zip(run.net.W + run.net.b, Ws + bs):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-13)
    outcome = run.outcome()
    assert list(outcome.lr_history) == lrs
    assert lrs[7] == lr * 3 and lrs[6] == pytest.approx(lr * 0.7**2)  # the schedule's, replaced
    assert outcome.changes == (
        Change(7, "lr", lr * 3),
        Change(7, "l2", 0.02),
        Change(12, "schedule", "cosine"),
    )
    assert outcome.penalty_history[:7] == [0.0] * 7 and outcome.penalty_history[7] > 0
    assert outcome.to_dict()["changes"] == [
        {"epoch": 7, "setting": "lr", "value": lr * 3},
        {"epoch": 7, "setting": "l2", "value": 0.02},
        {"epoch": 12, "setting": "schedule", "value": "cosine"},
    ]


def continued(old: Config, new: Config, epochs_done: int) -> Trainer:
    """A trainer of ``new`` that goes on from a trainer of ``old`` trained ``epochs_done``
    epochs: its weights, its optimizer's state (taking the new rate) and its shuffling."""
    before = Trainer([old])
    for _ in range(epochs_done):
        before.step_epoch()
    after = Trainer([new])
    after.net.theta[:] = before.net.theta
    state = copy.deepcopy(before._optimizer)
    state.set_lr(new.lr)
    after._optimizer = state
    after._shufflers = before._shufflers
    after.epoch = epochs_done
    return after


@pytest.mark.parametrize("optimizer, batch", [("gd", None), ("minibatch", 4), ("adam", 3)])
def test_a_retuned_run_is_the_old_run_continued_with_the_new_settings_to_the_bit(optimizer, batch):
    old = Config(dataset="linear", samples=10, optimizer=optimizer, batch_size=batch, epochs=30)
    old = dataclasses.replace(old, lr=0.3, schedule="exp", gamma=0.9)
    E = 11
    rate = rates(0.3, 30, "exp", 0.9)[E]  # in force after E epochs
    new = dataclasses.replace(old, lr=1.7, l2=0.01, l1=0.002, schedule="step", step_every=4)
    retuned = Trainer([old])
    for _ in range(E):
        retuned.step_epoch()
    assert retuned.rate(0) == rate
    made = retuned.retune(0, lr="1.7", l2=0.01, l1=0.002, schedule="step", step_every=4)
    assert made == [
        Change(E, "lr", 1.7),
        Change(E, "l2", 0.01),
        Change(E, "l1", 0.002),
        Change(E, "schedule", "step"),
        Change(E, "step_every", 4),
    ]
    reference = continued(old, new, E)
    while retuned.epoch < 30:
        assert retuned.step_epoch().tolist() == reference.step_epoch().tolist()
    assert np.array_equal(retuned.net.theta, reference.net.theta)
    lrs = retuned.lr_history(0).tolist()
    assert lrs[:E] == rates(0.3, 30, "exp", 0.9)[:E]
    assert lrs[E:] == reference._lrs[E:30, 0].tolist()
    # the step schedule goes on from 1.7 at the epochs done: steps after epochs 12, 16, ...
    assert lrs[E : E + 6] == [1.7] + [1.7 * 0.9] * 4 + [1.7 * 0.9 * 0.9]
    assert retuned.settings(0) == dataclasses.replace(new, lr=retuned.rate(0))


def test_a_retune_before_the_first_update_is_a_run_with_those_settings():
    old = Config(dataset="xor", epochs=50)
    new = dataclasses.replace(old, lr=0.8, l2=0.003, schedule="cosine")
    run = Run(old)
    run.retune(lr=0.8, l2=0.003, schedule="cosine")
    history = [r.loss for r in run]
    fresh = Run(new)
    assert history == [r.loss for r in fresh]  # to the bit
    assert np.array_equal(run.net.theta, fresh.net.theta)
    assert run.outcome().penalty_history == fresh.outcome().penalty_history
    np.testing.assert_array_equal(run.outcome().grad_norms, fresh.outcome().grad_norms)


def test_unchanged_values_record_nothing_and_change_nothing():
    config = Config(dataset="xor", epochs=20, schedule="exp", gamma=0.9)
    run = Run(config)
    steps = iter(run)
    for _ in range(5):
        next(steps)
    run.retune(lr=run.lr, schedule="exp", gamma="0.9", l2=0)
    rest = [r.loss for r in steps]
    plain = Run(config)
    assert [r.loss for r in plain][5:] == rest
    assert run.outcome().changes == ()
    assert "changes" not in run.outcome().to_dict()


def test_retune_checks_what_it_is_given():
    run = Run(Config(epochs=5))
    for bad, words in (
        ({"lr": 0}, "lr: must be a number > 0"),
        ({"gamma": -1}, "gamma: must be a number > 0"),
        ({"step_every": 0}, "step_every: must be a whole number from 1"),
        ({"schedule": "linear"}, "schedule: unknown schedule 'linear'"),
        ({"hidden": "8,8"}, "hidden: cannot change while training"),
    ):
        with pytest.raises(ConfigError, match=words):
            run.retune(**bad)
    assert not run.control.interrupted  # nothing was queued
    with pytest.raises(ConfigError, match="epochs: cannot change"):
        run.trainer.retune(0, epochs=3)


def test_a_change_while_paused_is_in_force_at_once_and_between_two_mini_batches():
    """Paused in the middle of a pass of mini-batches, a new rate is put in force while the
    run waits (the next update uses it) and recorded at the epochs done."""
    config = Config(dataset="linear", optimizer="minibatch", batch_size=10, epochs=50, lr=0.5)
    run = Run(config)
    control = run.control
    steps = iter(run)
    next(steps)
    next(steps)
    waiting = threading.Semaphore(0)
    control.before_wait = waiting.release
    control.pause()
    control.step(3)  # three mini-batches into epoch 3, then it holds
    worker = threading.Thread(target=lambda: next(steps, None))
    worker.start()
    assert waiting.acquire(timeout=30)
    assert run.position == (3, 10) and run.lr == 0.5
    control.retune(lr=2.5)
    assert waiting.acquire(timeout=30)  # it applied them, and shows itself paused again
    assert run.lr == 2.5 and run.settings().lr == 2.5
    assert run.trainer.changes[0] == [Change(2, "lr", 2.5)]
    control.resume()
    worker.join(timeout=30)
    result = next(steps)
    assert result.epoch == 4 and result.lr == 2.5
    assert run.outcome().lr_history[:3] == [0.5, 0.5, 2.5]  # the rate of each epoch's last update


def test_grad_norms_are_the_gradients_whatever_the_rate():
    """Plain gd folds the rate into its backward pass: the norms recorded are divided by each
    epoch's own rate, so a schedule changes the gradients' norms only through the weights."""
    config = Config(dataset="xor", epochs=6, schedule="exp", gamma=0.5)
    run = Run(config)
    norms = []
    for _ in range(6):
        step = run.explain()
        norms.append([math.sqrt(np.sum(la.grad_W**2) + np.sum(la.grad_b**2)) for la in step.layers])
        next(run)
    np.testing.assert_allclose(run.outcome().grad_norms, norms, rtol=1e-12)


@pytest.mark.parametrize("optimizer, batch", [("gd", None), ("minibatch", 8), ("momentum", None)])
def test_retuning_one_run_of_a_batch_is_retuning_it_alone(optimizer, batch):
    """K runs trained together, one of them retuned: each is still the run it is alone, to
    the bit (the rates, the folded error scale and the penalty are per run)."""
    configs = [
        Config(dataset="linear", optimizer=optimizer, batch_size=batch, epochs=25, lr=lr, seed=s)
        for lr, s in ((0.5, 1), (1.5, 2), (0.2, 3))
    ]
    configs[2] = dataclasses.replace(configs[2], schedule="exp", gamma=0.95, l2=0.01)
    change = {"lr": 3.0, "l2": 0.02, "schedule": "cosine"}
    together = Trainer(configs)
    alone = [Trainer([c]) for c in configs]
    for epoch in range(25):
        if epoch == 9:
            together.retune(1, **change)
            alone[1].retune(0, **change)
        losses = together.step_epoch()
        assert losses.tolist() == [a.step_epoch()[0] for a in alone]
    for k, single in enumerate(alone):
        assert np.array_equal(together.weights(k), single.weights(0))
        assert together.lr_history(k).tolist() == single.lr_history(0).tolist()
        assert together.penalties(k).tolist() == single.penalties(0).tolist()
        assert together.changes[k] == single.changes[0]
    assert [len(together.lr_history(k)) for k in range(3)] == [0, 25, 25]
    assert together.changes[1] == [Change(9, n, v) for n, v in change.items()]


def test_a_reports_summary_lists_the_settings_changed_while_training(tmp_path):
    from engine.report import write_report

    runs = []
    for changes in ({}, {10: {"lr": "0.5"}, 20: {"l2": "0.01"}}):
        run = Run(Config(dataset="xor", epochs=30))
        for result in run:
            if result.epoch in changes:
                run.retune(**changes[result.epoch])
        runs.append((run.config, run.outcome()))
    write_report(tmp_path, runs)
    lines = (tmp_path / "summary.md").read_text().splitlines()
    listed = lines[lines.index("## Settings changed while training") + 2 :]
    assert len([line for line in listed if line.startswith("- ")]) == 1  # the retuned run only
    assert listed[0].endswith(": after epoch 10, lr = 0.5; after epoch 20, l2 = 0.01")

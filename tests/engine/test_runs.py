"""Reproducibility, divergence, saturation and the pause/step/cancel handle."""

import threading
import warnings

import numpy as np
import pytest

from engine import Config, Run, State


def history(config):
    return [r.loss for r in Run(config)]


def outcome_of(config):
    """How the run went, trained to its last epoch."""
    run = Run(config)
    for _ in run:
        pass
    return run.outcome()


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "minibatch", "adam"])
def test_same_config_same_history_bit_for_bit(optimizer):
    config = Config(
        dataset="linear", samples=40, optimizer=optimizer, batch_size=8, epochs=60, seed=9
    )
    first, second = history(config), history(config)
    assert first == second  # exact float equality, epoch by epoch


def test_different_seed_different_initial_weights():
    a = Run(Config(seed=1)).net.theta.copy()
    b = Run(Config(seed=2)).net.theta.copy()
    assert not np.array_equal(a, b)
    assert np.array_equal(a, Run(Config(seed=1)).net.theta)


@pytest.mark.parametrize("dataset", ["xor", "linear"])
def test_defaults_reach_full_accuracy(dataset):
    assert outcome_of(Config(dataset=dataset)).accuracy == 1.0


def test_divergence_stops_the_run_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any NumPy warning fails the test
        run = Run(Config(activation="none", lr=1e200, epochs=1000))
        results = list(run)
        outcome = run.outcome()
    assert outcome.diverged and outcome.diverged_at == results[-1].epoch < 1000
    assert all(np.isfinite(r.loss) for r in results)
    assert list(outcome.loss_history) == [r.loss for r in results]


def test_huge_learning_rate_saturates_the_sigmoid_network():
    outcome = outcome_of(Config(lr=1000, epochs=500))
    assert outcome.saturated and not outcome.diverged
    assert outcome.accuracy < 1.0


def test_a_learning_run_is_not_flagged_saturated():
    outcome = outcome_of(Config(epochs=3000))
    assert outcome.accuracy == 1.0 and not outcome.saturated


def test_pause_step_resume_and_cancel_from_another_thread():
    run = Run(Config(epochs=100_000))
    seen = []
    held, running = threading.Event(), threading.Event()
    run.control.before_wait = held.set  # the run's thread is about to block on the pause

    def pump():
        for result in run:
            seen.append(result.epoch)
            if len(seen) > 50:
                running.set()

    run.control.pause()
    run.control.step()  # one epoch while paused
    worker = threading.Thread(target=pump)
    worker.start()
    assert held.wait(5)
    assert seen == [1]  # held after the single step
    held.clear()
    run.control.step(2)
    assert held.wait(5)
    assert seen == [1, 2, 3]  # exactly the two steps owed, then held again
    run.control.resume()
    assert running.wait(5)  # running freely
    run.control.cancel()
    worker.join(5)
    assert not worker.is_alive()
    assert run.outcome().state is State.STOPPED and len(seen) < 100_000

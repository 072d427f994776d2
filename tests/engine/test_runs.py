"""Reproducibility, divergence, saturation and the pause/step/cancel handle."""

import threading
import time
import warnings

import numpy as np
import pytest

from engine import Config, Run, RunControl, State


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


@pytest.mark.parametrize("optimizer", ["gd", "minibatch"])  # held between epochs, or batches
def test_the_time_trained_is_the_loops_less_the_time_held(optimizer):
    # train --json's wall_seconds: what a user waits for from the first epoch to the last (the
    # caller's own work on each epoch included), less the time the run was paused
    run = Run(Config(epochs=20, optimizer=optimizer))
    held = threading.Event()
    run.control.before_wait = held.set
    run.control.pause()
    worker = threading.Thread(target=lambda: [time.sleep(0.01) for _ in run])
    worker.start()
    assert held.wait(5)
    time.sleep(0.5)
    run.control.resume()
    worker.join(5)
    assert 0.18 <= run.outcome().seconds < 0.45  # 19 waits between 20 epochs; not the pause


def test_a_run_with_held_out_samples_keeps_its_speed_limit_and_counts_its_training_samples():
    # full-batch training on the samples a split leaves: paced like any run
    run = Run(Config(dataset="spiral", epochs=300, test_fraction=0.3), control=RunControl(1000))
    start = time.perf_counter()
    results = list(run)
    assert time.perf_counter() - start >= 0.25  # 300 epochs at 1000 a second
    assert results[-1].accuracy == run.outcome().accuracy  # of the 70% it trains on


def test_making_way_holds_a_running_run_for_a_moment_then_it_goes_on():
    # what the app does on every key: the screen's thread gets the interpreter to itself
    run = Run(Config(epochs=10_000_000))
    seen = []
    worker = threading.Thread(target=lambda: seen.extend(r.epoch for r in run))
    worker.start()
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    run.control.make_way(1.0)
    time.sleep(0.1)  # the epoch under way ends, then the run holds
    held = len(seen)
    time.sleep(0.4)
    assert len(seen) == held  # not one epoch while held
    deadline = time.monotonic() + 5
    while len(seen) == held and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(seen) > held  # and on by itself afterwards, not paused
    run.control.cancel()
    worker.join(5)
    assert not worker.is_alive()


def test_a_paused_run_steps_one_update_at_a_time_and_ends_as_if_never_paused():
    # 20 samples in mini-batches of 8: three updates an epoch (8, 8 and the last 4)
    config = Config(dataset="linear", samples=20, optimizer="minibatch", batch_size=8, epochs=4)
    control = RunControl()
    control.pause()
    run = Run(config, control=control)
    held = threading.Event()
    seen: list[tuple[int, int, np.ndarray]] = []

    def before_wait() -> None:  # where the run holds, and its weights there
        seen.append((run.epoch, run.position[0], run.net.theta.copy()))
        held.set()

    control.before_wait = before_wait
    thread = threading.Thread(target=lambda: list(run))
    thread.start()
    for _ in range(4):
        assert held.wait(10)
        held.clear()
        control.step()
    assert held.wait(10)
    assert [(epoch, done) for epoch, done, _ in seen] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert run.position == (1, 3)
    for (_, _, before), (_, _, after) in zip(seen, seen[1:]):
        assert not np.array_equal(before, after)  # each step is one real update
    control.resume()
    thread.join(10)
    alone = Run(config)
    list(alone)
    assert np.array_equal(run.loss_history, alone.loss_history)  # pausing changes nothing

"""Held-out data: a split drawn from the seed, stratified by label, and the test loss of each
epoch at the weights of the epoch's reported loss."""

import numpy as np
import pytest

from engine import Config, Run, textbook
from engine.datasets import DataError
from engine.split import split
from engine.trainer import make_dataset, seed_streams


def test_the_split_is_stratified_drawn_from_the_seed_and_the_same_for_any_other_setting():
    config = Config(dataset="circle", samples=200, noise=0.2, test_fraction=0.25, seed=4)
    data = make_dataset(config)
    train, test = split(data, 0.25, 4)
    assert len(test) == 50 and np.array_equal(np.sort(np.concatenate([train, test])), range(200))
    for label in (0, 1):
        members = np.count_nonzero(data.y == label)
        assert np.count_nonzero(data.y[test] == label) == round(0.25 * members)
    assert np.array_equal(split(data, 0.25, 4)[1], test)  # the seed decides
    assert not np.array_equal(split(data, 0.25, 5)[1], test)
    runs = [Run(Config(**{**config.to_dict(), "hidden": (3,), "lr": lr})) for lr in (0.1, 3.0)]
    assert all(np.array_equal(r.trainer.splits[0][1], test) for r in runs)
    assert len(split(data, 0.0, 4)[1]) == 0
    with pytest.raises(DataError, match="test fraction of 0.99 leaves no sample to train on"):
        split(make_dataset(Config(dataset="xor")), 0.99, 1)


def test_the_test_loss_is_taken_at_the_weights_of_the_epochs_loss():
    """Full-batch gd as the textbook writes it, on the training samples only; before each
    update, the loss of the same weights on the test samples."""
    config = Config(
        dataset="gauss",
        samples=60,
        noise=0.3,
        test_fraction=0.3,
        hidden=(5, 3),
        activation="tanh",
        lr=0.5,
        epochs=40,
        seed=2,
    )
    run = Run(config)
    for _ in run:
        pass
    outcome = run.outcome()
    train, test = run.trainer.splits[0]
    x, y = run.data.x, run.data.y.reshape(-1, 1)
    params = textbook.init(config.sizes, "tanh", seed_streams(2)[1])
    losses, tests = [], []
    for _ in range(config.epochs):
        _, p_test = textbook.forward(params, x[test], "tanh")
        tests.append(textbook.mse(p_test, y[test]))
        cache, p = textbook.forward(params, x[train], "tanh")
        losses.append(textbook.mse(p, y[train]))
        dWs, dbs = textbook.backward(params, cache, y[train], "mse", "tanh")
        textbook.plain(params[0] + params[1], dWs + dbs, {}, 0.5)
    np.testing.assert_allclose(outcome.loss_history, losses, rtol=1e-12)
    np.testing.assert_allclose(outcome.test_loss_history, tests, rtol=1e-12)
    assert np.array_equal(outcome.test_indices, test)
    predicted = (outcome.predictions >= 0.5) == (run.data.y == 1)
    assert outcome.test_accuracy == np.mean(predicted[test])
    assert outcome.accuracy == np.mean(predicted[train])  # the training samples'
    assert len(outcome.predictions) == 60  # every sample's prediction


def test_the_overfitting_presets_show_the_gap_and_a_larger_penalty_closes_it():
    from engine.parallel import run_sweeps
    from engine.report import test_gap
    from engine.sweep import preset

    (overfitting,) = run_sweeps(preset("overfitting"))
    for config, outcome in overfitting.runs():
        assert config.test_fraction > 0
        assert test_gap(outcome) >= 0.2  # the last test loss 20% or more above its lowest
        assert outcome.final_loss < min(outcome.test_loss_history)  # training went on falling
    (regularisation,) = run_sweeps(preset("regularisation"))
    for dataset in ("spiral", "gauss"):
        gaps = [test_gap(o) for c, o in regularisation.runs() if c.dataset == dataset]
        lambdas = [c.l2 for c, _ in regularisation.runs() if c.dataset == dataset]
        assert lambdas == sorted(lambdas) and lambdas[0] == 0
        assert gaps == sorted(gaps, reverse=True) and gaps[-1] < gaps[0] / 4

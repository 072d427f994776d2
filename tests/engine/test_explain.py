"""engine.explain: one step laid open agrees with the textbook's formulas, its update is the step
the run then takes (to the bit), and its numerical check agrees with the analytic gradient."""

import itertools
import threading

import numpy as np
import pytest

from engine import Config, Run, RunControl, train_together
from engine import textbook as tb
from engine.explain import explain
from engine.losses import LOSSES

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "none"]


def close(a, b, tol=1e-12):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    assert np.all(np.abs(a - b) <= tol * np.maximum(1.0, np.abs(b))), np.max(np.abs(a - b))


@pytest.mark.parametrize(
    "activation, loss, sample", list(itertools.product(ACTIVATIONS, ["mse", "bce"], [None, 4]))
)
def test_forward_backward_and_update_agree_with_the_textbook(activation, loss, sample):
    config = Config(dataset="xor", activation=activation, loss=loss, optimizer="gd", lr=0.7)
    run = Run(config)
    step = run.explain(sample)
    rows = slice(None) if sample is None else slice(sample, sample + 1)
    x, y = run.data.x[rows], run.data.y[rows].reshape(-1, 1)
    params = ([w.copy() for w in run.net.W], [b.copy() for b in run.net.b])
    cache, p = tb.forward(params, x, activation)
    dWs, dbs = tb.backward(params, cache, y, loss, activation)
    close(step.prediction, p.reshape(-1))
    close(step.loss, tb.LOSSES[loss][0](p, y))
    assert len(step.layers) == len(cache) == 3
    for layer, cached, dW, db, W in zip(step.layers, cache, dWs, dbs, params[0]):
        close(layer.inputs, cached.a_prev)
        close(layer.z, cached.z)
        close(layer.a, cached.a)
        close(layer.grad_W, dW)
        close(layer.grad_b, db)
        close(layer.update_W, -0.7 * dW)  # gd: W <- W - lr dL/dW
        close(layer.W, W)
    # delta_L = dL/dp sigmoid'(z_L), then down: delta_{i-1} = (delta_i W_i^T) f'(z_{i-1})
    top = step.layers[-1]
    close(top.delta, step.dloss_dp.reshape(-1, 1) * top.fprime)
    for upper, lower in zip(step.layers[:0:-1], step.layers[-2::-1]):
        close(lower.delta, (upper.delta @ upper.W.T) * lower.fprime)
    assert step.grad_check_max_rel_error < 1e-6
    assert step.checked + step.kinks == 37


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "minibatch", "momentum", "adam"])
def test_the_update_shown_is_the_step_the_run_takes(optimizer):
    # paused and stepped as the app does: where the run holds, its next update is explained;
    # one step later the weights have moved by exactly that update
    config = Config(dataset="linear", samples=20, optimizer=optimizer, batch_size=8, lr=0.3)
    control = RunControl()
    run = Run(config, control=control)
    for _ in range(2):  # some epochs in: the optimizer has state (velocity, moments)
        next(run)
    control.pause()
    held = threading.Event()
    seen = []  # (weights, explanation) wherever the run held

    def before_wait() -> None:
        seen.append((run.net.theta.copy(), run.explain()))
        held.set()

    control.before_wait = before_wait
    thread = threading.Thread(target=lambda: list(run))
    thread.start()
    for _ in range(4):  # first updates of a pass, mid-pass, and across the end of a pass
        assert held.wait(10)
        held.clear()
        control.step()
    assert held.wait(10)
    control.cancel()
    thread.join(10)
    for (before, step), (after, _) in zip(seen, seen[1:]):
        update = [np.append(layer.update_W, layer.update_b[None], axis=0) for layer in step.layers]
        assert np.array_equal(after - before, np.concatenate([u.ravel() for u in update]))
        assert len(step.indices) in {"gd": {20}, "sgd": {1}}.get(optimizer, {8, 4})
    if optimizer == "momentum":
        assert set(seen[0][1].layers[0].state) == {"velocity"}
    if optimizer == "adam":
        assert set(seen[0][1].layers[0].state) == {"m", "v"}


def test_a_relu_kink_is_left_out_of_the_check_and_said_so():
    # xor's first sample is (0, 0): every first-layer z is its bias, 0 at the start, so every
    # second-layer z is its bias too
    run = Run(Config(dataset="xor", activation="relu"))
    step = run.explain(0)
    assert step.kinks == 8 and step.grad_check_max_rel_error < 1e-6
    assert np.isnan(step.layers[0].numeric_b).all()


def test_the_check_catches_a_wrong_gradient(monkeypatch):
    run = Run(Config(dataset="xor", activation="tanh"))
    real = run.net.backward

    def wrong(*args):  # the analytic gradient off by 10%
        return real(*args) * 1.1

    monkeypatch.setattr(run.net, "backward", wrong)
    assert run.explain().grad_check_max_rel_error > 1e-3


def test_explain_changes_nothing():
    run = Run(Config(dataset="xor", optimizer="adam"))
    next(run)
    theta, moments = run.net.theta.copy(), run.trainer.optimizer_copy().m.copy()
    run.explain()
    run.explain(3)
    assert np.array_equal(run.net.theta, theta)
    assert np.array_equal(run.trainer.optimizer_copy().m, moments)


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_the_first_epochs_gradient_norms_are_those_of_the_explained_batch(optimizer):
    run = Run(Config(dataset="xor", optimizer=optimizer, epochs=5, hidden=(3, 5)))
    step = run.explain()  # the whole set: the first epoch's one update
    list(run)
    norms = run.outcome().grad_norms
    assert norms.shape == (5, 3)
    expected = [np.sqrt(np.sum(la.grad_W**2) + np.sum(la.grad_b**2)) for la in step.layers]
    close(norms[0], expected)
    assert np.all(norms[1:] != norms[:-1])  # a new gradient every epoch


def test_batched_runs_record_the_norms_each_would_alone():
    configs = [Config(dataset="xor", lr=lr, epochs=20) for lr in (0.5, 2.0)]
    together = train_together(configs)
    for config, outcome in zip(configs, together):
        alone = Run(config)
        list(alone)
        close(outcome.grad_norms, alone.outcome().grad_norms)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_a_penalised_step_is_explained_as_it_is_taken(optimizer):
    """With L2 and L1 the gradient shown is the loss's plus l2 w + l1 sign(w) at the weights
    (none at the biases), the check agrees with it, and the update shown is the one taken."""
    config = Config(dataset="xor", optimizer=optimizer, lr=0.5, l2=0.05, l1=0.01, epochs=20)
    run = Run(config)
    steps = iter(run)
    for _ in range(5):
        next(steps)
    step = run.explain()
    unpenalised = explain(
        run.net,
        LOSSES["mse"],
        run.trainer.optimizer_copy(),
        run.data.x,
        run.data.y,
        optimizer_name=optimizer,
        lr=0.5,
    )
    for shown, bare in zip(step.layers, unpenalised.layers):
        expected = bare.grad_W + 0.05 * shown.W + 0.01 * np.sign(shown.W)
        np.testing.assert_allclose(shown.grad_W, expected, rtol=1e-12, atol=1e-16)
        np.testing.assert_array_equal(shown.grad_b, bare.grad_b)
    assert step.grad_check_max_rel_error < 1e-6
    next(steps)
    for i, layer in enumerate(step.layers):
        np.testing.assert_allclose(run.net.W[i], layer.W + layer.update_W, rtol=0, atol=1e-14)
        np.testing.assert_allclose(run.net.b[i], layer.b + layer.update_b, rtol=0, atol=1e-14)

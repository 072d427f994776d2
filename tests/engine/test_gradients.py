"""Back-propagation against central differences, and training against a plain re-implementation."""

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, Config, Run
from engine.network import Network, Workspace, columns_with_ones
from engine.training import seed_streams

from . import reference


def loss_at(net, loss, x, y):
    p = net.predict(x)
    return reference.loss_value(loss, p, y)


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_backward_matches_central_differences(activation, loss):
    rng = np.random.default_rng(7)
    net = Network((2, 5, 3, 1), activation)
    net.theta[:] = rng.normal(0.0, 0.8, net.theta.size)
    x = rng.uniform(-1.0, 1.0, (9, 2))
    y = (rng.uniform(size=9) > 0.5).astype(float)

    ws = Workspace(net, len(x), LOSSES[loss])
    cols, p = columns_with_ones(x), np.empty((1, len(x)))
    net.forward(ws, cols, p)
    analytic = net.backward(ws, cols, p, p - y.reshape(1, -1)).copy()

    h = 1e-6
    numeric = np.empty_like(analytic)
    for k in range(net.theta.size):
        saved = net.theta[k]
        net.theta[k] = saved + h
        up = loss_at(net, loss, x, y)
        net.theta[k] = saved - h
        down = loss_at(net, loss, x, y)
        net.theta[k] = saved
        numeric[k] = (up - down) / (2 * h)

    scale = np.maximum(np.abs(numeric) + np.abs(analytic), 1e-3)
    assert np.max(np.abs(numeric - analytic) / scale) < 1e-6


@pytest.mark.parametrize(
    "optimizer, batch_size, lr",
    [
        ("gd", None, 0.5),
        ("sgd", None, 0.2),
        ("minibatch", 4, 0.3),  # 10 samples: batches of 4, 4 and the last partial 2
        ("momentum", None, 0.1),
        ("momentum", 3, 0.05),
        ("adam", None, 0.02),
        ("adam", 4, 0.01),
    ],
)
@pytest.mark.parametrize("activation, loss", [("sigmoid", "mse"), ("tanh", "bce"), ("relu", "mse")])
def test_training_matches_closed_form_steps(optimizer, batch_size, lr, activation, loss):
    config = Config(
        dataset="linear",
        samples=10,
        hidden=(3, 2),
        activation=activation,
        loss=loss,
        optimizer=optimizer,
        batch_size=batch_size,
        lr=lr,
        epochs=12,
        seed=5,
    )
    run = Run(config)
    Ws = [w.copy() for w in run.net.W]
    bs = [b.copy() for b in run.net.b]
    x, y = run.data.x, run.data.y.reshape(-1, 1)
    shuffled = optimizer == "sgd" or (batch_size or (32 if optimizer == "minibatch" else 10)) < 10
    shuffle = seed_streams(config.seed)[2]
    orders = [shuffle.permutation(10) if shuffled else None for _ in range(config.epochs)]

    expected, Ws_end, bs_end = reference.train(Ws, bs, config, x, y, orders)
    losses = [r.loss for r in run]

    np.testing.assert_allclose(losses, expected, rtol=1e-12, atol=0)
    for w, w_ref in zip(run.net.W, Ws_end):
        np.testing.assert_allclose(w, w_ref, rtol=1e-10, atol=1e-13)
    for b, b_ref in zip(run.net.b, bs_end):
        np.testing.assert_allclose(b, b_ref, rtol=1e-10, atol=1e-13)

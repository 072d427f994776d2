"""Back-propagation against central differences, in both engines, for every activation and loss."""

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, textbook
from engine.network import Network, Workspace, columns_with_ones

H = 1e-6


def problem(activation):
    """A 2-5-3-1 network with random weights, and 9 random samples (x (9, 2), y (9,))."""
    rng = np.random.default_rng(7)
    net = Network((2, 5, 3, 1), activation)
    net.theta[:] = rng.normal(0.0, 0.8, net.theta.size)
    x = rng.uniform(-1.0, 1.0, (9, 2))
    y = (rng.uniform(size=9) > 0.5).astype(float)
    return net, x, y


def central_differences(loss_at, theta):
    """(L(theta + h e_k) - L(theta - h e_k)) / 2h for every parameter k; theta is restored."""
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        saved = theta[k]
        theta[k] = saved + H
        up = loss_at()
        theta[k] = saved - H
        down = loss_at()
        theta[k] = saved
        numeric[k] = (up - down) / (2 * H)
    return numeric


def assert_close(analytic, numeric):
    scale = np.maximum(np.abs(numeric) + np.abs(analytic), 1e-3)
    assert np.max(np.abs(numeric - analytic) / scale) < 1e-6


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_fast_backward_matches_central_differences(activation, loss):
    net, x, y = problem(activation)
    ws = Workspace(net, len(x), LOSSES[loss])
    cols, p = columns_with_ones(x), np.empty((1, len(x)))
    net.forward(ws, cols, p)
    analytic = net.backward(ws, cols, p, p - y.reshape(1, -1)).copy()

    mean_loss, _ = textbook.LOSSES[loss]
    numeric = central_differences(lambda: mean_loss(net.predict(x), y), net.theta)
    assert_close(analytic, numeric)


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_textbook_backward_matches_central_differences(activation, loss):
    net, x, y = problem(activation)
    y = y.reshape(-1, 1)
    params = (net.W, net.b)  # views of theta: nudging theta[k] nudges the textbook's weights
    cache, _ = textbook.forward(params, x, activation)
    dWs, dbs = textbook.backward(params, cache, y, loss, activation)
    again = textbook.backward(params, cache, y, loss, activation)
    for first, second in zip(dWs + dbs, again[0] + again[1]):  # fresh, not accumulated
        np.testing.assert_array_equal(first, second)
    grad = Network.from_weights(net.sizes, activation, np.zeros_like(net.theta))
    for block, dW, db in zip(grad.Wb, dWs, dbs):
        block[:-1], block[-1] = dW, db

    mean_loss, _ = textbook.LOSSES[loss]
    numeric = central_differences(
        lambda: mean_loss(textbook.forward(params, x, activation)[1], y), net.theta
    )
    assert_close(grad.theta, numeric)

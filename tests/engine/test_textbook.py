"""Two engines, one truth: the fast engine trains exactly as engine.textbook writes the maths.

For every activation x loss x optimizer, both engines start from the weights the run's seed
draws and see the samples in the order it shuffles them; their loss histories and final weights
must agree to 1e-12.
"""

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, OPTIMIZERS, Config, Run, textbook
from engine.network import Network, Workspace, columns_with_ones

N, EPOCHS, SEED = 10, 20, 5
# (optimizer, batch size, lr); with N = 10 samples the batches of 4 are 4, 4 and a partial 2,
# the batches of 3 are 3, 3, 3 and a partial 1
OPTIMIZER_CASES = [
    ("gd", None, 0.5),
    ("sgd", None, 0.2),
    ("minibatch", 4, 0.3),
    ("momentum", 3, 0.1),
    ("adam", 4, 0.02),
]
FULL_BATCH_CASES = [  # the same optimizers without a batch size: one step on the whole set
    ("minibatch", None, 0.3),  # the default 32 is more than N
    ("momentum", None, 0.1),
    ("adam", None, 0.02),
]


def seeded_streams(seed: int) -> list[np.random.Generator]:
    """The run's (data, initial weights, shuffling) generators, derived as the SPEC says."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


def train_both(activation, loss, optimizer, batch, lr, l2=0.0, l1=0.0, penalties=None):
    """(fast run after training, textbook params after training, textbook loss history)."""
    config = Config(
        l2=l2,
        l1=l1,
        dataset="linear",
        samples=N,
        hidden=(3, 2),
        activation=activation,
        loss=loss,
        optimizer=optimizer,
        batch_size=batch,
        lr=lr,
        epochs=EPOCHS,
        seed=SEED,
    )
    run = Run(config)
    _, init_rng, shuffle_rng = seeded_streams(SEED)
    params = textbook.init(config.sizes, activation, init_rng)
    for W, b, fast_W, fast_b in zip(*params, run.net.W, run.net.b):
        np.testing.assert_array_equal(W, fast_W)  # the same initial weights, drawn alike
        np.testing.assert_array_equal(b, fast_b)
    assert textbook.batch_size(optimizer, N, batch) == OPTIMIZERS[optimizer].batch(N, batch)
    x, y = run.data.x, run.data.y
    history = textbook.train(
        params,
        x,
        y,
        activation,
        loss,
        optimizer,
        lr,
        EPOCHS,
        shuffle_rng,
        batch,
        l2,
        l1,
        penalties,
    )
    for _ in run:
        pass
    return run, params, history


@pytest.mark.parametrize("optimizer, batch, lr", OPTIMIZER_CASES + FULL_BATCH_CASES)
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_fast_engine_trains_as_the_textbook(activation, loss, optimizer, batch, lr):
    run, (Ws, bs), history = train_both(activation, loss, optimizer, batch, lr)

    assert len(run.loss_history) == EPOCHS
    np.testing.assert_allclose(run.loss_history, history, rtol=1e-12, atol=0)
    assert history[-1] != history[0]  # the weights moved
    # weights that start at 0 (the biases) may end near it: compare those absolutely
    for fast, slow in zip(run.net.W + run.net.b, Ws + bs):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("l2, l1", [(0.05, 0.0), (0.0, 0.02), (0.05, 0.02)])
@pytest.mark.parametrize("optimizer, batch, lr", OPTIMIZER_CASES)
def test_the_penalties_train_as_the_textbook_writes_them(optimizer, batch, lr, l2, l1):
    """L2, L1 and both: the penalty's gradient on the weights (not the biases) of every step,
    and the penalty per epoch at the weights of the epoch's loss."""
    penalties = []
    run, (Ws, bs), history = train_both("tanh", "mse", optimizer, batch, lr, l2, l1, penalties)
    np.testing.assert_allclose(run.loss_history, history, rtol=1e-12, atol=0)
    for fast, slow in zip(run.net.W + run.net.b, Ws + bs):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-13)
    outcome = run.outcome()
    assert len(outcome.penalty_history) == EPOCHS
    np.testing.assert_allclose(outcome.penalty_history, penalties, rtol=1e-12, atol=0)
    # without the penalty the same run ends elsewhere: the penalty was applied
    plain, _, _ = train_both("tanh", "mse", optimizer, batch, lr)
    assert not np.allclose(plain.net.theta, run.net.theta, rtol=1e-6)


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_fast_gradient_is_the_textbook_gradient(activation, loss):
    rng = np.random.default_rng(3)
    net = Network((2, 5, 3, 1), activation)
    net.theta[:] = rng.normal(0.0, 0.8, net.theta.size)
    x, y = rng.uniform(-1.0, 1.0, (9, 2)), (rng.uniform(size=9) > 0.5).astype(float)
    ws = Workspace(net, len(x), LOSSES[loss], grad_scale=0.3)
    cols, p = columns_with_ones(x), np.empty((1, len(x)))
    net.forward(ws, cols, p)
    net.backward(ws, cols, p, p - y.reshape(1, -1))

    params = ([w.copy() for w in net.W], [b.copy() for b in net.b])
    cache, _ = textbook.forward(params, x, activation)
    dWs, dbs = textbook.backward(params, cache, y.reshape(-1, 1), loss, activation)
    grad = Network.from_weights(net.sizes, activation, ws.grad)  # the gradient, laid out as theta
    for fast, slow in zip(grad.W + grad.b, dWs + dbs):
        np.testing.assert_allclose(fast, 0.3 * slow, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_losses_agree_where_torch_clamps(loss):
    # outputs from the middle to saturated: p (1 - p) below 1e-12 clamps BCE's gradient, and
    # p of exactly 0 or 1 clamps its log at -100
    p = np.array([[0.5, 0.9, 1e-3, 1 - 1e-13, 1e-14, 1.0, 0.0, 1.0, 0.0]])
    y = np.array([[1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]])
    d, tmp, delta = p - y, np.empty_like(p), np.empty_like(p)
    with np.errstate(all="ignore"):  # as the fast engine's callers run it: log(0) is -inf
        LOSSES[loss].delta(p, d, delta, tmp, np.array(LOSSES[loss].factor / p.size))
        fast_mean = LOSSES[loss].mean(p, y, d, tmp)
    mean_loss, dL_dp = textbook.LOSSES[loss]

    np.testing.assert_allclose(fast_mean, [mean_loss(p, y)], rtol=1e-12)
    np.testing.assert_allclose(delta, dL_dp(p, y) * p * (1 - p), rtol=1e-12, atol=0)

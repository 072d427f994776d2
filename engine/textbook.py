"""Back-propagation as the lab writes it: one sample per row, every formula in plain sight.

This is the maths of the SPEC written to be read in one sitting. The fast engine
(engine.network and its helpers) computes exactly the same thing, only rearranged for speed;
tests/engine/test_textbook.py holds the two together to 1e-12.

    x (n, 2) points, y (n, 1) labels 0 or 1, one sample per row
    a_0 = features(x, names)  (n, F): the inputs, x itself for the default names x1, x2
    params = (Ws, bs) = ([W_1, ..., W_L], [b_1, ..., b_L]),  W_i (fan_in, fan_out),  b_i (fan_out,)
    layer i:  z_i = a_{i-1} @ W_i + b_i,  a_i = f(z_i)
    output:   p = a_L = sigmoid(z_L)  (n, 1); the hidden f is the chosen activation
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

# -- activations: f(z) and its derivative f'(z) ------------------------------------------------


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z))."""
    return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {  # name: (f, f')
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: np.where(z > 0, 1.0, 0.0)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
    "none": (lambda z: z, lambda z: np.ones_like(z)),
}
HE = {"relu", "leaky_relu"}  # layers feeding these start with He weights, the rest with Glorot

# -- input features: the columns the first layer takes, as in the TensorFlow Playground -------


def features(x, names=("x1", "x2")):
    """a_0 (n, F): for each name, in order, its column of x1, x2, x1^2, x2^2, x1 x2, sin x1,
    sin x2."""
    x1, x2 = x[:, 0], x[:, 1]
    formulas = {
        "x1": x1,
        "x2": x2,
        "x1sq": x1 * x1,
        "x2sq": x2 * x2,
        "x1x2": x1 * x2,
        "sinx1": np.sin(x1),
        "sinx2": np.sin(x2),
    }
    return np.stack([formulas[name] for name in names], axis=1)


# -- losses: the batch's mean L(p, y) and its gradient dL/dp -----------------------------------


def mse(p, y):
    """L = mean((p - y)^2), as torch.nn.MSELoss()."""
    return np.mean((p - y) ** 2)


def mse_grad(p, y):
    """dL/dp = 2 (p - y) / n."""
    return 2 * (p - y) / p.size


def bce(p, y):
    """L = -mean(y log p + (1 - y) log(1 - p)), each log clamped at -100 as torch.nn.BCELoss()."""
    with np.errstate(divide="ignore"):  # log(0) = -inf, which the clamp turns into -100
        log_p, log_q = np.maximum(np.log(p), -100.0), np.maximum(np.log(1 - p), -100.0)
    return -np.mean(y * log_p + (1 - y) * log_q)


def bce_grad(p, y):
    """dL/dp = (p - y) / max(p (1 - p), 1e-12) / n, as torch.nn.BCELoss()'s backward."""
    return (p - y) / np.maximum(p * (1 - p), 1e-12) / p.size


LOSSES = {"mse": (mse, mse_grad), "bce": (bce, bce_grad)}  # name: (L, dL/dp)

# -- the network: initial weights, forward, backward -------------------------------------------


def init(sizes, activation, rng):
    """(Ws, bs): W_i ~ U(+-sqrt(6 / (fan_in + fan_out))) (Glorot), or U(+-sqrt(6 / fan_in)) (He)
    for a hidden layer feeding relu or leaky_relu; b_i = 0."""
    Ws, bs = [], []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        he = activation in HE and i < len(sizes) - 2
        limit = math.sqrt(6.0 / fan_in) if he else math.sqrt(6.0 / (fan_in + fan_out))
        Ws.append(rng.uniform(-limit, limit, (fan_in, fan_out)))
        bs.append(np.zeros(fan_out))
    return Ws, bs


class Cached(NamedTuple):
    """What forward remembers of layer i for backward: its input, pre-activation and output."""

    a_prev: np.ndarray  # a_{i-1} (n, fan_in)
    z: np.ndarray  # z_i (n, fan_out)
    a: np.ndarray  # a_i (n, fan_out)


def forward(params, x, activation):
    """(cache, p): z_i = a_{i-1} @ W_i + b_i, a_i = f(z_i) for each layer; p = a_L (n, 1)."""
    f, _ = ACTIVATIONS[activation]
    Ws, bs = params
    cache, a = [], x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = a @ W + b
        output_layer = i == len(Ws) - 1
        cache.append(Cached(a, z, sigmoid(z) if output_layer else f(z)))
        a = cache[-1].a
    return cache, a


def backward(params, cache, y, loss, activation):
    """(dWs, dbs) of the batch's mean loss L: with delta_i = dL/dz_i (n, fan_out),
    dL/dW_i = a_{i-1}^T delta_i, dL/db_i = sum over rows of delta_i, and
    delta_{i-1} = (delta_i @ W_i^T) * f'(z_{i-1})."""
    _, df = ACTIVATIONS[activation]
    Ws, _ = params
    L = len(Ws)
    dWs, dbs = [None] * L, [None] * L  # fresh arrays: a second call gives the same gradients
    _, dL_dp = LOSSES[loss]
    p = cache[-1].a
    delta = dL_dp(p, y) * p * (1 - p)  # dL/dz_L = dL/dp * sigmoid'(z_L)
    for i in reversed(range(L)):
        dWs[i], dbs[i] = cache[i].a_prev.T @ delta, delta.sum(axis=0)
        if i > 0:
            delta = (delta @ Ws[i].T) * df(cache[i - 1].z)
    return dWs, dbs


# -- regularisation: a penalty on the weights (never the biases), added to the batch's loss ----


def penalty(Ws, l2=0.0, l1=0.0):
    """P = l2 * 1/2 * sum(W^2) + l1 * sum(|W|) over every weight matrix."""
    return sum(l2 * 0.5 * np.sum(W * W) + l1 * np.sum(np.abs(W)) for W in Ws)


def penalty_grads(Ws, l2=0.0, l1=0.0):
    """dP/dW_i = l2 W_i + l1 sign(W_i) (sign(0) = 0); dP/db_i = 0."""
    return [l2 * W + l1 * np.sign(W) for W in Ws]


# -- optimizers: one step on the arrays ws = Ws + bs, given their gradients gs = dWs + dbs -------


def plain(ws, gs, state, lr):
    """gd, sgd and minibatch: W -= lr g."""
    for w, g in zip(ws, gs):
        w -= lr * g


def momentum(ws, gs, state, lr, mu=0.9):
    """torch.optim.SGD(momentum=0.9): buf = g on the first step, then buf = mu buf + g;
    W -= lr buf."""
    for k, (w, g) in enumerate(zip(ws, gs)):
        buf = state[k] = g.copy() if k not in state else mu * state[k] + g
        w -= lr * buf


def adam(ws, gs, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """torch.optim.Adam: m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, and
    W -= lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)."""
    t = state["t"] = state.get("t", 0) + 1
    for k, (w, g) in enumerate(zip(ws, gs)):
        m = state["m", k] = beta1 * state.get(("m", k), 0.0) + (1 - beta1) * g
        v = state["v", k] = beta2 * state.get(("v", k), 0.0) + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        w -= lr * m_hat / (np.sqrt(v_hat) + eps)


OPTIMIZERS = {"gd": plain, "sgd": plain, "minibatch": plain, "momentum": momentum, "adam": adam}

# -- learning-rate schedules: after epoch t, the next epoch's rate from the rate in force -------


def next_lr(schedule, lr, t, epochs, gamma=1.0, step_every=1):
    """torch's schedulers stepped after epoch t (last_epoch = t), T_max = epochs, eta_min = 0:
    step: lr * gamma when t is a multiple of step_every (StepLR); exp: lr * gamma
    (ExponentialLR); cosine: lr (1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T))
    (CosineAnnealingLR: from lr at epoch 1 to 0 at epoch T + 1); constant: lr."""
    if schedule == "step":
        return lr * gamma if t % step_every == 0 else lr
    if schedule == "exp":
        return lr * gamma
    if schedule == "cosine":
        return (
            (1 + math.cos(math.pi * t / epochs)) / (1 + math.cos(math.pi * (t - 1) / epochs)) * lr
        )
    return lr


def batch_size(optimizer, n, given=None):
    """Samples per step: gd all n, sgd 1, minibatch ``given`` or 32, momentum and adam ``given``
    or all n; never more than n."""
    size = {"gd": n, "sgd": 1}.get(optimizer) or given or (32 if optimizer == "minibatch" else n)
    return min(size, n)


# -- training ----------------------------------------------------------------------------------


def train(
    params,
    x,
    y,
    activation,
    loss,
    optimizer,
    lr,
    epochs,
    rng,
    batch=None,
    l2=0.0,
    l1=0.0,
    penalties=None,
    schedule="constant",
    gamma=1.0,
    step_every=1,
    changes=None,
    lrs=None,
):
    """Train ``params`` in place; returns each epoch's mean loss over the predictions made
    during its pass (each batch's before its step). With ``l2`` or ``l1`` each batch's gradient
    is that of its mean loss plus :func:`penalty`; ``penalties`` (a list) then receives each
    epoch's penalty, the mean over its batches (by their sizes) at the weights each stepped
    from, as the loss is.

    The rate of epoch 1 is ``lr``; after each epoch but the last the ``schedule``
    (:func:`next_lr`) gives the next one; ``lrs`` (a list) receives each epoch's rate.
    ``changes`` ({epochs done: {"lr": ..., "l2": ..., "schedule": ...}}) are settings changed
    before the epoch after that many: a new lr replaces the rate in force (the schedule goes on
    from it), the optimizer's state and the weights are kept.

    An epoch visits the n samples in a fresh order ``rng.permutation(n)`` (in their own order
    when one step takes them all), in batches of ``batch_size(optimizer, n, batch)``; the last,
    smaller batch is a batch of its own.
    """
    n, y = len(x), y.reshape(-1, 1)
    size, update = batch_size(optimizer, n, batch), OPTIMIZERS[optimizer]
    (Ws, bs), (mean_loss, _) = params, LOSSES[loss]
    state, history = {}, []
    for epoch in range(epochs):
        new = (changes or {}).get(epoch, {})
        lr, l2, l1 = new.get("lr", lr), new.get("l2", l2), new.get("l1", l1)
        schedule, gamma = new.get("schedule", schedule), new.get("gamma", gamma)
        step_every = new.get("step_every", step_every)
        order = np.arange(n) if size == n else rng.permutation(n)
        seen, paid = [], 0.0
        for start in range(0, n, size):
            rows = order[start : start + size]
            cache, p = forward(params, x[rows], activation)
            seen.append(p)
            dWs, dbs = backward(params, cache, y[rows], loss, activation)
            if l2 or l1:
                paid += penalty(Ws, l2, l1) * len(rows)
                dWs = [g + dp for g, dp in zip(dWs, penalty_grads(Ws, l2, l1))]
            update(Ws + bs, dWs + dbs, state, lr)
        history.append(mean_loss(np.concatenate(seen), y[order]))
        if penalties is not None:
            penalties.append(paid / n)
        if lrs is not None:
            lrs.append(lr)
        if epoch + 1 < epochs:
            lr = next_lr(schedule, lr, epoch + 1, epochs, gamma, step_every)
    return history

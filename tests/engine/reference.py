"""A deliberately plain re-implementation of the SPEC's network, for checking the engine.

One layer at a time, fresh arrays, rows = samples, every formula written as in a textbook.
It shares no code with the engine.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


FORWARD = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "none": lambda z: z,
}
DERIVATIVE = {  # f'(z), from z
    "sigmoid": lambda z: sigmoid(z) * (1 - sigmoid(z)),
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0).astype(float),
    "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.01),
    "none": lambda z: np.ones_like(z),
}


def loss_value(kind, p, y):
    if kind == "mse":
        return np.mean((p - y) ** 2)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def forward(Ws, bs, activation, x):
    """Returns the pre-activations and activations of every layer (a[0] = x)."""
    zs, acts = [], [x]
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W + b
        zs.append(z)
        acts.append(sigmoid(z) if i == len(Ws) - 1 else FORWARD[activation](z))
    return zs, acts


def gradients(Ws, bs, activation, loss, x, y):
    """dL/dW and dL/db for every layer by the chain rule."""
    zs, acts = forward(Ws, bs, activation, x)
    p, m = acts[-1], len(x)
    delta = 2 * (p - y) / m * p * (1 - p) if loss == "mse" else (p - y) / m
    gW, gb = [None] * len(Ws), [None] * len(Ws)
    for i in reversed(range(len(Ws))):
        gW[i] = acts[i].T @ delta
        gb[i] = delta.sum(axis=0)
        if i:
            delta = (delta @ Ws[i].T) * DERIVATIVE[activation](zs[i - 1])
    return gW, gb


def train(Ws, bs, cfg, x, y, orders):
    """Train a copy of (Ws, bs) as cfg says; ``orders`` gives each epoch's sample order (or
    None for the data's own order). Returns the per-epoch losses of the predictions made
    during each pass."""
    Ws, bs = [W.copy() for W in Ws], [b.copy() for b in bs]
    n = len(x)
    size = {"gd": n, "sgd": 1}.get(
        cfg.optimizer, cfg.batch_size or (32 if cfg.optimizer == "minibatch" else n)
    )
    size = min(size, n)
    state, history = {"t": 0}, []
    for order in orders:
        order = np.arange(n) if order is None else order
        seen_p, seen_y = [], []
        for start in range(0, n, size):
            idx = order[start : start + size]
            xb, yb = x[idx], y[idx]
            seen_p.append(forward(Ws, bs, cfg.activation, xb)[1][-1])
            seen_y.append(yb)
            gW, gb = gradients(Ws, bs, cfg.activation, cfg.loss, xb, yb)
            step(Ws + bs, gW + gb, cfg, state)
        history.append(loss_value(cfg.loss, np.concatenate(seen_p), np.concatenate(seen_y)))
    return history, Ws, bs


def step(params, grads, cfg, state):
    """One optimizer step, in closed form."""
    state["t"] += 1
    t, lr = state["t"], cfg.lr
    for k, (p, g) in enumerate(zip(params, grads)):
        if cfg.optimizer in ("gd", "sgd", "minibatch"):
            p -= lr * g
        elif cfg.optimizer == "momentum":
            buf = g.copy() if t == 1 else 0.9 * state[k] + g
            state[k] = buf
            p -= lr * buf
        else:  # adam
            m, v = state.get(("m", k), 0.0), state.get(("v", k), 0.0)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            state[("m", k)], state[("v", k)] = m, v
            m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
            p -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)

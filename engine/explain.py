"""One training step laid open: forward, backward and update, layer by layer.

    step = explain(net, loss, optimizer, x, y)      x (m, 2), y (m,): one sample or a batch
    step.layers[0].inputs                          a_0: the points' features (m, F)
    step.layers[i].delta, .grad_W, .update_W, ...  (rows are samples where a value is per sample)

The numbers are the engine's own: the forward and backward passes are engine.network's (the
forward asked to keep each z), the update is the run's optimizer (a copy, with its state) taking
its step on a copy of the weights, exactly as engine.trainer would. Beside them, a numerical
gradient check: central differences of the batch's mean loss, refined by Richardson
extrapolation, against the analytic gradient.

For a layer i with input a_{i-1} (m, fan_in), weights W_i (fan_in, fan_out) and bias b_i:

    z_i = a_{i-1} W_i + b_i,  a_i = f(z_i)            (the output: p = sigmoid(z_L))
    delta_L = dL/dz_L = dL/dp * sigmoid'(z_L)
    delta_i = (delta_{i+1} W_{i+1}^T) * f'(z_i)
    dL/dW_i = a_{i-1}^T delta_i,   dL/db_i = sum over the rows of delta_i
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from .activations import ONE
from .features import DEFAULT_FEATURES
from .losses import BCE_EPS, LOSSES, Loss
from .network import Network, Workspace, split_blocks
from .penalty import Penalty, weight_mask
from .textbook import penalty as textbook_penalty

CHECK_STEP = 1e-3
"""The numerical check's step h (then h / 2, combined by Richardson extrapolation)."""
CHECK_FLOOR = 1e-5
"""Relative errors are taken against max(|analytic|, |numeric|, CHECK_FLOOR): a gradient this
small is compared absolutely: rounding in the loss alone moves a difference quotient by
about 1e-12."""
CHECK_MOST = 2000
"""Parameters checked at most (evenly spread over the network beyond that)."""
KINKED = ("relu", "leaky_relu")


@dataclass
class LayerStep:
    """Layer i's share of the step (arrays with one row per sample where per sample)."""

    W: np.ndarray
    """(fan_in, fan_out), before the update."""
    b: np.ndarray
    """(fan_out,), before the update."""
    inputs: np.ndarray
    """a_{i-1} (m, fan_in): for layer 1 the inputs, x's features (x itself for x1, x2)."""
    z: np.ndarray
    a: np.ndarray
    fprime: np.ndarray
    """f'(z_i) (m, fan_out): the sigmoid's for the output layer."""
    delta: np.ndarray
    """dL/dz_i (m, fan_out)."""
    grad_W: np.ndarray
    grad_b: np.ndarray
    update_W: np.ndarray
    """The optimizer's step: W after = W + update_W."""
    update_b: np.ndarray
    numeric_W: np.ndarray
    """Central differences of the loss (NaN where not checked)."""
    numeric_b: np.ndarray
    state: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """The optimizer's state after the step, as (W part, b part): "velocity" for momentum,
    "m" and "v" for Adam."""


@dataclass
class Step:
    """One update on ``x`` (m, 2), ``y`` (m,), laid open layer by layer."""

    sample: int | None
    """The sample's index into the data, or None for a batch."""
    indices: np.ndarray
    x: np.ndarray
    y: np.ndarray
    prediction: np.ndarray
    loss: float
    """The mean loss over the m samples."""
    dloss_dp: np.ndarray
    """dL/dp (m,)."""
    layers: list[LayerStep]
    optimizer: str
    lr: float
    grad_check_max_rel_error: float
    checked: int
    """Parameters the numerical check compared."""
    kinks: int
    """Parameters left out of the check: moving them by h moved some z across a ReLU's kink,
    or an L1-penalised weight within h of 0 (|w|'s kink), where the derivative is one-sided
    and a difference quotient means nothing."""
    features: tuple[str, ...] = DEFAULT_FEATURES
    """The names of the first layer's inputs (engine.features); their values are
    ``layers[0].inputs``."""

    def to_dict(self) -> dict:
        """Plain JSON values: arrays as nested lists (rows are samples where per sample)."""
        layers = [
            {
                "W": layer.W.tolist(),
                "b": layer.b.tolist(),
                "z": layer.z.tolist(),
                "a": layer.a.tolist(),
                "fprime": layer.fprime.tolist(),
                "delta": layer.delta.tolist(),
                "grad_W": layer.grad_W.tolist(),
                "grad_b": layer.grad_b.tolist(),
                "update_W": layer.update_W.tolist(),
                "update_b": layer.update_b.tolist(),
                **{
                    name: {"W": w.tolist(), "b": b.tolist()} for name, (w, b) in layer.state.items()
                },
            }
            for layer in self.layers
        ]
        values = {
            "sample": self.sample,
            "indices": self.indices.tolist(),
            "x": self.x.tolist(),
            "y": self.y.tolist(),
            "prediction": self.prediction.tolist(),
            "loss": self.loss,
            "dloss_dp": self.dloss_dp.tolist(),
            "optimizer": self.optimizer,
            "lr": self.lr,
            "grad_check_max_rel_error": self.grad_check_max_rel_error,
            "grad_check_parameters": self.checked,
            "grad_check_kinks_skipped": self.kinks,
            "layers": layers,
        }
        if self.features != DEFAULT_FEATURES:  # x alone is the input otherwise, as it was
            values["features"] = list(self.features)
            values["inputs"] = self.layers[0].inputs.tolist()
        return values


def explain(
    net: Network,
    loss: Loss,
    optimizer,
    x: np.ndarray,
    y: np.ndarray,
    indices: np.ndarray | None = None,
    sample: int | None = None,
    optimizer_name: str = "",
    lr: float = 0.0,
    l2: float = 0.0,
    l1: float = 0.0,
) -> Step:
    """The next update of ``net`` on the points ``x`` (m, 2) with labels ``y`` (m,), by
    ``optimizer`` (an engine.optimizers instance holding the run's state: it is not changed,
    a copy steps). Neither the network nor the optimizer is changed. With an ``l2`` or ``l1``
    penalty (engine.penalty) the gradients, their check and the update are those of the
    batch's mean loss plus the penalty; ``loss`` stays the data's."""
    m = len(x)
    columns = net.columns(np.asarray(x, dtype=np.float64))
    labels = np.asarray(y, dtype=np.float64).reshape(1, m)
    with np.errstate(all="ignore"):
        ws = Workspace(net, m, loss)  # grad_scale 1: the gradient itself
        p = np.empty((1, m))
        zs: list[np.ndarray] = []
        net.forward(ws, columns, p, zs)
        d = p - labels
        mean = float(loss.mean(p, labels, d, np.empty_like(p))[0])
        grad = net.backward(ws, columns, p, d).copy()
        _penalise(net, grad, l2, l1, 1.0)
        deltas = [layer.delta.T.copy() for layer in ws.layers]
        outputs = [a.T.copy() for a in ws.a] + [p.T.copy()]
        fprimes = _fprimes(net, ws, p)
        dloss_dp = _dloss_dp(loss, p, d, m)
        update, state = _update(net, loss, optimizer, columns, labels, l2, l1)
        numeric, kinks = _numeric(net, loss, columns, labels, l2, l1)
    grads = split_blocks(grad, net.sizes)
    updates = split_blocks(update, net.sizes)
    numerics = split_blocks(numeric, net.sizes)
    states = {name: split_blocks(values, net.sizes) for name, values in state.items()}
    layers = []
    inputs = columns[:-1].T.copy()  # the features of x, the first layer's input
    for i in range(net.depth):
        layers.append(
            LayerStep(
                W=net.W[i].copy(),
                b=net.b[i].copy(),
                inputs=inputs,
                z=zs[i].T.copy(),
                a=outputs[i],
                fprime=fprimes[i],
                delta=deltas[i],
                grad_W=grads[i][:-1].copy(),
                grad_b=grads[i][-1].copy(),
                update_W=updates[i][:-1].copy(),
                update_b=updates[i][-1].copy(),
                numeric_W=numerics[i][:-1].copy(),
                numeric_b=numerics[i][-1].copy(),
                state={name: (s[i][:-1].copy(), s[i][-1].copy()) for name, s in states.items()},
            )
        )
        inputs = outputs[i]
    checked = np.isfinite(numeric)
    scale = np.maximum(np.maximum(np.abs(grad), np.abs(numeric)), CHECK_FLOOR)
    errors = np.abs(grad - numeric)[checked] / scale[checked]
    return Step(
        sample=sample,
        indices=np.arange(m) if indices is None else np.asarray(indices),
        x=np.asarray(x, dtype=np.float64).copy(),
        y=np.asarray(y, dtype=np.float64).reshape(-1).copy(),
        prediction=p.reshape(-1).copy(),
        loss=mean,
        dloss_dp=dloss_dp,
        layers=layers,
        optimizer=optimizer_name,
        lr=lr,
        grad_check_max_rel_error=float(errors.max()) if errors.size else 0.0,
        checked=int(checked.sum()),
        kinks=kinks,
        features=net.features,
    )


def _fprimes(net: Network, ws: Workspace, p: np.ndarray) -> list[np.ndarray]:
    """f'(z_i) per layer (m, fan_out), through the activation's own backward with da = 1."""
    result = []
    for a in ws.a:
        out, tmp = np.empty_like(a), np.empty_like(a)
        net.activation.backward(a, np.ones_like(a), out, tmp)
        result.append(out.T.copy())
    result.append((p * (ONE - p)).T.copy())  # the sigmoid output's
    return result


def _dloss_dp(loss: Loss, p: np.ndarray, d: np.ndarray, m: int) -> np.ndarray:
    if loss.name == "bce":  # torch's BCELoss gradient, its denominator floored
        return (d / np.maximum(p * (ONE - p), BCE_EPS) / m).reshape(-1)
    return (loss.factor / m * d).reshape(-1)


def _penalise(net: Network, grad: np.ndarray, l2: float, l1: float, scale) -> None:
    """grad += scale * the penalty's gradient, as engine.trainer adds it."""
    if l2 or l1:
        penalty = Penalty(np.array(l2), np.array(l1), weight_mask(net.sizes), scale)
        penalty.add_gradient(net.theta, grad, np.empty_like(grad))


def _update(net: Network, loss: Loss, optimizer, columns, labels, l2=0.0, l1=0.0):
    """The optimizer's step on copies, as engine.trainer takes it: the gradient scaled by its
    grad_scale (lr for plain gradient descent), then ``step``. Returns the change of theta and
    the optimizer's state after it."""
    stepper = copy.deepcopy(optimizer)
    m = labels.shape[-1]
    ws = Workspace(net, m, loss, stepper.grad_scale)
    p = np.empty((1, m))
    net.forward(ws, columns, p)
    theta = net.theta.copy()
    grad = net.backward(ws, columns, p, p - labels)
    _penalise(net, grad, l2, l1, stepper.grad_scale)
    stepper.step(theta, grad)
    state = {}
    if hasattr(stepper, "buf"):
        state["velocity"] = stepper.buf.copy()
    if hasattr(stepper, "v"):
        state["m"], state["v"] = stepper.m.copy(), stepper.v.copy()
    return theta - net.theta, state


def _numeric(net: Network, loss: Loss, columns, labels, l2=0.0, l1=0.0) -> tuple[np.ndarray, int]:
    """dL/dtheta by central differences with steps h and h/2 combined (Richardson: error
    O(h^4)); NaN where a parameter was not checked. Also the count left out at a ReLU kink."""
    scratch = Network(net.sizes, net.activation.name, features=net.features)
    m = labels.shape[-1]
    ws = Workspace(scratch, m, loss)
    p, tmp = np.empty((1, m)), np.empty((1, m))

    def loss_at(theta: np.ndarray) -> tuple[float, list[np.ndarray]]:
        scratch.theta[:] = theta
        zs: list[np.ndarray] = []
        scratch.forward(ws, columns, p, zs)
        value = float(loss.mean(p, labels, p - labels, tmp)[0])
        if l2 or l1:
            value += float(textbook_penalty(scratch.W, l2, l1))
        return value, zs

    theta = net.theta.copy()
    kinked = net.activation.name in KINKED
    _, centre = loss_at(theta)
    signs = [z > 0 for z in centre[:-1]]
    size = theta.size
    which = np.arange(size) if size <= CHECK_MOST else np.linspace(0, size - 1, CHECK_MOST)
    numeric = np.full(size, np.nan)
    kinks = 0
    # |w| has a kink at 0: an L1 weight within a step of it is not checked either
    near_zero = (np.abs(theta) <= CHECK_STEP) & (weight_mask(net.sizes) > 0) if l1 else None
    for j in np.unique(np.asarray(which, dtype=np.int64)):
        estimates = []
        crossed = near_zero is not None and bool(near_zero[j])
        for h in (CHECK_STEP, CHECK_STEP / 2):
            values = []
            for sign in (1.0, -1.0):
                moved = theta.copy()
                moved[j] += sign * h
                value, zs = loss_at(moved)
                values.append(value)
                if kinked and any(
                    np.any((z > 0) != s) for z, s in zip(zs[:-1], signs, strict=True)
                ):
                    crossed = True
            estimates.append((values[0] - values[1]) / (2 * h))
        if crossed:
            kinks += 1
            continue
        numeric[j] = (4 * estimates[1] - estimates[0]) / 3
    return numeric, kinks


def explain_weights(
    config, data, weights: np.ndarray, optimizer, indices: np.ndarray, sample: int | None
) -> Step:
    """The next update of a run of ``config`` on ``data`` from a snapshot of it: its flat
    ``weights`` and a copy of its ``optimizer`` (engine.training.Snapshot), on the samples
    ``indices`` (``sample``: the one index, or None for a batch). The rate shown is the
    optimizer's, the one in force; ``config`` should hold the penalty in force (a run's
    ``settings()`` does, after a live change)."""
    net = Network.of(config, weights)
    return explain(
        net,
        LOSSES[config.loss],
        optimizer,
        data.x[indices],
        data.y[indices],
        indices=indices,
        sample=sample,
        optimizer_name=config.optimizer,
        lr=float(optimizer.lr),
        l2=config.l2,
        l1=config.l1,
    )

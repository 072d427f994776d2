"""The network: layer sizes [F, h1, ..., hk, 1], a_i = f(a_{i-1} @ W_i + b_i), sigmoid output;
a_0 is the F input features of a point (x1, x2) (engine.features; F = 2: the point itself).

At these sizes a NumPy call costs more than its arithmetic, so the layout is chosen to make few,
contiguous calls. Each choice is explained where it is made:

* all parameters live in one flat vector ``theta`` (an optimizer step is one call on it);
* each layer's bias is folded into its weights: the block ``Wb_i`` of shape (fan_in + 1, fan_out)
  holds W_i above the row b_i, and every layer input carries an extra "1" feature, so a layer is
  one matrix product and the bias gradient is one row of the weight gradient;
* activations are stored transposed, one column per sample: a_i^T = f(Wb_i^T [a_{i-1}^T; 1]),
  so each layer's output is a contiguous block (the rows above the row of ones) that the
  activation updates in place;
* only the outputs a_i are cached, never z_i: each f'(z) is written through a = f(z)
  (engine.activations), so the product z_i is written straight into a_i's block;
* every intermediate array is preallocated in a :class:`Workspace` (one :class:`Layer` record per
  layer holds its views and buffers) and written with ``out``;
* the loss's constant (and, for plain gradient descent, the learning rate) is folded into the
  output layer's error once, and so reaches every gradient without a call of its own;
* several networks of one shape can be trained as one computation: with ``models=K`` every array
  gains a leading model axis and the products become batched (``np.matmul``), so K runs cost
  about as many NumPy calls as one (see engine.trainer); for one network ``np.dot`` is used, the
  cheaper call.

NumPy calls pass ``out`` positionally (``np.dot(a, b, out)``) and scalars as 0-d arrays: for
arrays this small, keyword parsing and float conversion are a large share of a call's cost.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import ACTIVATIONS, sigmoid_forward
from .features import DEFAULT_FEATURES, features
from .losses import LOSSES, Loss


def block_shapes(sizes: tuple[int, ...]) -> list[tuple[int, int]]:
    """Shapes of the per-layer blocks [W_i; b_i]: (fan_in + 1, fan_out)."""
    return [(fan_in + 1, fan_out) for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]


def split_blocks(flat: np.ndarray, sizes: tuple[int, ...]) -> list[np.ndarray]:
    """Views of a parameter vector (..., P) as the per-layer (..., fan_in + 1, fan_out) blocks."""
    blocks, start = [], 0
    for rows, cols in block_shapes(sizes):
        blocks.append(flat[..., start : start + rows * cols].reshape(*flat.shape[:-1], rows, cols))
        start += rows * cols
    return blocks


def columns_with_ones(x: np.ndarray) -> np.ndarray:
    """Inputs x (m, F) -> (F + 1, m): one column per sample, with a last row of ones (bias
    input)."""
    out = np.ones((x.shape[1] + 1, x.shape[0]))
    out[:-1] = x.T
    return out


class Network:
    """Parameters and shape of the network.

    ``theta`` is the flat parameter vector; ``Wb[i]`` is layer i's (fan_in + 1, fan_out) view of
    it, with ``W[i] = Wb[i][:-1]`` of shape (fan_in, fan_out) and ``b[i] = Wb[i][-1]`` of shape
    (fan_out,). Assign into ``theta`` (``theta[:] = ...``); never rebind it, or the views go stale.
    With ``models=K`` all of these gain a leading axis of K networks. ``features`` name the
    inputs, one per unit of the first layer (engine.features): :meth:`predict`, :meth:`inspect`
    and :meth:`columns` take points (n, 2) and compute them.
    """

    def __init__(
        self,
        sizes: tuple[int, ...],
        activation: str,
        models: int | None = None,
        features: tuple[str, ...] = DEFAULT_FEATURES,
    ):
        if len(features) != sizes[0]:
            raise ValueError(f"{len(features)} features for a first layer of {sizes[0]} inputs")
        self.features = tuple(features)
        self.sizes = tuple(sizes)
        self.activation = ACTIVATIONS[activation]
        self.models = models
        lead = () if models is None else (models,)
        self.theta = np.zeros((*lead, sum(r * c for r, c in block_shapes(self.sizes))))
        self.Wb = split_blocks(self.theta, self.sizes)
        self.W = [wb[..., :-1, :] for wb in self.Wb]
        self.b = [wb[..., -1, :] for wb in self.Wb]
        # np.dot is the cheaper call for one network; stacks of networks need np.matmul
        self.matmul = np.dot if models is None else np.matmul

    @property
    def depth(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.Wb)

    def initialise(self, rng: np.random.Generator) -> None:
        """Draw fresh weights; biases start at zero.

        Glorot uniform, U(±sqrt(6 / (fan_in + fan_out))), for layers feeding sigmoid, tanh or no
        activation (and for the sigmoid output); He uniform, U(±sqrt(6 / fan_in)), for layers
        feeding relu or leaky_relu.
        """
        self._draw(rng, self.W, self.b)

    def initialise_each(self, rngs: list[np.random.Generator]) -> None:
        """For K networks: network k draws its weights from ``rngs[k]``, exactly as
        :meth:`initialise` would for one network."""
        for k, rng in enumerate(rngs):
            self._draw(rng, [w[k] for w in self.W], [b[k] for b in self.b])

    def _draw(self, rng: np.random.Generator, weights: list, biases: list) -> None:
        for i, (w, b) in enumerate(zip(weights, biases)):
            fan_in, fan_out = w.shape
            he = self.activation.init == "he" and i < self.depth - 1
            limit = math.sqrt(6.0 / fan_in) if he else math.sqrt(6.0 / (fan_in + fan_out))
            w[:] = rng.uniform(-limit, limit, size=w.shape)
            b[:] = 0.0

    def columns(self, x: np.ndarray) -> np.ndarray:
        """Points x (m, 2) -> the network's input columns (F + 1, m): each point's features
        above a row of ones (see :meth:`forward`)."""
        return columns_with_ones(self.inputs(x))

    def inputs(self, x: np.ndarray) -> np.ndarray:
        """Points x (m, 2) -> their features (m, F), the first layer's input a_0."""
        return features(x, self.features)

    def forward(self, ws: Workspace, x: np.ndarray, p: np.ndarray, zs: list | None = None) -> None:
        """p (1, m) = outputs for the columns x (F + 1, m) = [features; 1] (see :meth:`columns`);
        ws caches each a_i^T.
        ``zs``, if given, receives a copy of each layer's z_i^T (engine.explain shows them)."""
        act, matmul = self.activation.forward, self.matmul
        a_in = x
        for layer in ws.hidden:
            matmul(layer.Wb_T, a_in, layer.a)  # z_i^T = Wb_i^T [a_{i-1}^T; 1]
            if zs is not None:
                zs.append(layer.a.copy())
            act(layer.a, layer.a)  # a_i^T = f(z_i^T), in place
            a_in = layer.a_ext
        matmul(ws.output.Wb_T, a_in, p)
        if zs is not None:
            zs.append(p.copy())
        sigmoid_forward(p, p)

    def backward(self, ws: Workspace, x: np.ndarray, p: np.ndarray, d: np.ndarray) -> np.ndarray:
        """grad_scale * dL/dtheta for the batch's mean loss L, from :meth:`forward`'s cache.

        ``grad_scale`` is the Workspace's (the optimizer's, see engine.optimizers): lr for plain
        gd/sgd/minibatch, 1 for momentum and adam.

        x (F + 1, m) are the inputs as columns, p (1, m) the outputs, d = p - y. The result is
        ``ws.grad``, a flat vector laid out like ``theta``; it is overwritten, never added to.
        """
        back, matmul = self.activation.backward, self.matmul
        top = ws.output
        ws.loss.delta(p, d, top.delta, top.tmp, ws.error_scale)  # delta_L = dL/dz_L (scaled)
        for layer in ws.descent:  # from the output down to the second layer
            below = layer.below
            matmul(below.a_ext, layer.delta_T, layer.grad)  # dL/dWb_i = [a_{i-1}^T; 1] delta_i^T
            matmul(layer.W, layer.delta, below.da)  # dL/da_{i-1} = W_i delta_i
            back(below.a, below.da, below.delta, below.tmp)  # delta_{i-1} = dL/da_{i-1} f'(z)
        first = ws.layers[0]
        matmul(x, first.delta_T, first.grad)  # dL/dWb_1 = [x^T; 1] delta_1^T
        return ws.grad

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Outputs in (0, 1), shape (n,), for points x of shape (n, 2); theta is not changed."""
        return self.inspect(x)[0]

    def inspect(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Outputs (n,) for points x (n, 2), and each hidden layer's activations (n, h_i)."""
        ws = Workspace(self, x.shape[0], LOSSES["mse"])
        p = np.empty((1, x.shape[0]))
        with np.errstate(all="ignore"):
            self.forward(ws, self.columns(x), p)
        return p.reshape(-1), [a.T.copy() for a in ws.a]

    @classmethod
    def from_weights(
        cls,
        sizes: tuple[int, ...],
        activation: str,
        theta: np.ndarray,
        features: tuple[str, ...] = DEFAULT_FEATURES,
    ) -> Network:
        """A network with a copy of the flat parameters ``theta`` (e.g. a snapshot of a run)."""
        net = cls(sizes, activation, features=features)
        net.theta[:] = theta
        return net

    @classmethod
    def of(cls, config, theta: np.ndarray | None = None, models: int | None = None) -> Network:
        """The network an engine.config.Config describes (its sizes, activation and features),
        with a copy of ``theta`` if given (else zeros, to initialise)."""
        net = cls(config.sizes, config.activation, models, config.features)
        if theta is not None:
            net.theta[:] = theta
        return net


class Layer:
    """Layer i's share of a :class:`Workspace`, for a batch of m samples (one column each).

    Wb_T (fan_out, fan_in + 1) and W (fan_in, fan_out) are views of theta; grad
    (fan_in + 1, fan_out) is layer i's block of ``ws.grad``; delta (fan_out, m) = dL/dz_i^T and
    delta_T its (m, fan_out) transpose. A hidden layer also caches its output: a_ext
    (fan_out + 1, m) is a_i^T above a row of ones (the next layer's bias input), a its top
    fan_out rows, and da (fan_out, m) = dL/da_i^T. ``below`` is layer i - 1 (None for layer 1).
    """

    __slots__ = ("Wb_T", "W", "grad", "delta", "delta_T", "tmp", "a_ext", "a", "da", "below")

    def __init__(self, Wb, W, grad, delta, tmp, a_ext=None, da=None, below=None):
        self.Wb_T = np.swapaxes(Wb, -1, -2)
        self.W = W
        self.grad = grad
        self.delta = delta
        self.delta_T = np.swapaxes(delta, -1, -2)
        self.tmp = tmp
        self.a_ext = a_ext
        self.a = None if a_ext is None else a_ext[..., :-1, :]
        self.da = da
        self.below = below


class Workspace:
    """Preallocated buffers for one batch size m: what forward caches and backward writes.

    ``layers[i]`` is layer i + 1's :class:`Layer`; ``hidden`` are all but the last, ``output``
    the last, ``descent`` the layers backward visits from the output down (all but the first).
    ``a[i]`` (h_i, m) is hidden layer i's cached output, one column per sample.
    Backward returns the gradient of ``loss`` times ``grad_scale``.
    """

    def __init__(self, net: Network, m: int, loss: Loss, grad_scale=1.0):
        self.loss = loss
        self.grad_scale = grad_scale
        lead = () if net.models is None else (net.models,)
        # the loss's constant and grad_scale (one per network when several) in one factor
        self._factor = loss.factor / m
        scale = np.asarray(grad_scale, dtype=np.float64) * self._factor
        self.error_scale = scale.reshape(-1, 1, 1) if scale.size > 1 else scale.reshape(())
        # buffers are allocated kind by kind, then handed to the layers: allocated layer by
        # layer, the same steps measured ~5% slower at batch sizes 32 and 64 (where the buffers
        # land in memory matters at these sizes)
        hidden, units = net.sizes[1:-1], net.sizes[1:]
        a_ext = [np.ones((*lead, h + 1, m)) for h in hidden] + [None]
        da = [np.empty((*lead, h, m)) for h in hidden] + [None]
        delta = [np.empty((*lead, u, m)) for u in units]
        tmp = [np.empty((*lead, u, m)) for u in units]
        self.grad = np.empty_like(net.theta)
        grads = split_blocks(self.grad, net.sizes)
        self.layers: list[Layer] = []
        below = None
        for i in range(net.depth):
            args = net.Wb[i], net.W[i], grads[i], delta[i], tmp[i], a_ext[i], da[i], below
            below = Layer(*args)
            self.layers.append(below)
        self.hidden = self.layers[:-1]
        self.output = self.layers[-1]
        self.descent = self.layers[:0:-1]
        self.a = [layer.a for layer in self.hidden]

    def rescale(self, grad_scale) -> None:
        """Backward returns the gradient times this ``grad_scale`` from now on (a learning
        rate changed: engine.trainer); the factor is computed as the constructor computes it."""
        self.grad_scale = grad_scale
        scale = np.asarray(grad_scale, dtype=np.float64) * self._factor
        self.error_scale = scale.reshape(-1, 1, 1) if scale.size > 1 else scale.reshape(())

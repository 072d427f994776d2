"""A straightforward back-propagation network in the seed lab's style, for benchmarks only.

A layer object per layer, if/elif activation dispatch, a separate update pass, fresh arrays for
every intermediate. Same math and the same per-epoch bookkeeping (loss and accuracy) as the
engine, so the two can be timed side by side on equal work.
"""

from __future__ import annotations

import numpy as np


class Layer:
    def __init__(self, input_dim, output_dim, activation, rng):
        limit = np.sqrt(6.0 / (input_dim + output_dim))
        self.weight = rng.uniform(-limit, limit, (input_dim, output_dim))
        self.bias = np.zeros((1, output_dim))
        self.activation = activation

    def forward(self, inputs):
        self.inputs = inputs
        z = inputs @ self.weight + self.bias
        if self.activation == "sigmoid":
            self.output = 1.0 / (1.0 + np.exp(-z))
        elif self.activation == "tanh":
            self.output = np.tanh(z)
        elif self.activation == "relu":
            self.output = np.maximum(0.0, z)
        elif self.activation == "leaky_relu":
            self.output = np.where(z > 0, z, 0.01 * z)
        elif self.activation == "none":
            self.output = z
        return self.output

    def backward(self, grad):
        if self.activation == "sigmoid":
            grad = grad * self.output * (1.0 - self.output)
        elif self.activation == "tanh":
            grad = grad * (1.0 - self.output**2)
        elif self.activation == "relu":
            grad = grad * (self.output > 0)
        elif self.activation == "leaky_relu":
            grad = grad * np.where(self.output > 0, 1.0, 0.01)
        elif self.activation == "none":
            pass
        self.grad_weight = self.inputs.T @ grad
        self.grad_bias = np.sum(grad, axis=0, keepdims=True)
        return grad @ self.weight.T

    def update(self, learning_rate):
        self.weight -= learning_rate * self.grad_weight
        self.bias -= learning_rate * self.grad_bias


class NN:
    def __init__(self, hidden, activation, learning_rate, batch_size=None, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [2, *hidden, 1]
        self.layers = []
        for i in range(len(sizes) - 1):
            act = activation if i < len(sizes) - 2 else "sigmoid"
            self.layers.append(Layer(sizes[i], sizes[i + 1], act, rng))
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.rng = rng
        self.loss, self.accuracy = [], []

    def forward(self, inputs):
        for layer in self.layers:
            inputs = layer.forward(inputs)
        return inputs

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def update(self):
        for layer in self.layers:
            layer.update(self.learning_rate)

    def train_epoch(self, inputs, labels):
        n = len(labels)
        if self.batch_size is None or self.batch_size >= n:
            batches = [(inputs, labels)]
        else:
            order = self.rng.permutation(n)
            batches = [
                (inputs[order[i : i + self.batch_size]], labels[order[i : i + self.batch_size]])
                for i in range(0, n, self.batch_size)
            ]
        losses, correct = 0.0, 0
        for x, y in batches:
            pred = self.forward(x)
            losses += np.sum((pred - y) ** 2)
            correct += np.sum((pred >= 0.5) == (y == 1))
            self.backward(2.0 * (pred - y) / len(y))
            self.update()
        self.loss.append(losses / n)
        self.accuracy.append(correct / n)

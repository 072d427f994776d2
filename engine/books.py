"""A trainer's books, kept as each epoch ends: the loss, penalty, test loss, samples right,
learning rate and gradient norms of every epoch, divergence, saturation and the first epoch at
100%. Part of engine.trainer.Trainer (a base class of it), whose results read the books.
"""

from __future__ import annotations

import math

import numpy as np

HALF = np.array(0.5)
SATURATION_WINDOW = 50
"""Epochs between saturation checks; the loss must not have fallen over one window."""
SATURATION_EPS = 1e-3
"""An output within this of 0 or 1 counts as saturated."""
SATURATION_HINT = (
    "outputs saturated at 0 or 1 and the loss is stuck: the learning rate may be too high"
)


def saturated(p: np.ndarray, y: np.ndarray, old_loss, new_loss) -> np.ndarray:
    """Per run (p, y of shape (..., n)): some sample is wrong, every output is within
    SATURATION_EPS of 0 or 1, and the loss has not fallen from ``old_loss`` (SATURATION_WINDOW
    epochs ago) to ``new_loss`` -- the sigmoid's gradient has vanished, the run is stuck."""
    with np.errstate(all="ignore"):
        wrong = np.count_nonzero((p >= 0.5) != (y == 1.0), axis=-1) > 0
        stuck = np.all(np.minimum(p, 1.0 - p) < SATURATION_EPS, axis=-1)
        falling = np.asarray(new_loss) < np.asarray(old_loss) * (1 - 1e-6)
    return wrong & stuck & ~falling


class EpochBooks:
    """Part of :class:`engine.trainer.Trainer`'s methods: the books it keeps as each epoch
    ends, on the state Trainer.__init__ sets up. They read the trainer's ``epochs``, ``n``,
    ``single``, ``net``, ``penalty``, ``record_norms``, ``_rates``, ``_recording``,
    ``_tested``, ``_p``, ``_seen``, ``_ones`` and ``_layer_of``; write (and grow) its
    per-epoch arrays ``_history``, ``_rights``, ``_squares``, ``_penalties``, ``_tests`` and
    ``_lrs``; and keep its ``epoch``, ``correct``, ``alive``, ``diverged_at``, ``saturated``,
    ``_first_perfect``, ``_awaiting_perfect``, ``_predicted``, ``_penalty_sum``, and the
    gradients (``_grad``) buffered in ``_grads``, ``_pending`` of them."""

    def _book(self, losses: np.ndarray) -> None:
        """Record one epoch: losses, accuracy, divergence, saturation, first epoch at 100%.

        The common case (every number finite, every run alive) costs a few NumPy calls; the
        per-run bookkeeping of divergence runs only when a number is not finite."""
        epoch = self.epoch = self.epoch + 1
        if epoch > len(self._history):
            size = min(2 * len(self._history), self.epochs)
            arrays = (self._history, self._rights, self._squares, self._penalties, self._tests)
            self._history, self._rights, self._squares, self._penalties, self._tests = (
                _grown(a, size, epoch - 1) for a in arrays
            )
            self._lrs = _grown(self._lrs, size, epoch - 1)
        self._history[epoch - 1] = losses
        if self._recording:
            self._lrs[epoch - 1] = self._rates
        if self._tested is not None:
            self._tests[epoch - 1, :, 0], self._tests[epoch - 1, :, 1] = self._tested
        if self.penalty is not None:
            self._penalties[epoch - 1] = self._penalty_sum / self.n
            self._penalty_sum[...] = 0.0
        if self.record_norms:
            np.copyto(self._grads[self._pending], self._grad)
            self._pending += 1
            if self._pending == len(self._grads):
                self._sum_norms()
        np.greater_equal(self._p, HALF, self._predicted)
        right = np.equal(self._predicted, self._seen[2], self._predicted)
        if self.single:
            self.correct[0] = np.count_nonzero(right)
        else:
            self.correct = np.count_nonzero(right, axis=(1, 2))
        self._rights[epoch - 1] = self.correct
        weight_sums = self.net.theta @ self._ones
        alive = self.alive
        # one run: plain floats, a tenth of the cost of NumPy's reductions on one number
        total = losses[0] + weight_sums if self.single else np.add.reduce(losses + weight_sums)
        if math.isfinite(total):
            self._perfect(alive, epoch)
        else:
            lost = alive & ~np.isfinite(losses)
            self._diverge(lost, epoch)  # a non-finite loss: this epoch does not count
            self._perfect(alive, epoch)
            self._diverge(alive & ~np.isfinite(np.reshape(weight_sums, -1)), epoch)
        if epoch % SATURATION_WINDOW == 0 and alive.any():
            # the pass's predictions, in the order it saw the samples
            p, y = self._p.reshape(len(alive), -1), self._seen[1].reshape(len(alive), -1)
            old = self._history[epoch - SATURATION_WINDOW]
            self.saturated[alive] = saturated(p, y, old, losses)[alive]

    def _perfect(self, alive: np.ndarray, epoch: int) -> None:
        """Note the epoch as the first at 100% for live runs that got every sample right."""
        if self.single:
            if self._awaiting_perfect and alive[0] and self.correct[0] == self.n:
                self._first_perfect[0], self._awaiting_perfect = epoch, False
        elif self._awaiting_perfect:
            hits = alive & (self.correct == self.n) & (self._first_perfect == 0)
            if hits.any():
                self._first_perfect[hits] = epoch
                self._awaiting_perfect = bool(np.any(self._first_perfect == 0))

    def _diverge(self, which: np.ndarray, epoch: int) -> None:
        """Runs ``which`` stop at ``epoch``: a loss or a weight is no longer finite."""
        for k in np.flatnonzero(which):
            self.diverged_at[k] = epoch
        self.alive &= ~which

    def _sum_norms(self) -> None:
        """Sum the buffered gradients' squares per layer into their epochs' rows."""
        rows, first = self._pending, self.epoch - self._pending
        if not rows:
            return
        grads = self._grads[:rows]
        target = self._squares[first : first + rows].reshape(*grads.shape[:-1], -1)
        with np.errstate(all="ignore"):  # a diverged run's gradient overflows
            np.multiply(grads, grads, out=grads)
            np.dot(grads, self._layer_of, target)
        self._pending = 0


def _grown(array: np.ndarray, size: int, kept: int) -> np.ndarray:
    """A longer copy (``size`` rows) of an array of per-epoch rows, its first ``kept`` filled."""
    grown = np.empty((size, *array.shape[1:]), dtype=array.dtype)
    grown[:kept] = array[:kept]
    return grown

"""A trainer's results, read from its books (engine.books) and its weights: per run, the loss,
penalty, test loss, accuracy and gradient norms of every epoch so far, its weights and network,
and its Outcome (engine.outcome), so far or final. Part of engine.trainer.Trainer (a base class
of it).
"""

from __future__ import annotations

import numpy as np

from .books import SATURATION_WINDOW, saturated
from .network import Network
from .outcome import Outcome, State, ended


class TrainerResults:
    """Part of :class:`engine.trainer.Trainer`'s methods: its results, per run k, on the state
    Trainer.__init__ sets up and the books engine.books keeps. They read the trainer's
    ``configs``, ``full``, ``splits``, ``n``, ``single``, ``net``, ``epoch``, ``epochs``,
    ``seconds``, ``held_out``, ``penalty``, ``_penalised``, ``_optimizer``, ``_scale``,
    ``_rates``, ``_recording``, ``changes``, ``correct``, ``diverged_at``, ``_first_perfect``
    and the per-epoch arrays ``_history``, ``_rights``, ``_squares``, ``_penalties``, ``_tests``
    and ``_lrs``; call its ``_sum_norms`` and ``lr_history``; and set ``saturated[k]`` from
    the final predictions (:meth:`outcome`)."""

    def epochs_run(self, k: int) -> int:
        """How many epochs of run k count (its loss history's length)."""
        at = self.diverged_at[k]
        if at is None:
            return self.epoch
        return at if np.isfinite(self._history[at - 1, k]) else at - 1

    def losses(self, k: int) -> np.ndarray:
        """Run k's loss per epoch so far (a view: copy it to keep it)."""
        return self._history[: self.epochs_run(k), k]

    def penalties(self, k: int) -> np.ndarray:
        """Run k's penalty per epoch so far, at the weights of the epoch's loss (the mean over
        the pass's batches, by their sizes, as the loss is); empty without a penalty."""
        if self.penalty is None or not self._penalised[k]:
            return self._penalties[:0, k]
        return self._penalties[: self.epochs_run(k), k]

    def test_losses(self, k: int) -> np.ndarray:
        """Run k's loss on its test samples per epoch so far, at the weights each epoch's pass
        started from (those of the epoch's reported loss for full batches); empty without a
        split."""
        end = self.epochs_run(k) if self.held_out is not None else 0
        return self._tests[:end, k, 0]

    def test_accuracy(self, k: int) -> float | None:
        """Run k's latest test accuracy (0..1), or None without a split."""
        if self.held_out is None or not self.epoch:
            return None
        return float(self._tests[self.epochs_run(k) - 1, k, 1] / self.held_out.m)

    def accuracies(self, k: int) -> np.ndarray:
        """Run k's accuracy per epoch so far: the fraction of its pass's samples it got right."""
        return self._rights[: self.epochs_run(k), k] / self.n

    def grad_norms(self, k: int, start: int = 0) -> np.ndarray:
        """Run k's gradient norm per epoch and layer (epochs, layers): the Frobenius norm of
        dL/d[W_i; b_i] at the epoch's last update (a copy), from epoch ``start`` + 1 on."""
        self._sum_norms()
        scale = self._scale[k if len(self._scale) > 1 else 0, 0]
        if self._recording and self._optimizer.folds_lr:  # each epoch's own rate
            scale = np.abs(self._lrs[start : self.epochs_run(k), k, None])
        with np.errstate(all="ignore"):
            return np.sqrt(self._squares[start : self.epochs_run(k), k]) / scale

    def weights(self, k: int) -> np.ndarray:
        """Run k's flat parameter vector (a view)."""
        return self.net.theta if self.single else self.net.theta[k]

    def network(self, k: int) -> Network:
        """Run k's network: the trainer's own for one run, a copy of its weights for several."""
        if self.single:
            return self.net
        return Network.of(self.configs[k], self.net.theta[k])

    def progress(self, k: int, history: bool = True) -> Outcome:
        """Run k so far, cheaply: its books and (unless ``history`` is False) its losses, no
        predictions."""
        at = self.diverged_at[k]
        return Outcome(
            loss_history=self.losses(k).tolist() if history else (),
            test_loss_history=self.test_losses(k).tolist() if history else (),
            test_accuracy=self.test_accuracy(k),
            accuracy=float(self.correct[k] / self.n),
            epochs_to_100=int(self._first_perfect[k]) or None,
            diverged_at=at,
            saturated=bool(self.saturated[k]),
            seconds=self.seconds / len(self.configs),
            state=State.DIVERGED if at is not None else State.RUNNING,
            lr=self._rates[k],
            lr_history=self.lr_history(k).tolist() if history else (),
            changes=tuple(self.changes[k]),
        )

    def outcome(self, k: int, cancelled: bool = False, finished: bool = True) -> Outcome:
        """Run k's outcome from its current weights: final predictions and accuracy, and a last
        saturation check on them. ``finished``: the run has stopped training."""
        full, (train, test) = self.full[k], self.splits[k]
        predictions = self.network(k).predict(full.x)  # every sample's, in the data's order
        right = (predictions >= 0.5) == (full.y == 1.0)
        history = self.losses(k)
        at = self.diverged_at[k]
        if at is None and len(history) >= SATURATION_WINDOW:
            old, new = history[-SATURATION_WINDOW], history[-1]
            self.saturated[k] = bool(saturated(predictions[train], full.y[train], old, new))
        correct = int(np.count_nonzero(right[train]))
        tested = {}
        if self.held_out is not None:
            tested = dict(
                test_indices=test.copy(),
                test_loss_history=self.test_losses(k).tolist(),
                test_accuracy=float(np.count_nonzero(right[test]) / len(test)),
            )
        if finished:
            state = ended(at, cancelled or (at is None and self.epoch < self.epochs))
        else:
            state = State.DIVERGED if at is not None else State.RUNNING
        return Outcome(
            loss_history=history.tolist(),
            accuracy_history=self.accuracies(k).tolist(),
            penalty_history=self.penalties(k).tolist(),
            accuracy=correct / self.n,
            epochs_to_100=int(self._first_perfect[k]) or None,
            diverged_at=at,
            saturated=bool(self.saturated[k]),
            seconds=self.seconds / len(self.configs),
            state=state,
            predictions=predictions,
            grad_norms=self.grad_norms(k),
            weights=self.weights(k).copy(),
            lr=self._rates[k],
            lr_history=self.lr_history(k).tolist(),
            changes=tuple(self.changes[k]),
            **tested,
        )

"""A trainer's learning rates and the settings changed while it trains: the schedules' steps
after each epoch, live changes (engine.config.LIVE) put in force between two updates, and the
rates and settings in force. Part of engine.trainer.Trainer (a base class of it).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .config import LIVE, Config, ConfigError
from .outcome import Change
from .penalty import Penalty
from .schedules import SCHEDULES, gamma_of


class LiveSettings:
    """Part of :class:`engine.trainer.Trainer`'s methods: its learning rates and the settings
    changed live, on the state Trainer.__init__ sets up. They read the trainer's ``configs``,
    ``epoch``, ``epochs``, ``single``, ``batch``, ``n``, ``net`` and ``_optimizer``; read and
    change ``tuned``, ``_rates``, ``_recording``, ``_lrs``, ``_scheduled``, ``_varied``,
    ``penalty``, ``_penalty_tmp``, ``_penalties``, ``_penalised`` and ``changes``; rescale the
    workspaces ``_ws`` and ``_tail``; and call its ``epochs_run``."""

    def _step_schedules(self) -> None:
        """After an epoch, every run's schedule turns its rate into the next epoch's
        (engine.schedules: torch's step() with last_epoch = the epochs done)."""
        t, epochs = self.epoch, self.epochs
        rates = [
            SCHEDULES[c.schedule].next(rate, t, epochs, gamma_of(c.schedule, c.gamma), c.step_every)
            for c, rate in zip(self.tuned, self._rates)
        ]
        if rates != self._rates:
            self._set_rates(rates)

    def _set_rates(self, rates: list[float]) -> None:
        """Put new rates in force from the next update on: in the optimizer and, where it
        folds lr into the backward pass (plain gd, sgd, minibatch), in the workspaces' error
        scale and the penalty's coefficients too."""
        if not self._recording:  # every epoch so far had the first rates
            self._lrs[: self.epoch] = self._rates
            self._recording = True
        self._rates = rates
        self._optimizer.set_lr(rates[0] if self.single else np.array([[r] for r in rates]))
        if self._optimizer.folds_lr:
            scale = self._optimizer.grad_scale
            self._ws.rescale(scale)
            if self.batch != self.n and self._tail is not None:
                self._tail[0].rescale(scale)
            if self.penalty is not None:
                self._set_penalty()

    def _set_penalty(self) -> None:
        """The penalty of the lambdas in force, scaled by the optimizer's grad_scale."""
        if self.penalty is None:  # gained while training: no epoch so far paid one
            self._penalties[: self.epoch] = 0.0
            self._penalty_tmp = np.empty_like(self.net.theta)
        l2s, l1s = [c.l2 for c in self.tuned], [c.l1 for c in self.tuned]
        sizes, scale = self.configs[0].sizes, self._optimizer.grad_scale
        self.penalty = Penalty.rates(l2s, l1s, sizes, scale)

    def rate(self, k: int) -> float:
        """Run k's learning rate in force: the one its next update uses."""
        return self._rates[k]

    def epoch_rate(self, k: int) -> float:
        """Run k's learning rate in its latest epoch (that of the epoch's last update)."""
        if self._recording and self.epoch:
            return float(self._lrs[self.epoch - 1, k])
        return self._rates[k]

    def retune(self, k: int, **changes) -> list[Change]:
        """Change run k's live settings (engine.config.LIVE: lr, schedule, step_every, gamma,
        l2, l1; text or values, checked as the config checks them, ConfigError naming the
        first bad one) from its next update on, keeping its weights and the optimizer's state
        (momentum, Adam's moments and step count). Between two updates only: from the thread
        that trains.

        A new ``lr`` replaces the rate in force, and the schedule continues from it: the
        epoch's remaining updates use it, and after the epoch the schedule's next step (the
        one for the epochs done) multiplies it, as setting torch's ``param_groups[0]["lr"]``
        between two ``scheduler.step()`` calls does. A new schedule (or gamma, step_every)
        takes its first step after the current epoch, from the rate in force then; cosine
        still anneals to 0 at the run's epochs + 1. A new ``l2`` or ``l1`` applies to the next
        update's gradient (a run without a penalty gains one). Each setting whose value
        changes is recorded as Change(epochs done, setting, value), and returned."""
        unknown = [name for name in changes if name not in LIVE]
        if unknown:
            raise ConfigError(
                unknown[0], "cannot change while training (can: " + ", ".join(LIVE) + ")"
            )
        old = dataclasses.replace(self.tuned[k], lr=self._rates[k])
        new = Config.from_values(changes, old)
        made = [
            Change(self.epoch, name, getattr(new, name))
            for name in changes
            if getattr(new, name) != getattr(old, name)
        ]
        if not made:
            return []
        self.tuned[k] = dataclasses.replace(new, lr=self.configs[k].lr)
        self._scheduled = any(c.schedule != "constant" for c in self.tuned)
        if new.lr != old.lr or new.schedule != "constant":
            self._varied[k] = True
        if new.lr != old.lr:
            rates = list(self._rates)
            rates[k] = new.lr
            self._set_rates(rates)
        if (new.l2, new.l1) != (old.l2, old.l1):
            self._penalised[k] = self._penalised[k] or bool(new.l2 or new.l1)
            self._set_penalty()
        self.changes[k].extend(made)
        return made

    def settings(self, k: int) -> Config:
        """Run k's config with the settings in force (``lr``: the rate in force)."""
        return dataclasses.replace(self.tuned[k], lr=self._rates[k])

    def lr_history(self, k: int) -> np.ndarray:
        """Run k's learning rate per epoch so far (of each epoch's last update), where it may
        vary (a schedule, a live change); empty where it never does."""
        if not self._varied[k]:
            return self._lrs[:0, k]
        if not self._recording:  # not changed yet
            return np.full(self.epochs_run(k), self._rates[k])
        return self._lrs[: self.epochs_run(k), k]

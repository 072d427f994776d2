"""What the screens share, typed: the session's runs, the run training now, the sweep, and the
settings form. The app builds one AppState and hands it to every screen it opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from engine import Config

from .experiment import Experiment
from .runner import Runner
from .session import RunRecord, Session


class SettingsForm(Protocol):
    """The settings of the next run (the main screen's form)."""

    def settings(self) -> Config | None:
        """The form's config, or None after marking every invalid field."""

    def pending(self) -> Config:
        """The form's config if it is valid, else the last valid one; marks nothing."""

    def load_settings(self, config: Config) -> None:
        """Fill the form from a config."""


class RunStage(Protocol):
    """Where the current run is shown (the main screen)."""

    def reopen(self, record: RunRecord) -> bool:
        """Show a finished run again, in every view, without retraining it; False (after saying
        why) if it cannot be."""


@dataclass
class AppState:
    initial: Config
    """The settings the app started with (flags, --config)."""
    session: Session
    runner: Runner
    experiment: Experiment
    save_weights_to: str | None = None
    """--save-weights: where each finished run's weights are written."""
    form: SettingsForm | None = None
    """Set by the main screen once it is up."""
    stage: RunStage | None = None
    """Set by the main screen once it is up."""

    def pending(self) -> Config:
        return self.form.pending() if self.form is not None else self.initial

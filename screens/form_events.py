"""The main screen's settings form as it is edited: with no run on screen the samples table
previews the data the form's settings give; a field entered while a run trains puts a live
setting in force at once, or says that it takes a restart. Part of screens.main.MainScreen (a
base class of it): it uses its ``form``, ``table``, ``runner``, ``pending``, ``show_status``
and ``title_samples``."""

from __future__ import annotations

import contextlib

import numpy as np

from engine import DataError, Dataset, State, make_dataset
from engine.config import LIVE, SETTINGS, ConfigError
from engine.split import split
from tui.widgets.form import ConfigForm


class FormEvents:
    """MainScreen's handlers of the settings form's messages."""

    def on_config_form_edited(self) -> None:
        if self.runner.current is None:
            self.show_status(None)
            self.preview_samples()

    def on_config_form_committed(self, message: ConfigForm.Committed) -> None:
        """A field entered while a run trains: a live setting (lr, l2, l1, the schedule) is put
        in force from the next update, keeping the weights; any other change waits for ctrl+r."""
        current = self.runner.current
        if current is None or not current.active:
            return
        name = message.name
        if name not in LIVE:
            pending = self.form.peek()
            if pending is not None and getattr(pending, name) != getattr(current.config, name):
                label = SETTINGS[name].label.lower()
                self.app.notify(
                    f"the run keeps its {label} setting; ctrl+r restarts it with the form's",
                    title="Takes a restart",
                    timeout=4,
                )
            return
        try:
            changed = self.runner.retune(name, self.form.raw(name))
        except ConfigError:
            return  # the form marks the field with the reason
        if changed:
            label = SETTINGS[name].label.lower()
            shown = self.form.raw(name).strip() or "auto"
            self.app.notify(
                f"{label} {shown} from the next update, the weights kept",
                title="Changed while paused" if current.state is State.PAUSED else "Changed live",
                timeout=4,
            )

    def preview_samples(self) -> None:
        """With no run on screen, the table shows the samples the form's settings give (made
        in a thread: a large dataset or CSV file never holds the screen)."""
        config = self.pending()

        def make() -> None:
            with contextlib.suppress(DataError):
                data = make_dataset(config)
                _, test = split(data, config.test_fraction, config.seed)
                self.app.call_from_thread(show, data, test)

        def show(data: Dataset, test: np.ndarray) -> None:
            if self.runner.current is None and self.pending() == config:
                held = np.zeros(data.n, dtype=bool)
                held[test] = True
                self.table.set_data(data.x, data.y, held)
                self.table.set_predictions(None)
                self.title_samples(held)

        self.run_worker(make, thread=True, exclusive=True, group="samples", exit_on_error=False)

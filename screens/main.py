"""The main screen: the settings form beside the live loss chart and the table of samples, with
the status line and the keys underneath. It owns the run it shows: the keys that train, pause,
step, reset and save act here (the app routes them from every view), the training worker's
messages arrive here, and a finished run re-opened from the runs view is shown here again."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from engine import (
    Config,
    State,
    save_weights,
)
from engine.split import none_held_out
from tui.messages import (
    ReopenRefused,
    RunReopened,
    TrainingEnded,
    TrainingFailed,
    TrainingProgress,
    TrainingRefused,
    TrainingStarted,
)
from tui.runner import next_speed, speed_text
from tui.session import RunRecord
from tui.state import AppState
from tui.widgets.chart import LossChart
from tui.widgets.form import ConfigForm
from tui.widgets.keybar import KeyBar
from tui.widgets.sample_table import SampleTable
from tui.widgets.status import StatusLine, TooSmall, status_text

from .files import FileActions, network_of
from .form_events import FormEvents
from .prompt import write_and_tell


class TrainingView(Vertical):
    """The chart above the table; the table keeps a header and 8 samples whenever it can."""

    def on_resize(self) -> None:
        height = self.size.height
        self.query_one(SampleTable).styles.height = max(min(height - 6, 11), height // 2)


STATUS_LAG = 0.05
"""Seconds between a progress message's chart and table and its status line (two frames)."""


class MainScreen(FormEvents, FileActions, Screen):
    """Settings on the left; the loss curve and every sample's prediction on the right."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self.runner = state.runner
        self._shown: int | None = None
        """The id of the run the chart and table show."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ConfigForm(self.state.initial, id="form")
            with TrainingView(id="view"):
                yield LossChart(id="chart")
                yield SampleTable(id="table")
        yield TooSmall()
        yield StatusLine(status_text(None, self.state.initial.epochs), id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.state.form = self
        self.state.stage = self
        self.preview_samples()
        self.form.border_title = "Settings"
        self.table.border_title = "Samples: ground truth and prediction"

    @property
    def form(self) -> ConfigForm:
        return self.query_one(ConfigForm)

    @property
    def chart(self) -> LossChart:
        return self.query_one(LossChart)

    @property
    def table(self) -> SampleTable:
        return self.query_one(SampleTable)

    # --- the settings form (tui.state.SettingsForm) -----------------------------------------------

    def settings(self) -> Config | None:
        return self.form.config(self.state.initial)

    def pending(self) -> Config:
        return self.form.peek() or self.state.initial

    def load_settings(self, config: Config) -> None:
        self.form.load(config)

    # --- re-opening a finished run (tui.state.RunStage) -------------------------------------------

    def reopen(self, record: RunRecord) -> bool:
        """Show a finished run again in every view, from its final weights (no retraining), its
        settings in the form; False (after saying why) while a run trains or if it has no
        weights. It is shown once its data is at hand (RunReopened)."""
        reason = self.runner.refusal(record)
        if reason is not None:
            self.app.notify(reason, title="Cannot re-open it")
            return False
        self.load_settings(record.config)
        self.runner.reopen(record, self)
        return True

    def on_run_reopened(self, message: RunReopened) -> None:
        record = self.runner.reopened(message)
        if record is None:
            return  # overtaken by another re-opening or a new run
        if isinstance(record, str):
            self.app.notify(record, title="Cannot re-open it")
            return
        self._show_run(record)
        self.app.refresh_bindings()
        self.app.notify(
            f"run {record.run_id} re-opened: f2 results, f3 boundary, f5 network; "
            "ctrl+r trains its settings again"
        )

    def on_reopen_refused(self, message: ReopenRefused) -> None:
        if self.runner.reopen_refused(message):
            self.app.notify(
                f"run {message.run_id} cannot be re-opened: {message.reason}",
                title="Cannot re-open it",
                severity="error",
            )

    def on_sample_table_chosen(self, message: SampleTable.Chosen) -> None:
        self.app.open_backprop(message.index)

    # --- what the keys do (routed here by the app) ------------------------------------------------

    def can(self, action: str) -> bool | None:
        """Whether an action applies now: True, or None to show its key dimmed."""
        current = self.runner.current
        if action == "pause":
            return True if current is not None and current.active else None
        if action == "step":
            return True if current is None or current.state is not State.RUNNING else None
        return True

    def action_train(self) -> None:
        """Start a run with the form's settings; a running one is stopped first."""
        config = self._valid_settings("Cannot train")
        if config is not None:
            self.start(config)

    def start(self, config: Config, paused: bool = False) -> RunRecord:
        record = self.runner.start(config, self, paused=paused)
        note = self.runner.note(config)
        if note:
            self.app.notify(note, title="Starting weights", severity="warning")
        with self.app.batch_update():
            self.table.set_predictions(None)
            self.chart.reset()
            self._shown = record.run_id
            self.show_status(record)
        self.app.refresh_bindings()
        return record

    def action_pause(self) -> None:
        self.runner.toggle_pause()
        self.show_status(self.runner.current)
        self.app.refresh_bindings()

    def action_stop(self) -> None:
        """Stop the run where it is; the status says "stopping…" until the worker ends."""
        self.runner.cancel()
        self.show_status(self.runner.current)

    def action_slower(self) -> None:
        self._set_speed(faster=False)

    def action_faster(self) -> None:
        self._set_speed(faster=True)

    def _set_speed(self, faster: bool) -> None:
        speed = next_speed(self.runner.speed, faster)
        self.runner.set_speed(speed)
        self.app.notify(f"at most {speed_text(speed)}", title="Speed", timeout=2)
        self.show_status(self.runner.current)

    def action_step(self) -> None:
        """One update while paused; from no run, start one paused and step it."""
        current = self.runner.current
        if self.runner.control is None or current is None or not current.active:
            config = self._valid_settings("Cannot step")
            if config is None:
                return
            self.start(config, paused=True)
        self.runner.step()

    def action_reset(self) -> None:
        """Stop the run and clear its chart and predictions; the next run starts from the seed's
        initial weights (no longer from an --init-weights file)."""
        self.runner.reset()
        self._show_no_run()
        self.app.refresh_bindings()

    def action_scale(self) -> None:
        self.chart.log_scale = not self.chart.log_scale

    def _valid_settings(self, title: str) -> Config | None:
        config = self.settings()
        if config is None:
            self.form.focus_first_invalid()
            self.app.notify("Fix the marked fields first.", title=title, severity="error")
        return config

    # --- the training worker's messages -----------------------------------------------------------

    def on_training_started(self, message: TrainingStarted) -> None:
        record = self.runner.started(message)
        if record is not None:
            self.set_samples(record)
            test = message.test_indices if message.test_indices is not None else np.arange(0)
            note = none_held_out(record.config.test_fraction, test, message.data.n)
            if note:
                self.app.notify(note, title="Nothing held out", severity="warning")

    def on_training_refused(self, message: TrainingRefused) -> None:
        if self.runner.refused(message):
            self.app.notify(message.reason, title="Cannot train", severity="error")
            self._show_no_run()
            self.app.refresh_bindings()

    def on_training_progress(self, message: TrainingProgress) -> None:
        record = self.runner.progress(message)
        if record is None:
            return
        flat_out = not message.paused and self.runner.speed is None
        with self.app.batch_update():
            self.chart.append(message.losses, message.test_losses or ())
            self.chart.mark([change.epoch for change in record.outcome.changes])
            self.chart.replot()
            self.table.set_predictions(record.predictions)
            if not flat_out:
                self.show_status(record)
        if flat_out:
            # the status line in a frame of its own: a frame repaints the rectangle around
            # everything changed, and the status line (full width, at the bottom) with the
            # chart and the table (on the right) would take in the whole form too, time the
            # training thread waits for the interpreter
            self.set_timer(STATUS_LAG, self._show_current_status)

    def on_training_ended(self, message: TrainingEnded) -> None:
        record = self.runner.ended(message)
        if record is None:
            return
        path = self.state.save_weights_to
        if path:
            net = network_of(record)
            write_and_tell(self.app, path, lambda: save_weights(net, path), "weights saved")
        if record.state is State.DIVERGED:
            self.app.notify(
                f"diverged at epoch {record.outcome.diverged_at}: try a smaller learning rate",
                title="Diverged",
                severity="warning",
            )
        self._show_end(record)

    def on_training_failed(self, message: TrainingFailed) -> None:
        record = self.runner.failed(message)
        if record is not None:
            self.app.notify(message.error, title="Training failed", severity="error")
            self._show_end(record)

    def _show_end(self, record: RunRecord) -> None:
        with self.app.batch_update():
            self.table.set_predictions(record.predictions)
            self.show_status(record)
        self.app.refresh_bindings()

    # --- drawing ----------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        """Back from a view: the run shown may have been removed there, or another re-opened."""
        current = self.runner.current
        if current is None:
            if self._shown is not None:
                self._show_no_run()
        elif current.run_id != self._shown:
            self._show_run(current)
        self.show_status(current)

    def _show_run(self, record: RunRecord) -> None:
        """Draw a run of the session as it stands: its whole loss curve, its samples with their
        predictions, its status."""
        self._shown = record.run_id
        outcome = record.outcome
        with self.app.batch_update():
            epochs = None if outcome.every == 1 else outcome.history_epochs()
            self.chart.load(record.losses, epochs, outcome.test_loss_history)
            self.chart.mark([change.epoch for change in outcome.changes])
            if record.data is not None:
                self.set_samples(record)
                self.table.set_predictions(record.predictions)
            self.show_status(record)

    def set_samples(self, record: RunRecord) -> None:
        """The run's samples in the table, its test samples marked (and named in the title)."""
        test = record.is_test()
        self.table.set_data(record.data.x, record.data.y, test)
        self.title_samples(test)

    def title_samples(self, test: np.ndarray | None) -> None:
        held = test is not None and test.any()
        self.table.border_title = (
            "Samples: truth and prediction; 7t: held out"
            if held
            else "Samples: ground truth and prediction"
        )

    def _show_no_run(self) -> None:
        self._shown = None
        with self.app.batch_update():
            self.chart.reset()
            self.table.set_predictions(None)
            self.show_status(None)
        self.preview_samples()

    def _show_current_status(self) -> None:
        """The status of the run shown now (a new run may have started since it was due)."""
        self.show_status(self.runner.current)

    def show_status(self, record: RunRecord | None) -> None:
        self.query_one(StatusLine).show(record, lambda: self.pending().epochs, self.runner.speed)

"""The backprop-tui app: keys and commands, the session's runs, and the training worker."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable
from functools import partial
from multiprocessing import resource_tracker
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from engine import Config, ConfigError, DataError, Network, Run, WeightsError, load_toml, save_toml
from engine import save_weights as write_weights
from engine.weights import activation_note
from screens.boundary import BoundaryScreen
from screens.experiments import ExperimentsScreen
from screens.help import HelpScreen
from screens.live import LiveView
from screens.main import MainScreen
from screens.network import NetworkScreen
from screens.prompt import PathPrompt
from screens.results import ResultScreen
from screens.runs import RunsScreen

from .crash import crash_line, write_crash_log
from .experiment import CANCELLED, DONE, FAILED, Experiment, pump_sweep
from .messages import SweepEnded, SweepProgress, TrainingEnded, TrainingFailed, TrainingProgress
from .session import ACTIVE, DIVERGED, PAUSED, RUNNING, STOPPED, RunRecord, Session
from .widgets.status import MIN_HEIGHT, MIN_WIDTH
from .worker import pump

ACTION_BINDINGS = [
    Binding(
        "ctrl+r",
        "train",
        "Train",
        tooltip="Train with the form's settings (restarts a run)",
        id="train",
        priority=True,
    ),
    Binding(
        "ctrl+t",
        "pause",
        "Pause",
        tooltip="Pause or resume the run",
        id="pause",
        priority=True,
    ),
    Binding(
        "ctrl+n", "step", "Step", tooltip="Train one epoch while paused", id="step", priority=True
    ),
    Binding("ctrl+g", "stop", "Stop", tooltip="Stop the run where it is", id="stop", priority=True),
    Binding(
        "ctrl+l",
        "reset",
        "Reset",
        tooltip="Stop, clear the chart, start again from the seed's weights",
        id="reset",
        priority=True,
    ),
    Binding(
        "ctrl+y",
        "scale",
        "Scale",
        tooltip="Show the loss on a log or a linear scale",
        id="scale",
        priority=True,
    ),
    Binding(
        "ctrl+s",
        "save_config",
        "Save",
        tooltip="Save the form's settings as TOML",
        id="save_config",
        priority=True,
    ),
    Binding(
        "ctrl+o",
        "load_config",
        "Open",
        tooltip="Fill the form from a TOML file",
        id="load_config",
        priority=True,
    ),
    Binding(
        "ctrl+f",
        "save_weights",
        "Weights",
        tooltip="Save the network's weights (.npz)",
        id="save_weights",
        priority=True,
    ),
    Binding(
        "f2",
        "view('results')",
        "Results",
        tooltip="Ground truth beside prediction",
        id="results",
        priority=True,
    ),
    Binding(
        "f3",
        "view('boundary')",
        "Boundary",
        tooltip="The decision boundary over the plane",
        id="boundary",
        priority=True,
    ),
    Binding(
        "f4",
        "view('runs')",
        "Runs",
        tooltip="Every run of the session, compared",
        id="runs",
        priority=True,
    ),
    Binding(
        "f5",
        "view('network')",
        "Network",
        tooltip="Each layer's weights and dead units",
        id="network",
        priority=True,
    ),
    Binding(
        "f6",
        "view('experiments')",
        "Experiments",
        tooltip="Sweeps: the lab's experiments in one keystroke",
        id="experiments",
        priority=True,
    ),
    Binding(
        "f12",
        "screenshot",
        "Screenshot",
        tooltip="Save what the screen shows as SVG",
        id="screenshot",
        priority=True,
    ),
    Binding("f1", "help", "Help", tooltip="List every key", id="help", priority=True),
    Binding("ctrl+q", "quit", "Quit", tooltip="Quit backprop-tui", id="quit", priority=True),
]
"""Every action of the app: a key shown in the footer, and an entry in the command palette."""

PALETTE_TITLES = {
    "train": "Train / restart",
    "pause": "Pause / resume",
    "step": "Step one epoch",
    "stop": "Stop training",
    "reset": "Reset weights",
    "scale": "Loss scale: log / linear",
    "save_config": "Save config (TOML)",
    "load_config": "Load config (TOML)",
    "save_weights": "Save weights (.npz)",
    "screenshot": "Save screenshot (SVG)",
    "help": "Help: every key",
    "view('results')": "View: results (ground truth | prediction)",
    "view('boundary')": "View: decision boundary",
    "view('runs')": "View: runs of this session",
    "view('network')": "View: network weights",
    "view('experiments')": "View: experiments (sweeps)",
    "quit": "Quit",
}
"""The command palette's name for each action (the footer's are shorter)."""

VIEWS = {
    "results": ResultScreen,
    "boundary": BoundaryScreen,
    "runs": RunsScreen,
    "network": NetworkScreen,
    "experiments": ExperimentsScreen,
}


class BackpropApp(App[None]):
    """Watch a network learn: settings, live loss, every sample's prediction."""

    TITLE = "backprop-tui"
    CSS_PATH = "app.tcss"
    BINDINGS = ACTION_BINDINGS

    def __init__(
        self,
        config: Config | None = None,
        *,
        autostart: bool = False,
        init_weights: str | None = None,
        save_weights: str | None = None,
    ) -> None:
        super().__init__()
        self.initial = config or Config()
        self.autostart = autostart
        self.init_weights = init_weights
        self.save_weights_to = save_weights
        """--save-weights: where each finished run's weights are written."""
        self.session = Session()
        self.experiment = Experiment()
        self.training: Run | None = None
        """The run training now, if any."""

    # --- screens and commands -----------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(self.initial)

    @property
    def main(self) -> MainScreen:
        return self.screen_stack[0]

    def on_resize(self, event) -> None:
        tiny = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        self.set_class(tiny, "-tiny")

    def on_mount(self) -> None:
        if self.autostart:
            self.call_after_refresh(self.action_train)

    def action_bindings(self) -> list[Binding]:
        return ACTION_BINDINGS

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout=None,
        markup: bool = False,
    ) -> None:
        """A notification, as plain text by default: ours quote paths and errors, where a "["
        must not be read as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for binding in ACTION_BINDINGS:
            title = f"{PALETTE_TITLES[binding.action]}  ({self.get_key_display(binding)})"
            yield SystemCommand(title, binding.tooltip, partial(self.run_action, binding.action))
        # and the keys of the screen the palette was opened on (views, dialogs)
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding):
                title = f"{binding.description}  ({self.get_key_display(binding)})"
                yield SystemCommand(
                    title,
                    binding.tooltip or binding.description,
                    partial(screen.run_action, binding.action),
                )
        ours = {"Quit", "Keys", "Screenshot", "Save screenshot"}
        for command in super().get_system_commands(screen):
            if command.title not in ours:
                yield command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, ModalScreen) and action not in ("quit", "help"):
            return False  # a dialog is open: it has the keys
        current = self.session.current
        state = current.state if current else None
        if action == "stop" and isinstance(self.screen, ExperimentsScreen):
            return True if self.experiment.state == "running" or state in ACTIVE else None
        if action == "pause" or action == "stop":
            return True if state in ACTIVE else None
        if action == "step":
            return True if state in (PAUSED, None) or not current.active else None
        return True

    # --- training ---------------------------------------------------------------------------------

    def action_train(self) -> None:
        """Start a run with the form's settings; a running one is stopped first."""
        form = self.main.form
        config = form.config(self.initial)
        if config is None:
            form.focus_first_invalid()
            self.notify("Fix the marked fields first.", title="Cannot train", severity="error")
            return
        self.start_run(config)

    def start_run(self, config: Config, *, paused: bool = False) -> RunRecord | None:
        self.stop_worker()
        try:
            run = Run(config, init_weights=self.init_weights)
        except (DataError, WeightsError) as error:
            self.notify(str(error), title="Cannot train", severity="error")
            return None
        if paused:
            run.control.pause()
        note = self.init_weights and activation_note(self.init_weights, config.activation)
        if note:
            self.notify(note, title="Starting weights", severity="warning")
        self.training = run
        record = self.session.start(config, run.data)
        record.state = PAUSED if paused else RUNNING
        with self.batch_update():
            self.main.show_data(run.data)
            self.main.show_status(record)
        self.train_worker(run, record.run_id)
        self.refresh_bindings()
        return record

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def train_worker(self, run: Run, run_id: int) -> None:
        """Runs in a thread: pumps the engine, posts messages, touches no widget."""
        pump(run, run_id, self.post_message)

    def stop_worker(self) -> None:
        """Cancel the current run; its thread ends before its next epoch.

        Its record is marked stopped at once: an exclusive worker that had not started yet is
        dropped without running, so no end message may come. If one comes, it has the final word.
        """
        if self.training is not None:
            self.training.control.cancel()
        self.training = None
        current = self.session.current
        if current is not None and current.active:
            current.state = STOPPED

    def on_training_progress(self, message: TrainingProgress) -> None:
        record = self.session.get(message.run_id)
        if record is None:
            return
        record.progress(message)
        if record is not self.session.current:
            return  # an earlier run's tail: kept in its record, never drawn
        with self.batch_update():
            self.main.show_losses(message.losses)
            self.main.table.set_predictions(record.predictions)
            self.main.show_status(record)

    def on_training_ended(self, message: TrainingEnded) -> None:
        record = self.session.get(message.run_id)
        if record is None:
            return
        record.finish(message.outcome, message.snapshot)
        if record is not self.session.current:
            return
        self.training = None
        if self.save_weights_to:
            net = Network.from_weights(
                record.config.sizes, record.config.activation, record.weights
            )
            self._write(
                self.save_weights_to,
                partial(write_weights, net, self.save_weights_to),
                "weights saved",
            )
        if record.state == DIVERGED:
            self.notify(
                f"diverged at epoch {record.diverged_at}: try a smaller learning rate",
                title="Diverged",
                severity="warning",
            )
        with self.batch_update():
            self.main.table.set_predictions(record.predictions)
            self.main.show_status(record)
        self.refresh_bindings()

    def on_training_failed(self, message: TrainingFailed) -> None:
        record = self.session.get(message.run_id)
        if record is None:
            return
        record.fail(message.error)
        if record is not self.session.current:
            return
        self.training = None
        self.main.show_status(record)
        self.notify(message.error, title="Training failed", severity="error")
        self.refresh_bindings()

    def action_pause(self) -> None:
        record = self.session.current
        if self.training is None or record is None:
            return
        if record.state == PAUSED:
            record.state, record.held = RUNNING, False
            record.clock = time.monotonic()
            self.training.control.resume()
        else:
            record.state = PAUSED
            self.training.control.pause()
        self.main.show_status(record)
        self.refresh_bindings()

    def action_step(self) -> None:
        """One epoch while paused; from no run, start one paused and step it."""
        record = self.session.current
        if self.training is None or record is None or not record.active:
            config = self.main.form.config(self.initial)
            if config is None:
                self.main.form.focus_first_invalid()
                self.notify("Fix the marked fields first.", title="Cannot step", severity="error")
                return
            if self.start_run(config, paused=True) is None:
                return
        if self.training is not None and self.session.current.state == PAUSED:
            self.training.control.step()

    def action_stop(self) -> None:
        if isinstance(self.screen, ExperimentsScreen) and self.experiment.state == "running":
            self.cancel_sweep()
        elif self.training is not None:
            self.training.control.cancel()

    def action_reset(self) -> None:
        """Stop the run and clear its chart and predictions; the next run starts from the seed's
        initial weights (no longer from an --init-weights file)."""
        self.stop_worker()
        self.init_weights = None
        self.session.current = None
        with self.batch_update():
            self.main.chart.reset()
            self.main.table.set_predictions(None)
            self.main.show_status(None)
        self.refresh_bindings()

    def action_scale(self) -> None:
        self.main.chart.log_scale = not self.main.chart.log_scale

    # --- files ------------------------------------------------------------------------------------

    def action_save_config(self) -> None:
        config = self.main.form.config(self.initial)
        if config is None:
            self.main.form.focus_first_invalid()
            self.notify("Fix the marked fields first.", title="Cannot save", severity="error")
            return

        def save(path: str | None) -> None:
            if path:
                self._write(path, partial(save_toml, config, path), "config saved")

        self.push_screen(PathPrompt("Save config as:", "backprop.toml"), save)

    def action_load_config(self) -> None:
        def load(path: str | None) -> None:
            if not path:
                return
            try:
                config = load_toml(path, self.initial)
            except ConfigError as error:
                self.notify(str(error), title="Cannot load", severity="error")
                return
            self.main.form.load(config)
            self.notify(f"{path}: loaded into the form", title="Config loaded")

        self.push_screen(PathPrompt("Load config from:", "backprop.toml", must_exist=True), load)

    def action_save_weights(self) -> None:
        record = self.session.current
        if record is None or record.weights is None:
            self.notify("Train first: there are no weights yet.", title="Nothing to save")
            return
        # the last snapshot the worker sent, never the weights it is changing right now
        net = Network.from_weights(record.config.sizes, record.config.activation, record.weights)

        def save(path: str | None) -> None:
            if path:
                self._write(path, partial(write_weights, net, path), "weights saved")

        self.push_screen(PathPrompt("Save weights as:", "weights.npz"), save)

    def action_screenshot(self) -> None:
        def save(path: str | None) -> None:
            if path:
                target = Path(path)
                write = partial(self.save_screenshot, filename=target.name, path=str(target.parent))
                # after the dialog has gone and the key bar shows the main screen's keys again
                self.call_after_refresh(self._write, path, write, "screenshot saved")

        self.push_screen(PathPrompt("Save screenshot as:", "backprop-tui.svg"), save)

    def _write(self, path: str, write, what: str) -> None:
        try:
            write()
        except OSError as error:
            self.notify(f"{path}: {error.strerror or error}", title="Cannot save", severity="error")
        else:
            self.notify(f"{path}", title=what)

    def action_view(self, name: str) -> None:
        """Show a view of the current run; from another view, switch to it."""
        view = VIEWS[name]()
        if isinstance(self.screen, LiveView):
            if not isinstance(self.screen, type(view)):
                self.switch_screen(view)
        else:
            self.push_screen(view)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.stop_worker()
        self.exit()

    def on_unmount(self) -> None:
        self.stop_worker()  # a paused run's thread is waiting: let it end with the app
        self.experiment.stop.set()

    # --- sweeps -----------------------------------------------------------------------------------

    def start_sweep(self, sweeps) -> None:
        """Run sweeps in the background; a running one is cancelled first."""
        sweep_id = self.experiment.start(sweeps)
        # multiprocessing starts its resource tracker with stderr's file descriptor, which
        # Textual's capture of stderr does not have: start it against the real one first
        with contextlib.redirect_stderr(sys.__stderr__):
            resource_tracker.ensure_running()
        self.sweep_worker(sweeps, sweep_id, self.experiment.stop)

    def cancel_sweep(self) -> None:
        self.experiment.stop.set()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep")
    def sweep_worker(self, sweeps, sweep_id: int, stop) -> None:
        """Runs in a thread: the sweep's processes report here; it only posts messages."""
        pump_sweep(sweeps, sweep_id, stop, os.cpu_count() or 1, self.post_message)

    def on_sweep_progress(self, message: SweepProgress) -> None:
        if message.sweep_id == self.experiment.sweep_id:
            self.experiment.runs = message.runs

    def on_sweep_ended(self, message: SweepEnded) -> None:
        experiment = self.experiment
        if message.sweep_id != experiment.sweep_id:
            return  # an earlier sweep's tail
        experiment.runs = message.runs
        experiment.error = message.error
        experiment.state = FAILED if message.error else CANCELLED if message.cancelled else DONE
        finished = [(c, r) for c, r in message.runs.items() if r.done or r.diverged_at]
        for config, run in finished:
            self.session.add_finished(config, run)
        if message.error:
            self.notify(message.error, title="Sweep failed", severity="error")
        else:
            self.notify(
                f"sweep {experiment.state}: {len(finished)} runs added to the runs table (f4)",
                title="Experiments",
            )

    def _print_error_renderables(self) -> None:
        # Textual prints a crash's traceback on exit; ours goes to a file and the user gets one
        # line (overrides a private hook: Textual offers no public one)
        if not self._exit_renderables:
            return
        from rich.console import Console

        def write(handle) -> None:
            console = Console(file=handle, width=120, color_system=None)
            for renderable in self._exit_renderables:
                console.print(renderable)

        line = crash_line(self._exception, write_crash_log(write))
        self._exit_renderables.clear()
        self.error_console.print(line, markup=False, highlight=False, soft_wrap=True)


def run_app(
    config: Config,
    *,
    autostart: bool = False,
    init_weights: str | None = None,
    save_weights: str | None = None,
    headless: bool = False,
) -> int:
    """Run the app until the user quits; the exit status is non-zero if it crashed."""
    app = BackpropApp(
        config, autostart=autostart, init_weights=init_weights, save_weights=save_weights
    )
    app.run(headless=headless)
    return app.return_code or 0

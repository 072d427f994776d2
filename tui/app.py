"""The backprop-tui app: it installs the screens, routes the global keys and owns the session.

The keys come from one table (tui.actions); the run on the main screen lives with that screen
(screens.main, tui.runner); the sweep with its state (tui.experiment); what the screens share is
handed to them typed (tui.state).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from engine import Config
from engine.files import write_text
from screens.backprop import BackpropScreen
from screens.boundary import BoundaryScreen
from screens.experiments import ExperimentsScreen
from screens.help import HelpScreen
from screens.live import LiveView
from screens.main import MainScreen
from screens.network import NetworkScreen
from screens.prompt import PathPrompt, write_and_tell
from screens.results import ResultScreen
from screens.runs import RunsScreen

from .actions import ACTIONS, BINDINGS
from .crash import crash_line, write_crash_log_for
from .experiment import Experiment
from .messages import SweepEnded, SweepProgress
from .runner import Runner
from .session import Session
from .state import AppState
from .widgets.status import MIN_HEIGHT, MIN_WIDTH

VIEWS: dict[str, type[LiveView]] = {
    "results": ResultScreen,
    "boundary": BoundaryScreen,
    "runs": RunsScreen,
    "network": NetworkScreen,
    "experiments": ExperimentsScreen,
    "backprop": BackpropScreen,
}


class BackpropApp(App[None]):
    """Watch a network learn: settings, live loss, every sample's prediction."""

    TITLE = "backprop-tui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        *BINDINGS,
        # focus moves as tab is read, before the keys after it are handed to a widget: typed in
        # one burst, "tab 0.5" put 0.5 in the field tab was leaving (a screen's own tab binding
        # runs only once the key has bubbled up through the focused field)
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        config: Config | None = None,
        *,
        autostart: bool = False,
        init_weights: str | None = None,
        save_weights: str | None = None,
        budget: int | None = None,
        speed: float | None = None,
        plain: bool = False,
    ) -> None:
        """``budget``: bytes a run (or the sweep's runs at once) may need (engine.memory);
        ``speed``: epochs per second at most (None: as fast as it goes); ``plain``: draw only
        characters a Linux console font has (no braille, no rounded corners)."""
        super().__init__()
        self.autostart = autostart
        self.plain = plain
        self.session = Session()
        self.experiment = Experiment(self.session, budget)
        self.state = AppState(
            initial=config or Config(),
            session=self.session,
            runner=Runner(self.session, init_weights, budget, speed),
            experiment=self.experiment,
            save_weights_to=save_weights,
        )

    def get_default_screen(self) -> Screen:
        return MainScreen(self.state)

    @property
    def main(self) -> MainScreen:
        return self.screen_stack[0]

    def on_mount(self) -> None:
        self.set_class(self.plain, "-plain")
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):  # a kill, a closed terminal
            loop.add_signal_handler(signum, self._terminate, signum)
        if self.autostart:
            self.call_after_refresh(self.main.action_train)

    def _terminate(self, signum: int) -> None:
        """End as ctrl+q does: the run and the sweep's processes stop, the terminal is
        restored; the exit status says which signal."""
        self.state.runner.stop()
        self.experiment.cancel()
        self.exit(return_code=128 + signum)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.state.runner.make_way()  # the training thread waits while the key is answered
        await super().on_event(event)

    def on_resize(self, event) -> None:
        tiny = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        self.set_class(tiny, "-tiny")

    def notify(self, message: str, *, title="", severity="information", timeout=None, markup=False):
        """A notification, as plain text by default: ours quote paths and errors, where a "["
        must not be read as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # --- keys and commands ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for action, binding in zip(ACTIONS, BINDINGS):
            title = f"{action.title}  ({self.get_key_display(binding)})"
            yield SystemCommand(title, action.tooltip, partial(self.run_action, action.action))
        # and the keys of the screen the palette was opened on (views, dialogs)
        own = [
            binding
            for cls in type(screen).__mro__
            if cls.__module__.startswith("screens.")  # not Textual's (focus, copy, ...)
            for binding in cls.__dict__.get("BINDINGS", [])
        ]
        for binding in own:
            if isinstance(binding, Binding):
                title = f"{binding.description}  ({self.get_key_display(binding)})"
                help_text = binding.tooltip or binding.description
                yield SystemCommand(title, help_text, partial(screen.run_action, binding.action))
        # nothing else: Textual's own commands (themes, maximize, ...) are not this app's

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, ModalScreen) and action not in ("quit", "help"):
            return False  # a dialog is open: it has the keys
        if action == "main":
            return self.main.can(str(parameters[0]))
        if action == "stop":
            current = self.session.current
            sweeping = isinstance(self.screen, ExperimentsScreen) and self.experiment.running
            return True if sweeping or (current is not None and current.active) else None
        return True

    async def action_main(self, name: str) -> None:
        """An action of the main screen's run, from wherever the user is; in the experiments
        view, train runs its sweep."""
        if name == "train" and isinstance(self.screen, ExperimentsScreen):
            self.screen.action_run_sweep()
            return
        await self.main.run_action(name)

    def action_stop(self) -> None:
        """Stop the sweep when its view is open and it runs, else the run."""
        if isinstance(self.screen, ExperimentsScreen) and self.experiment.running:
            self.experiment.cancel()
        else:
            self.main.action_stop()

    def action_view(self, name: str) -> None:
        """Show a view of the current run; from another view, switch to it; from the view
        itself (its key again), back to the main screen, as escape does -- without escape's
        wait to tell the key from the start of a sequence (ESCDELAY, 100 ms)."""
        kind = VIEWS[name]
        if isinstance(self.screen, kind):
            self.screen.action_back()
        elif isinstance(self.screen, LiveView):
            self.switch_screen(kind(self.state))
        else:
            self.push_screen(kind(self.state))

    def open_backprop(self, sample: int | None) -> None:
        """The back-propagation view, explaining the step on ``sample`` (None: the batch)."""
        view = BackpropScreen(self.state, sample)
        if isinstance(self.screen, LiveView):
            self.switch_screen(view)
        else:
            self.push_screen(view)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(VIEWS))

    def action_screenshot(self) -> None:
        def save(path: str | None) -> None:
            if path:
                # after the dialog has gone and the key bar shows the main screen's keys again
                write = partial(self._write_screenshot, path)
                self.call_after_refresh(write_and_tell, self, path, write, "screenshot saved")

        self.push_screen(PathPrompt("Save screenshot as:", "backprop-tui.svg"), save)

    def _write_screenshot(self, path: str) -> None:
        write_text(path, self.export_screenshot())

    async def action_quit(self) -> None:
        self.state.runner.stop()
        self.exit()

    def on_unmount(self) -> None:
        self.state.runner.stop()  # a paused run's thread is waiting: let it end with the app
        self.experiment.close()

    # --- the sweep's messages ---------------------------------------------------------------------

    def on_sweep_progress(self, message: SweepProgress) -> None:
        self.experiment.progress(message)

    def on_sweep_ended(self, message: SweepEnded) -> None:
        added = self.experiment.ended(message)
        if added is None:
            return  # an earlier sweep's tail
        if message.error:
            self.notify(message.error, title="Sweep failed", severity="error")
        else:
            state = self.experiment.state
            self.notify(
                f"sweep {state}: {added} runs added to the runs table (f4)", title="Experiments"
            )

    def _print_error_renderables(self) -> None:
        # Textual prints a crash's traceback (with local variables) on exit; ours goes to a
        # private file without them and the user gets one line (overrides a private hook:
        # Textual offers no public one)
        if not self._exit_renderables:
            return
        self._exit_renderables.clear()
        line = crash_line(self._exception, write_crash_log_for(self._exception))
        self.error_console.print(line, markup=False, highlight=False, soft_wrap=True)


def run_app(
    config: Config,
    *,
    autostart: bool = False,
    init_weights: str | None = None,
    save_weights: str | None = None,
    budget: int | None = None,
    speed: float | None = None,
    plain: bool = False,
    headless: bool = False,
) -> int:
    """Run the app until the user quits; the exit status is non-zero if it crashed."""
    app = BackpropApp(
        config,
        autostart=autostart,
        init_weights=init_weights,
        save_weights=save_weights,
        budget=budget,
        speed=speed,
        plain=plain,
    )
    app.run(headless=headless)
    return app.return_code or 0

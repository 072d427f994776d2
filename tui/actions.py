"""Every action of the app, once: its key, its footer word, its palette title and its tooltip.

The app's bindings, the command palette and the help screen are all generated from ACTIONS, so
no list is written twice. Actions of the main screen's run (train, pause, ...) are routed to it
from wherever the user is; views are opened by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    """One action: ``action`` is what the binding runs on the app."""

    key: str
    action: str
    footer: str
    title: str
    """The command palette's name for it (the footer's word is shorter)."""
    tooltip: str
    essential: bool = False
    """Shown on the one-line key bar; every action is in help (f1) and the palette (^p)."""

    @property
    def id(self) -> str:
        return self.action.split("'")[1] if "'" in self.action else self.action

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.footer,
            show=self.essential,
            tooltip=self.tooltip,
            id=self.id,
            priority=True,
        )


def _main(name: str) -> str:
    return f"main('{name}')"


def _view(name: str) -> str:
    return f"view('{name}')"


ACTIONS: tuple[Action, ...] = (
    Action(
        "ctrl+r",
        _main("train"),
        "Train",
        "Train / restart",
        "Train with the form's settings (restarts a run)",
        essential=True,
    ),
    Action("ctrl+t", _main("pause"), "Pause", "Pause / resume", "Pause or resume the run", True),
    Action(
        "ctrl+n",
        _main("step"),
        "Step",
        "Step one update",
        "While paused, one update: a sample (sgd), a mini-batch, or an epoch (full batch)",
        True,
    ),
    Action(
        "ctrl+g", "stop", "Stop", "Stop training", "Stop the run (or the sweep) where it is", True
    ),
    Action(
        "f7",
        _main("slower"),
        "Slower",
        "Speed: slower",
        "Fewer epochs per second (max, 1000, 100, 10, 1), to watch it learn",
        True,
    ),
    Action(
        "f8",
        _main("faster"),
        "Faster",
        "Speed: faster",
        "More epochs per second, up to as fast as it goes",
    ),
    Action(
        "ctrl+l",
        _main("reset"),
        "Reset",
        "Reset weights",
        "Stop, clear the chart, start again from the seed's weights",
    ),
    Action(
        "ctrl+y",
        _main("scale"),
        "Scale",
        "Loss scale: log / linear",
        "Show the loss on a log or a linear scale",
    ),
    Action(
        "ctrl+s",
        _main("save_config"),
        "Save",
        "Save config (TOML)",
        "Save the form's settings as TOML",
    ),
    Action(
        "ctrl+o",
        _main("load_config"),
        "Open",
        "Load config (TOML)",
        "Fill the form from a TOML file",
    ),
    Action(
        "ctrl+f",
        _main("save_weights"),
        "Weights",
        "Save weights (.npz)",
        "Save the network's weights (.npz)",
    ),
    Action(
        "f2",
        _view("results"),
        "Results",
        "View: results (ground truth | prediction)",
        "Ground truth beside prediction",
    ),
    Action(
        "f3",
        _view("boundary"),
        "Boundary",
        "View: decision boundary",
        "The decision boundary over the plane",
    ),
    Action(
        "f4",
        _view("runs"),
        "Runs",
        "View: runs of this session",
        "Every run of the session, compared",
    ),
    Action(
        "f5",
        _view("network"),
        "Network",
        "View: network (each unit over the plane)",
        "Each unit's output as a tile over the plane, the weights between, dead units marked",
    ),
    Action(
        "f6",
        _view("experiments"),
        "Experiments",
        "View: experiments (sweeps)",
        "Sweeps: the lab's experiments in one keystroke",
    ),
    Action(
        "f9",
        _view("backprop"),
        "Back-prop",
        "View: back-propagation (one step laid open)",
        "The next update layer by layer: z, a, delta, dL/dW, the update, the gradient check",
    ),
    Action(
        "f12",
        "screenshot",
        "Screenshot",
        "Save screenshot (SVG)",
        "Save what the screen shows as SVG",
    ),
    Action("f1", "help", "Help", "Help: every key", "List every key", True),
    Action("ctrl+q", "quit", "Quit", "Quit", "Quit backprop-tui", True),
)
"""Every action of the app, in the order the footer, the palette and the help show them."""

BINDINGS = [action.binding() for action in ACTIONS]

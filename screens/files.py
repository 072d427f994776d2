"""The main screen's file keys: save the form's settings as TOML (ctrl+s), fill the form from a
TOML file (ctrl+o), save the shown run's weights (ctrl+f). Part of screens.main.MainScreen (a
base class of it): they use its ``form``, ``runner``, ``state`` and ``_valid_settings``."""

from __future__ import annotations

from engine import Network, save_toml, save_weights
from engine.config import ConfigError, load_toml
from tui.session import RunRecord

from .prompt import PathPrompt, save_as


def network_of(record: RunRecord) -> Network:
    """The network of a run's last snapshot (never the weights its worker is changing now)."""
    return Network.of(record.config, record.weights)


class FileActions:
    """MainScreen's actions that write or read a file, each through a path prompt."""

    def action_save_config(self) -> None:
        config = self._valid_settings("Cannot save")
        if config is not None:
            prompt = PathPrompt("Save config as:", "backprop.toml")
            save_as(self.app, prompt, lambda path: save_toml(config, path), "config saved")

    def action_load_config(self) -> None:
        def load(path: str | None) -> None:
            if not path:
                return
            try:
                config = load_toml(path, self.state.initial)
            except ConfigError as error:
                self.app.notify(str(error), title="Cannot load", severity="error")
                return
            self.form.load(config)
            self.app.notify(f"{path}: loaded into the form", title="Config loaded")

        self.app.push_screen(
            PathPrompt("Load config from:", "backprop.toml", must_exist=True), load
        )

    def action_save_weights(self) -> None:
        record = self.runner.current
        if record is None or record.weights is None:
            self.app.notify("Train first: there are no weights yet.", title="Nothing to save")
            return
        # the last snapshot the worker sent, never the weights it is changing right now
        net = network_of(record)
        prompt = PathPrompt("Save weights as:", "weights.npz")
        save_as(self.app, prompt, lambda path: save_weights(net, path), "weights saved")
